import { formatDuration, type Clock } from '../common/index.js';
import type { DetourEvent, EffectiveHealth } from '../model/index.js';
import type { TopologyService } from '../sla/index.js';
import type { IncidentState } from './incident.js';
import type { IncidentStatus } from './types.js';

export interface LifecycleDeps {
  clock: Clock;
  observer: string;
  /** Healthy this long with no new failure → resolved. */
  quietPeriod: number;
  /** Puts `incident.changed` on the bus (called a microtask later, after the event that caused it). */
  emit(e: DetourEvent): void;
  /** Queues the incident's new state for the store. */
  persist(s: IncidentState): void;
}

interface View {
  health(endpointId: string): EffectiveHealth;
  topology(): readonly TopologyService[];
}

/**
 * The state machine of open incidents:
 *
 *   detected ──(no traffic to a failing endpoint)──► mitigated
 *      ▲  ▲──────────(all down: nowhere to go)───────────┘
 *      │                         │ every affected endpoint healthy again
 *      └──(fails again)── monitoring ◄──┘
 *                                │ quietPeriod without a new failure (a timer)
 *                                ▼
 *                             resolved
 *
 * Automatic changes follow the evidence; an operator's status holds until the next one.
 */
export class Lifecycle {
  readonly #deps: LifecycleDeps;
  readonly #view: View;
  readonly #open = new Map<string, IncidentState>(); // by key
  readonly #active = new Map<string, Set<string> | null>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #dirty = new Set<IncidentState>();

  constructor(deps: LifecycleDeps, view: View) {
    this.#deps = deps;
    this.#view = view;
  }

  setActive(service: string, pools: string[] | null): void {
    this.#active.set(service, pools === null ? null : new Set(pools));
  }

  byKey(key: string): IncidentState | undefined {
    return this.#open.get(key);
  }

  get(id: string): IncidentState | undefined {
    for (const s of this.#open.values()) if (s.id === id) return s;
    return undefined;
  }

  open(): IncidentState[] {
    return [...this.#open.values()];
  }

  ofService(service: string): IncidentState[] {
    return this.open().filter((s) => s.service === service);
  }

  opened(s: IncidentState, text: string): void {
    this.#open.set(s.key, s);
    this.#save(s, 'opened', text);
  }

  restore(s: IncidentState, now: number): void {
    this.#open.set(s.key, s);
    if (s.status === 'monitoring' && s.failing.length === 0) this.#arm(s);
    else this.recompute(s, now, 'Detour restarted; endpoints start healthy');
  }

  addFailing(s: IncidentState, id: string, pool: string, endpoint: string, at: number): void {
    if (!s.failing.includes(id)) s.failing.push(id);
    if (!s.pools.includes(pool)) s.pools.push(pool);
    if (!s.endpoints.includes(endpoint)) s.endpoints.push(endpoint);
    s.updatedAt = at;
    this.#dirty.add(s);
  }

  removeFailing(s: IncidentState, id: string): void {
    s.failing = s.failing.filter((x) => x !== id);
  }

  /** Derives the status from what is failing and where traffic goes; saves and announces a change. */
  recompute(s: IncidentState, at: number, why: string): void {
    const next: IncidentStatus = s.failing.length === 0 ? 'monitoring' : this.#mitigated(s) ? 'mitigated' : 'detected';
    if (next === s.status && !this.#dirty.has(s)) return;
    if (next === s.status) return this.#save(s);
    const prev = s.status;
    s.status = next;
    s.manual = false;
    s.updatedAt = at;
    if (next === 'mitigated' && s.mitigatedAt === null) s.mitigatedAt = at;
    if (next === 'monitoring') {
      s.monitoringAt = at;
      this.#arm(s);
    } else {
      this.#disarm(s);
    }
    this.#save(s, 'updated', this.#why(prev, next, why));
  }

  addClientErrors(service: string, n: number): void {
    for (const s of this.ofService(service)) {
      s.clientErrors += n;
      this.#dirty.add(s);
    }
  }

  flush(): void {
    for (const s of this.#dirty) this.#deps.persist(s);
    this.#dirty.clear();
  }

  operatorStatus(s: IncidentState, status: IncidentStatus, actor: string, at: number): IncidentState {
    if (status === 'resolved') {
      this.#resolve(s, at, `resolved by ${actor}`, actor);
      return s;
    }
    s.status = status;
    s.manual = true;
    s.updatedAt = at;
    if (status === 'mitigated' && s.mitigatedAt === null) s.mitigatedAt = at;
    if (status === 'monitoring') s.monitoringAt = at;
    if (status === 'monitoring' && s.failing.length === 0) this.#arm(s);
    else this.#disarm(s);
    this.#save(s, 'updated', `status set to ${status} by ${actor}`, actor);
    return s;
  }

  reopen(stored: IncidentState, status: IncidentStatus, actor: string, at: number, failing: string[]): IncidentState {
    const other = this.#open.get(stored.key);
    if (other) throw new Error(`incident ${other.id} is already open for ${stored.service} ${stored.provider ?? ''} ${stored.region ?? ''}`.trim());
    const s: IncidentState = { ...stored, status, failing, resolvedAt: null, recoveredAt: null, manual: true, updatedAt: at };
    this.#open.set(s.key, s);
    if (status === 'monitoring' && failing.length === 0) this.#arm(s);
    this.#save(s, 'updated', `reopened as ${status} by ${actor}`, actor);
    return s;
  }

  stop(): void {
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }

  /** Mitigated: some tier still takes traffic, and no failing endpoint sits in it without a healthy neighbour. */
  #mitigated(s: IncidentState): boolean {
    const active = this.#active.get(s.service) ?? this.#activeFromTopology(s.service);
    if (active === null) return false;
    return s.failing.every((id) => {
      const pool = id.slice(s.service.length + 1).split('/')[0]!;
      if (!active.has(pool)) return true;
      const p = this.#pool(s.service, pool);
      return p !== undefined && p.endpoints.some((ep) => this.#view.health(`${s.service}/${pool}/${ep}`) === 'healthy');
    });
  }

  /** Before the first pool.active of a service: the best priority with a healthy endpoint, as the balancer picks. */
  #activeFromTopology(service: string): Set<string> | null {
    const svc = this.#view.topology().find((x) => x.name === service);
    const healthy = (svc?.pools ?? []).filter((p) => p.endpoints.some((ep) => this.#view.health(`${service}/${p.name}/${ep}`) === 'healthy'));
    if (healthy.length === 0) return svc === undefined ? new Set() : null;
    const best = Math.min(...healthy.map((p) => p.priority));
    return new Set(healthy.filter((p) => p.priority === best).map((p) => p.name));
  }

  #pool(service: string, pool: string) {
    return this.#view.topology().find((x) => x.name === service)?.pools.find((p) => p.name === pool);
  }

  #arm(s: IncidentState): void {
    this.#disarm(s);
    const t = setTimeout(() => {
      this.#timers.delete(s.id);
      if (s.failing.length === 0 && s.status === 'monitoring') {
        this.#resolve(s, this.#deps.clock.now(), `no new failure for ${formatDuration(this.#deps.quietPeriod)}: resolved`);
      }
    }, this.#deps.quietPeriod);
    t.unref();
    this.#timers.set(s.id, t);
  }

  #disarm(s: IncidentState): void {
    clearTimeout(this.#timers.get(s.id));
    this.#timers.delete(s.id);
  }

  #resolve(s: IncidentState, at: number, text: string, actor?: string): void {
    this.#disarm(s);
    s.status = 'resolved';
    s.resolvedAt = at;
    s.recoveredAt = s.failing.length === 0 ? (s.monitoringAt ?? at) : at;
    s.updatedAt = at;
    s.manual = actor !== undefined;
    this.#open.delete(s.key);
    this.#save(s, 'updated', text, actor);
  }

  #why(prev: IncidentStatus, next: IncidentStatus, why: string): string {
    switch (next) {
      case 'mitigated':
        return `mitigated: no client traffic goes to a failing endpoint (${why})`;
      case 'monitoring':
        return `every affected endpoint is healthy again; resolves after ${formatDuration(this.#deps.quietPeriod)} without a new failure`;
      case 'detected':
        return prev === 'monitoring' ? `failing again: ${why}` : `clients may see errors: ${why}`;
      case 'resolved':
        return why;
      default: {
        const never: never = next;
        return never;
      }
    }
  }

  #save(s: IncidentState, change?: 'opened' | 'updated', text?: string, actor?: string): void {
    this.#dirty.delete(s);
    this.#deps.persist(s);
    if (change === undefined || text === undefined) return;
    const e: DetourEvent = {
      type: 'incident.changed', at: s.updatedAt, observer: this.#deps.observer, id: s.id, change, status: s.status,
      service: s.service, provider: s.provider, region: s.region, text, ...(actor !== undefined ? { actor } : {}),
    };
    queueMicrotask(() => this.#deps.emit(e));
  }
}
