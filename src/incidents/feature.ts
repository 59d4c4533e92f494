import type { AdminRoute } from '../admin/index.js';
import { systemClock, type Clock, type Disposable, type Logger } from '../common/index.js';
import type { DetourConfig } from '../config/types.js';
import type { Feature, Gateway } from '../gateway/index.js';
import type { DetourEvent } from '../model/index.js';
import { Notifier } from '../notify/index.js';
import { BurnAlerts, topologyOf, type TopologyService } from '../sla/index.js';
import { incidentRow } from './incident.js';
import { RecordLog } from './log.js';
import { recordRoutes } from './routes.js';
import { eventRow } from './row.js';
import { Sampler } from './sampler.js';
import type { TrafficRow, WriteOp } from './store/ops.js';
import { StoreReader } from './store/read.js';
import { StoreWriter } from './store/writer.js';
import { IncidentTracker } from './tracker.js';
import type { IncidentLog } from './types.js';

const RECORDS = new WeakMap<Gateway, IncidentLog>();
const HOUR = 3_600_000;

/** The incident log of a running gateway (for other features, e.g. the status page), once the record feature started. */
export function recordOf(gw: Gateway): IncidentLog | undefined {
  return RECORDS.get(gw);
}

export interface RecordOptions {
  clock?: Clock;
  /** Metrics sampling period (default 1 s). */
  sampleMs?: number;
  /** Notification batching window (default 2 s). */
  notifyBatchMs?: number;
}

/**
 * The honest record as a gateway feature: every bus event persisted, incidents grouped,
 * traffic sampled, burn-rate alerts raised, notifications sent, and the admin routes.
 * Nothing here runs on the request path except `#onEvent` (an array push and the
 * tracker's bookkeeping); a failing store never stops the gateway.
 */
export class RecordFeature implements Feature {
  readonly name = 'record';
  #cfg: DetourConfig;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #opts: RecordOptions;
  #writer!: StoreWriter;
  #reader!: StoreReader;
  #tracker!: IncidentTracker;
  #sampler!: Sampler;
  #burn: BurnAlerts | undefined;
  #notifier!: Notifier;
  #record!: RecordLog;
  #topology: TopologyService[];
  #runStart = 0;
  #timers: NodeJS.Timeout[] = [];
  #subs: Disposable[] = [];

  constructor(cfg: DetourConfig, log: Logger, opts: RecordOptions = {}) {
    this.#cfg = cfg;
    this.#log = log;
    this.#opts = opts;
    this.#clock = opts.clock ?? systemClock;
    this.#topology = topologyOf(cfg);
  }

  /** The store's read/write API (after start). */
  get record(): IncidentLog {
    return this.#record;
  }

  get notifier(): Notifier {
    return this.#notifier;
  }

  async start(gw: Gateway): Promise<void> {
    // Events emitted while the store opens (its own store.health among them) are replayed once it is ready.
    const early: DetourEvent[] = [];
    const earlySub = gw.bus.onAny((e) => early.push(e));
    const now = this.#clock.now();
    const path = this.#cfg.store.path;
    const emit = (e: DetourEvent): void => gw.bus.emit(e);
    this.#writer = new StoreWriter({
      path, clock: this.#clock, log: this.#log,
      onHealthChange: (ok, op, error) => {
        const h = this.#writer.health();
        emit({ type: 'store.health', at: this.#clock.now(), observer: gw.observer, ok, path, op, ...(error !== undefined ? { error } : {}), pending: h.pending, dropped: h.dropped });
      },
    });
    this.#runStart = now;
    await this.#writer.start([
      { kind: 'run-start', observer: gw.observer, at: now },
      { kind: 'topology', at: now, data: JSON.stringify(this.#topology) },
    ]);
    this.#reader = new StoreReader(path);
    this.#sampler = new Sampler(
      { totals: () => gw.metrics.totals(), endpoints: () => gw.runtime.endpoints.values(), topology: () => this.#topology },
      { clientErrors: (s, n) => this.#tracker.clientErrors(s, n), minute: (m, rows) => this.#minute(m, rows) },
    );
    this.#tracker = new IncidentTracker({
      clock: this.#clock, observer: gw.observer, quietPeriod: this.#cfg.incidents.quietPeriod, emit,
      persist: (s) => this.#writer.write({ kind: 'incident', row: incidentRow(s) }),
      evidence: (ids, at) => this.#sampler.evidence(ids, at),
      idTaken: (id) => this.#safe(() => this.#reader.idExists(id), false),
    });
    this.#seed(gw);
    this.#tracker.restore(this.#safe(() => this.#reader.incidents({ status: 'open', limit: 5000 }), []));
    if (this.#cfg.sla.burnAlerts) {
      this.#burn = new BurnAlerts(this.#cfg.sla.objective, gw.observer, emit);
      // Windows reach back 3 days: refill them so a restart does not forget a slow burn.
      this.#burn.warm(this.#safe(() => this.#reader.minutes(now - 72 * HOUR), []), now);
    }
    this.#notifier = new Notifier(this.#cfg.notifications, { log: this.#log, ...(this.#opts.notifyBatchMs !== undefined ? { batchMs: this.#opts.notifyBatchMs } : {}) });
    this.#record = new RecordLog({
      reader: this.#reader, clock: this.#clock, health: () => this.#writer.health(), tracker: this.#tracker, writer: this.#writer,
      emit, observer: gw.observer, liveRunStart: () => this.#runStart,
    });
    earlySub.dispose();
    for (const e of early) this.#onEvent(e);
    this.#subs.push(gw.bus.onAny((e) => this.#onEvent(e)));
    this.#timers.push(setInterval(() => this.#tick(), this.#opts.sampleMs ?? 1000), setInterval(() => this.#prune(), HOUR));
    for (const t of this.#timers) t.unref();
    this.#prune();
    RECORDS.set(gw, this.#record);
  }

  routes(): AdminRoute[] {
    return recordRoutes(() => this.#record, () => ({ store: this.#writer.health(), notifications: this.#notifier.stats() }), () => this.#cfg);
  }

  async reload(cfg: DetourConfig): Promise<void> {
    this.#cfg = cfg;
    this.#topology = topologyOf(cfg);
    this.#tracker.setTopology(this.#topology);
    this.#writer.write({ kind: 'topology', at: this.#clock.now(), data: JSON.stringify(this.#topology) });
    this.#notifier.reload(cfg.notifications);
    if (cfg.store.path !== this.#writer.health().path) this.#log.warn('store.path changed; it takes effect on restart', {});
  }

  async stop(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    for (const s of this.#subs) s.dispose();
    this.#sampler.closeMinute();
    this.#tracker.flush();
    this.#tracker.stop();
    this.#notifier.stop();
    await this.#writer.close([{ kind: 'run-stop', at: this.#clock.now() }]);
    this.#reader.close();
  }

  /** Persist first, then group: the event row is queued before anything it causes. */
  #onEvent(e: DetourEvent): void {
    const op: Extract<WriteOp, { kind: 'event' }> = { kind: 'event', row: eventRow(e), incidents: [] };
    this.#writer.write(op);
    op.incidents.push(...this.#tracker.handle(e, (id) => op.incidents.push(id)));
    if (e.type === 'incident.changed' || e.type === 'slo.burn') this.#notifier.handle(e);
  }

  #tick(): void {
    this.#sampler.tick(this.#clock.now());
    this.#tracker.flush();
  }

  #minute(minute: number, rows: TrafficRow[]): void {
    if (rows.length > 0) this.#writer.write({ kind: 'traffic', rows });
    this.#writer.write({ kind: 'heartbeat', at: this.#clock.now() });
    this.#burn?.minute(minute, rows, this.#clock.now());
  }

  #seed(gw: Gateway): void {
    this.#tracker.setTopology(this.#topology);
    for (const ep of gw.runtime.endpoints.values()) if (ep.health !== 'healthy') this.#tracker.seedHealth(ep.id, ep.health);
    for (const s of gw.runtime.services) {
      const tier = s.balancer.activeTier();
      this.#tracker.seedActive(s.name, tier ? tier.pools.map((p) => p.name) : null);
    }
  }

  #prune(): void {
    const now = this.#clock.now();
    this.#writer.prune(now - this.#cfg.retention.events, now - this.#cfg.retention.traffic);
  }

  #safe<T>(fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (err) {
      this.#log.error('event store read failed', { error: (err as Error).message });
      return fallback;
    }
  }
}
