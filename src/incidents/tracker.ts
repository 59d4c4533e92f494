import type { DetourEvent, EffectiveHealth } from '../model/index.js';
import type { TopologyService } from '../sla/index.js';
import { baseId, incidentKey, titleOf, type IncidentState } from './incident.js';
import { Lifecycle, type LifecycleDeps } from './lifecycle.js';

export interface TrackerDeps extends LifecycleDeps {
  /** Earliest failure evidence (failed request or check) in the current streak of these endpoints. */
  evidence?(endpointIds: readonly string[], at: number): number | undefined;
  /** An id already used by a stored incident. */
  idTaken?(id: string): boolean;
}

const ORPHAN_MS = 1000;
const isDown = (h: EffectiveHealth): boolean => h === 'unhealthy' || h === 'ejected';

/**
 * Groups bus events into incidents, one per service and provider/region (or pool, when
 * a pool has no provider/region labels). Opened when Detour takes an endpoint out of
 * service because it failed (active or passive detection; operator drains never open
 * one), then driven through detected → mitigated → monitoring → resolved by
 * `Lifecycle`. Synchronous and pure apart from `deps`: the scripted tests feed it events.
 */
export class IncidentTracker {
  readonly #deps: TrackerDeps;
  readonly #life: Lifecycle;
  #topology: TopologyService[] = [];
  readonly #health = new Map<string, EffectiveHealth>();
  readonly #used = new Set<string>();
  /** Evidence that came before its incident existed (an ejection precedes the health change it causes). */
  readonly #orphans = new Map<string, Array<{ at: number; link: (id: string) => void }>>();

  constructor(deps: TrackerDeps) {
    this.#deps = deps;
    this.#life = new Lifecycle(deps, {
      health: (id) => this.#health.get(id) ?? 'healthy',
      topology: () => this.#topology,
    });
  }

  /** The pools and endpoints now configured (at start and on every reload). */
  setTopology(t: TopologyService[]): void {
    this.#topology = t;
  }

  /** Health known at start (drains restored from the state file); everything else starts healthy. */
  seedHealth(id: string, h: EffectiveHealth): void {
    this.#health.set(id, h);
  }

  /** Pools receiving traffic per service at start (null: none routable). */
  seedActive(service: string, pools: string[] | null): void {
    this.#life.setActive(service, pools);
  }

  /** Open incidents from the store: after a restart every endpoint starts healthy, so they go to monitoring. */
  restore(states: readonly IncidentState[]): void {
    for (const s of states) {
      this.#used.add(s.id);
      this.#life.restore({ ...s, failing: s.failing.filter((id) => isDown(this.#health.get(id) ?? 'healthy')) }, this.#deps.clock.now());
    }
  }

  open(): IncidentState[] {
    return this.#life.open();
  }

  get(id: string): IncidentState | undefined {
    return this.#life.get(id);
  }

  /**
   * Handles one bus event; returns the incidents it belongs to (for the store's links).
   * `link` adds an incident to this event later, when the incident it announced opens.
   */
  handle(e: DetourEvent, link?: (id: string) => void): string[] {
    switch (e.type) {
      case 'endpoint.health': {
        const id = `${e.service}/${e.pool}/${e.endpoint}`;
        this.#health.set(id, e.to);
        const key = incidentKey(e.service, e.pool, e.provider, e.region);
        let inc = this.#life.byKey(key);
        const failing = isDown(e.to) && (e.source === 'active' || e.source === 'passive');
        if (failing && !inc) {
          inc = this.#start(key, e, id);
        } else if (inc) {
          if (failing) this.#life.addFailing(inc, id, e.pool, e.endpoint, e.at);
          else if (!isDown(e.to)) this.#life.removeFailing(inc, id);
        }
        if (!inc) return [];
        this.#life.recompute(inc, e.at, `${e.pool} ${e.endpoint} ${e.from} → ${e.to}: ${e.reason}`);
        return [inc.id];
      }
      case 'outlier.ejection': {
        const key = incidentKey(e.service, e.pool, e.provider, e.region);
        const inc = this.#life.byKey(key);
        if (inc) return [inc.id];
        if (link) this.#orphans.set(key, [...(this.#orphans.get(key) ?? []).filter((o) => e.at - o.at <= ORPHAN_MS).slice(-20), { at: e.at, link }]);
        return [];
      }
      case 'pool.active':
        this.#life.setActive(e.service, e.to === null ? null : e.to.pool.split('+'));
        return this.#recomputeService(e.service, e.at, e.reason);
      case 'service.all-down':
        this.#life.setActive(e.service, null);
        return this.#recomputeService(e.service, e.at, `no endpoint of ${e.service} is routable`);
      case 'override.changed':
      case 'slo.burn':
        return this.#life.ofService(e.service).map((i) => i.id);
      case 'config.reload':
      case 'dns.answer':
      case 'dns.alert':
        return this.#life.open().map((i) => i.id);
      case 'incident.changed':
        return [e.id];
      case 'dns.observation':
      case 'dns.provider':
      case 'store.health':
        return [];
      default: {
        const never: never = e;
        return never;
      }
    }
  }

  /** Client-visible errors (5xx answered) of a service, counted into its open incidents. */
  clientErrors(service: string, n: number): void {
    if (n > 0) this.#life.addClientErrors(service, n);
  }

  /** Persists incidents whose counters changed since the last call. */
  flush(): void {
    this.#life.flush();
  }

  /**
   * An operator's status. `stored` is the incident from the store when it is not open
   * (reopening a resolved one). Throws a message for the API when it cannot apply.
   */
  setStatus(id: string, status: IncidentState['status'], actor: string, stored?: IncidentState): IncidentState {
    const open = this.#life.get(id);
    if (open) return this.#life.operatorStatus(open, status, actor, this.#deps.clock.now());
    if (!stored) throw new Error(`no incident ${id}`);
    if (status === 'resolved') return stored;
    return this.#life.reopen(stored, status, actor, this.#deps.clock.now(), this.#failingOf(stored.key));
  }

  stop(): void {
    this.#life.stop();
  }

  #start(key: string, e: Extract<DetourEvent, { type: 'endpoint.health' }>, id: string): IncidentState {
    const base = baseId(e.at);
    let incId = base;
    for (let n = 2; this.#used.has(incId) || this.#deps.idTaken?.(incId) === true; n++) incId = `${base}-${n}`;
    this.#used.add(incId);
    const evidence = this.#deps.evidence?.([id], e.at);
    const s: IncidentState = {
      id: incId, key, service: e.service, provider: e.provider ?? null, region: e.region ?? null, status: 'detected',
      pools: [e.pool], endpoints: [e.endpoint], failing: [id],
      startedAt: Math.min(evidence ?? e.at, e.at), detectedAt: e.at, mitigatedAt: null, monitoringAt: null,
      recoveredAt: null, resolvedAt: null, updatedAt: e.at, clientErrors: 0, events: 0, manual: false,
    };
    for (const o of this.#orphans.get(key) ?? []) if (e.at - o.at <= ORPHAN_MS) o.link(incId);
    this.#orphans.delete(key);
    this.#life.opened(s, `${titleOf(s)}: ${e.pool} ${e.endpoint} ${e.to} (${e.reason})`);
    return s;
  }

  #recomputeService(service: string, at: number, why: string): string[] {
    const open = this.#life.ofService(service);
    for (const inc of open) this.#life.recompute(inc, at, why);
    return open.map((i) => i.id);
  }

  /** Endpoints of a component that are out of service now (for a reopened incident). */
  #failingOf(key: string): string[] {
    const out: string[] = [];
    for (const s of this.#topology) {
      for (const p of s.pools) {
        if (incidentKey(s.name, p.name, p.provider, p.region) !== key) continue;
        for (const ep of p.endpoints) {
          const id = `${s.name}/${p.name}/${ep}`;
          if (isDown(this.#health.get(id) ?? 'healthy')) out.push(id);
        }
      }
    }
    return out;
  }
}
