import type { DetourEvent } from '../model/index.js';
import type { LevelTracker } from './memory-levels.js';
import type { Incident, IncidentStatus, TimelineEntry } from './source.js';
import { dayKey } from './uptime.js';

interface Open {
  incident: Incident;
  /** When every endpoint was healthy again; the incident resolves `monitorFor` later unless it fails again. */
  recoveredAt: number | null;
}

/**
 * A small, in-memory grouping of bus events into one incident per service:
 * detected (an endpoint left service) → mitigated (traffic moved to a backup tier) →
 * monitoring (all healthy again) → resolved (`monitorFor` without a new failure, the
 * hysteresis Gatus and Upptime use so incidents do not flap). The SQLite store in
 * src/incidents is the durable, richer version of this.
 */
export class IncidentGrouper {
  readonly incidents: Incident[] = []; // oldest first
  readonly #open = new Map<string, Open>();
  #seq = 0;

  constructor(readonly levels: LevelTracker, readonly monitorFor: number, readonly maxKept = 500) {}

  /** Returns true when an incident changed. */
  record(e: DetourEvent): boolean {
    // An incident whose quiet period ended before this event is closed first, so a later failure opens a new one.
    const settled = this.settle(e.at);
    return this.#apply(e) || settled;
  }

  #apply(e: DetourEvent): boolean {
    switch (e.type) {
      case 'endpoint.health': {
        const down = e.to === 'unhealthy' || e.to === 'ejected';
        const open = this.#open.get(e.service);
        const where = `${e.pool} ${e.endpoint}`;
        if (down && e.source !== 'admin') {
          const o = open ?? this.#start(e.service, e.pool, e.at, `${where} ${e.to}: ${e.reason}`);
          if (open) this.#add(o, { at: e.at, kind: 'endpoint-down', service: e.service, pool: e.pool, text: `${where} ${e.to}: ${e.reason}` });
          if (!o.incident.pools.includes(e.pool)) o.incident.pools.push(e.pool);
          if (o.recoveredAt !== null) {
            o.recoveredAt = null;
            o.incident.status = o.incident.mitigatedAt === null ? 'detected' : 'mitigated';
          }
          return true;
        }
        if (!open || e.to !== 'healthy') return false;
        this.#add(open, { at: e.at, kind: 'endpoint-up', service: e.service, pool: e.pool, text: `${where} healthy again: ${e.reason}` });
        if (this.levels.serviceRecovered(e.service)) {
          open.recoveredAt = e.at;
          open.incident.status = 'monitoring';
          this.#add(open, { at: e.at, kind: 'monitoring', service: e.service, text: 'every endpoint is healthy again; monitoring' });
        }
        return true;
      }
      case 'pool.active': {
        const open = this.#open.get(e.service);
        if (!open || e.to === null) return false;
        const failover = e.from === null || e.to.priority > e.from.priority;
        this.#add(open, {
          at: e.at, kind: failover ? 'failover' : 'failback', service: e.service, pool: e.to.pool,
          text: `traffic ${failover ? 'moved' : 'returned'} to ${e.to.pool} (priority ${e.to.priority})${e.from ? ` from ${e.from.pool}` : ''}`,
        });
        if (failover && open.incident.mitigatedAt === null) {
          open.incident.mitigatedAt = e.at;
          if (open.incident.status === 'detected') open.incident.status = 'mitigated';
        }
        return true;
      }
      case 'service.all-down': {
        const open = this.#open.get(e.service) ?? this.#start(e.service, undefined, e.at, 'no routable endpoint');
        this.#add(open, { at: e.at, kind: 'all-down', service: e.service, text: `no endpoint is routable (allDown: ${e.policy})` });
        return true;
      }
      case 'override.changed': {
        const open = this.#open.get(e.service);
        if (!open) return false;
        const target = [e.pool, e.endpoint].filter(Boolean).join(' ');
        this.#add(open, { at: e.at, kind: 'override', service: e.service, ...(e.pool ? { pool: e.pool } : {}), text: `operator: ${e.action}${target ? ` ${target}` : ''}${e.priority !== undefined ? ` ${e.priority}` : ''}` });
        return true;
      }
      default:
        // Other features add event types (DNS, store, SLO); none of them opens an incident here.
        return false;
    }
  }

  /** Resolves incidents whose monitoring period has passed; returns true if any did. */
  settle(now: number): boolean {
    let changed = false;
    for (const [service, o] of this.#open) {
      if (o.recoveredAt === null || now - o.recoveredAt < this.monitorFor) continue;
      const at = o.recoveredAt + this.monitorFor;
      o.incident.status = 'resolved';
      o.incident.resolvedAt = at;
      this.#add(o, { at, kind: 'resolved', service, text: `resolved after ${Math.round(this.monitorFor / 1000)} s without a new failure` });
      this.#open.delete(service);
      changed = true;
    }
    return changed;
  }

  noteClientErrors(service: string, n: number): void {
    const o = this.#open.get(service);
    if (o) o.incident.clientErrors += n;
  }

  /** An operator's status; automatic changes continue from the next event. */
  setStatus(id: string, status: IncidentStatus, actor: string, note: string | undefined, at: number): boolean {
    const inc = this.incidents.find((i) => i.id === id);
    if (!inc) return false;
    const open = this.#open.get(inc.service);
    const mine = open?.incident === inc ? open : undefined;
    inc.status = status;
    inc.timeline.push({ at, kind: status, service: inc.service, text: `${actor} set the status to ${status}${note ? `: ${note}` : ''}` });
    if (status === 'resolved') {
      inc.resolvedAt = at;
      if (mine) this.#open.delete(inc.service);
      return true;
    }
    if (status === 'mitigated') inc.mitigatedAt ??= at;
    const o = mine ?? (open === undefined ? { incident: inc, recoveredAt: null } : undefined);
    if (o) {
      inc.resolvedAt = null;
      o.recoveredAt = status === 'monitoring' ? at : null;
      this.#open.set(inc.service, o);
    }
    return true;
  }

  addNote(id: string, text: string, actor: string, at: number): boolean {
    const inc = this.incidents.find((i) => i.id === id);
    if (!inc) return false;
    inc.timeline.push({ at, kind: 'note', service: inc.service, text: `${actor}: ${text}` });
    return true;
  }

  #start(service: string, pool: string | undefined, at: number, text: string): Open {
    const where = pool === undefined ? undefined : this.levels.poolOf(service, pool);
    const incident: Incident = {
      id: `${dayKey(at)}-${++this.#seq}`, status: 'detected', service, pools: pool === undefined ? [] : [pool],
      provider: where?.provider ?? null, region: where?.region ?? null,
      startedAt: at, mitigatedAt: null, resolvedAt: null, clientErrors: 0,
      timeline: [{ at, kind: 'detected', service, ...(pool === undefined ? {} : { pool }), text }],
    };
    const o: Open = { incident, recoveredAt: null };
    this.#open.set(service, o);
    this.incidents.push(incident);
    while (this.incidents.length > this.maxKept && this.incidents[0]!.status === 'resolved') this.incidents.shift();
    return o;
  }

  #add(o: Open, entry: TimelineEntry): void {
    o.incident.timeline.push(entry);
  }
}
