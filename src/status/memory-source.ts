import type { Disposable, EventBus } from '../common/index.js';
import { DetourError } from '../errors/index.js';
import type { DetourEvent } from '../model/index.js';
import { IncidentGrouper } from './memory-incidents.js';
import { LevelTracker } from './memory-levels.js';
import { componentKey, type ComponentRef, type DayUptime, type Incident, type IncidentSource, type IncidentStatus, type IncidentSummary } from './source.js';
import type { TopologyService } from './topology.js';
import { dailyUptime } from './uptime.js';

export interface MemorySourceOptions {
  /** Start of the observed history (default: construction time); earlier days show "no data". */
  observedSince?: number;
  /** Quiet time after recovery before an incident is resolved. Default 5 minutes. */
  monitorFor?: number;
  now?: () => number;
}

/**
 * An IncidentSource kept in memory and derived from bus events only: what the status page
 * uses when no incident store is configured, and what tests feed scripted events into.
 * It forgets everything on restart; the SQLite store does not.
 */
export class MemoryIncidentSource implements IncidentSource {
  readonly #levels: LevelTracker;
  readonly #grouper: IncidentGrouper;
  readonly #listeners = new Set<() => void>();
  readonly #now: () => number;

  constructor(topology: TopologyService[], opts: MemorySourceOptions = {}) {
    this.#now = opts.now ?? Date.now;
    const since = opts.observedSince ?? this.#now();
    this.#levels = new LevelTracker(since);
    this.#levels.setTopology(topology, since);
    this.#grouper = new IncidentGrouper(this.#levels, opts.monitorFor ?? 300_000);
  }

  /** Subscribes to every event of the bus. */
  attach(bus: EventBus<DetourEvent>): Disposable {
    return bus.onAny((e) => this.record(e));
  }

  setTopology(t: TopologyService[], at: number): void {
    this.#levels.setTopology(t, at);
  }

  record(e: DetourEvent): void {
    if (e.type === 'endpoint.health') this.#levels.setHealth(e.service, e.pool, e.endpoint, e.to, e.at);
    const changed = this.#grouper.record(e);
    if (changed || e.type === 'endpoint.health') this.#emit();
  }

  noteClientErrors(service: string, n: number): void {
    if (n > 0) this.#grouper.noteClientErrors(service, n);
  }

  async incidents(opts: { limit: number; now: number }): Promise<IncidentSummary[]> {
    this.#settle(opts.now);
    const all = [...this.#grouper.incidents].sort((a, b) => b.startedAt - a.startedAt);
    const open = all.filter((i) => i.status !== 'resolved');
    const rest = all.filter((i) => i.status === 'resolved').slice(0, Math.max(0, opts.limit - open.length));
    return [...open, ...rest].map(({ timeline: _t, ...summary }) => ({ ...summary, pools: [...summary.pools] }));
  }

  async incident(id: string, now: number): Promise<Incident | undefined> {
    this.#settle(now);
    const i = this.#grouper.incidents.find((x) => x.id === id);
    return i ? structuredClone(i) : undefined;
  }

  async uptime(c: ComponentRef, days: number, now: number): Promise<DayUptime[]> {
    const h = this.#levels.history(componentKey(c));
    return h ? dailyUptime(h, days, now) : dailyUptime({ since: now, initial: 'up', changes: [] }, days, now);
  }

  onChange(fn: () => void): Disposable {
    this.#listeners.add(fn);
    return { dispose: () => this.#listeners.delete(fn) };
  }

  async addNote(id: string, text: string, actor: string, now: number): Promise<void> {
    if (!this.#grouper.addNote(id, text, actor, now)) throw new DetourError('DETOUR_ADMIN_NOT_FOUND', `no incident ${JSON.stringify(id)}`);
    this.#emit();
  }

  async setStatus(id: string, status: IncidentStatus, actor: string, note?: string): Promise<void> {
    if (!this.#grouper.setStatus(id, status, actor, note, this.#now())) throw new DetourError('DETOUR_ADMIN_NOT_FOUND', `no incident ${JSON.stringify(id)}`);
    this.#emit();
  }

  #settle(now: number): void {
    if (this.#grouper.settle(now)) this.#emit();
  }

  #emit(): void {
    for (const fn of this.#listeners) fn();
  }
}
