import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { AdminServer, type OverrideOp } from '../admin/index.js';
import { EventBus, silentLogger, systemClock, type Clock, type Logger } from '../common/index.js';
import type { DetourConfig } from '../config/types.js';
import { DetourError } from '../errors/index.js';
import { createMetrics, type DetourMetrics } from '../metrics/index.js';
import { HealthModel, type DetourEvent } from '../model/index.js';
import { emptyOverrides, loadOverrides, saveOverrides, type OverrideState } from '../overrides/index.js';
import { ProxyServer, Upstreams, type ProxyEnv, type RequestContext } from '../proxy/index.js';
import { applyOverrides, applyOverrideOp } from './overrides.js';
import { buildRuntime, type Runtime } from './runtime.js';
import { statusDocument } from './status.js';
import { FailoverTracker } from './failover-tracker.js';
import type { Feature } from './feature.js';

export interface GatewayOptions {
  logger?: Logger;
  clock?: Clock;
  /** This instance's vantage-point name in events (default: hostname:pid). */
  observer?: string;
  random?: () => number;
  /** DNS controller, incident store, status page…: started before listeners open. */
  features?: readonly Feature[];
  /** Open the admin listener (default true; only worker 0 does in cluster mode). */
  serveAdmin?: boolean;
}

/**
 * Composition root: wires config → runtime (balancers, health checkers, outlier
 * detectors) → proxy listeners and the admin API, all sharing one event bus and one
 * health model. Reload swaps the runtime atomically; requests in flight keep the
 * runtime they started with.
 */
export class Gateway {
  readonly bus = new EventBus<DetourEvent>();
  readonly model: HealthModel;
  readonly metrics: DetourMetrics;
  readonly observer: string;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #random: (() => number) | undefined;
  readonly #upstreams = new Upstreams();
  readonly #server: ProxyServer;
  readonly #tracker: FailoverTracker;
  readonly #startedAt: number;
  #rt!: Runtime;
  #admin: AdminServer | undefined;
  #adminAddress: AddressInfo | undefined;
  #overrides: OverrideState = emptyOverrides();
  #stateFile: string | undefined;
  #seq = 0;
  /** Request ids are `<start time base36>-<sequence base36>`; the prefix is built once. */
  #idPrefix = '';
  readonly #features: readonly Feature[];
  readonly #serveAdmin: boolean;

  private constructor(opts: GatewayOptions) {
    this.#features = opts.features ?? [];
    this.#serveAdmin = opts.serveAdmin ?? true;
    this.#log = opts.logger ?? silentLogger;
    this.#clock = opts.clock ?? systemClock;
    this.#random = opts.random;
    this.observer = opts.observer ?? `${hostname()}:${process.pid}`;
    this.model = new HealthModel(this.bus, this.#clock, this.observer);
    this.#startedAt = this.#clock.now();
    this.#idPrefix = `${this.#startedAt.toString(36)}-`;
    this.bus.onError((err, event) => this.#log.error('event subscriber failed', { event: event.type, error: String(err) }));
    // One log line per state change, with its reason (the bus is the single source).
    this.bus.onAny((e) => this.#log.info(e.type, { ...e, at: new Date(e.at).toISOString() }));
    this.#tracker = new FailoverTracker(this.bus, this.observer, this.#clock, () => this.#rt);
    this.metrics = createMetrics(this.bus, {
      endpoints: () => this.#rt.endpoints.values(),
      inflight: () => this.#rt.services.map((s) => [s.name, s.budget.inflight]),
    });
    const env: ProxyEnv = {
      router: () => this.#rt.router,
      upstreams: this.#upstreams,
      observer: this.metrics,
      maxReplayBytes: () => this.#rt.config.maxReplayBytes,
      log: (ctx, status, code) => this.#logRequest(ctx, status, code),
      now: () => this.#clock.now(),
      nextId: () => this.#idPrefix + (++this.#seq).toString(36),
    };
    this.#server = new ProxyServer(env);
  }

  static async start(cfg: DetourConfig, opts: GatewayOptions = {}): Promise<Gateway> {
    const gw = new Gateway(opts);
    await gw.#init(cfg);
    return gw;
  }

  async #init(cfg: DetourConfig): Promise<void> {
    this.#stateFile = cfg.admin?.stateFile ?? resolve(dirname(cfg.source === '<inline>' ? '.' : cfg.source), 'detour-state.json');
    const loaded = await loadOverrides(this.#stateFile);
    if (loaded.problem) this.#log.error('override state reset', { problem: loaded.problem });
    this.#overrides = loaded.state;
    this.#install(buildRuntime(cfg, this.#deps()), undefined);
    for (const f of this.#features) await f.start(this);
    await this.#server.reconcile(cfg.listeners);
    if (cfg.admin && this.#serveAdmin) {
      this.#admin = new AdminServer({
        status: () => statusDocument(this.#rt, this.observer, this.#startedAt, this.#clock.now()),
        metrics: () => this.metrics.render(),
        overrides: () => this.#overrides,
        applyOverride: (op, actor) => this.applyOverride(op, actor),
      }, cfg.admin.token, this.#features.flatMap((f) => f.routes?.() ?? []));
      this.#adminAddress = await this.#admin.listen(cfg.admin.host, cfg.admin.port);
    }
  }

  get runtime(): Runtime {
    return this.#rt;
  }

  addresses(): { proxy: Array<AddressInfo & { tls: boolean }>; admin: AddressInfo | undefined } {
    return { proxy: this.#server.addresses(), admin: this.#adminAddress };
  }

  /**
   * Applies a new, already validated config without dropping a request: new runtime,
   * listeners reconciled, background checks moved over, old pools closed once idle.
   * Admin listener changes need a restart (logged).
   */
  async reload(cfg: DetourConfig): Promise<void> {
    const prev = this.#rt;
    const next = buildRuntime(cfg, this.#deps(), prev);
    await this.#server.reconcile(cfg.listeners);
    this.#install(next, prev);
    if (JSON.stringify(cfg.admin) !== JSON.stringify(prev.config.admin)) {
      this.#log.warn('admin settings changed; they take effect on restart', {});
    }
    const origins = new Set([...next.endpoints.values()].map((e) => e.url.origin));
    void this.#upstreams.retain((o) => origins.has(o));
    for (const f of this.#features) await f.reload?.(cfg);
    this.bus.emit({ type: 'config.reload', at: this.#clock.now(), observer: this.observer, ok: true, source: cfg.source });
  }

  /** Reports a refused reload on the bus (the old config stays in force). */
  reloadFailed(source: string, error: string): void {
    this.bus.emit({ type: 'config.reload', at: this.#clock.now(), observer: this.observer, ok: false, source, error });
  }

  async applyOverride(op: OverrideOp, actor: string): Promise<OverrideState> {
    const next = applyOverrideOp(this.#rt, this.#overrides, op);
    if (this.#stateFile) await saveOverrides(this.#stateFile, next); // persist first: an acknowledged override survives a crash
    this.#overrides = next;
    applyOverrides(this.#rt, next, this.model, actor);
    this.#tracker.recompute('override');
    this.bus.emit({
      type: 'override.changed', at: this.#clock.now(), observer: this.observer, service: op.service, action: op.action,
      ...('pool' in op && op.pool !== undefined ? { pool: op.pool } : {}),
      ...('endpoint' in op && op.endpoint !== undefined ? { endpoint: op.endpoint } : {}),
      ...(op.action === 'force-priority' ? { priority: op.priority } : {}),
    });
    return next;
  }

  /** Re-reads the override state file (another worker changed it) and applies it. */
  async reloadOverrides(): Promise<void> {
    if (!this.#stateFile) return;
    const loaded = await loadOverrides(this.#stateFile);
    if (loaded.problem) this.#log.error('override state reset', { problem: loaded.problem });
    this.#overrides = loaded.state;
    applyOverrides(this.#rt, loaded.state, this.model, 'another worker');
    this.#tracker.recompute('override');
  }

  /** Graceful stop: listeners close, requests in flight finish, checks stop. */
  async stop(): Promise<void> {
    const drain = this.#rt.config.drainTimeout;
    await this.#server.close(drain);
    await this.#admin?.close();
    for (const s of this.#rt.services) {
      s.detector?.stop();
      await s.checker?.stop();
    }
    this.#tracker.dispose();
    await this.#upstreams.close();
    for (const f of [...this.#features].reverse()) await f.stop();
  }

  #deps() {
    return { model: this.model, clock: this.#clock, logger: this.#log, ...(this.#random ? { random: this.#random } : {}) };
  }

  #install(next: Runtime, prev: Runtime | undefined): void {
    applyOverrides(next, this.#overrides, this.model, 'state-file');
    this.#rt = next;
    for (const s of next.services) s.checker?.start(s.pools.flatMap((p) => p.endpoints));
    if (prev) {
      const kept = new Set(next.services.flatMap((s) => [s.checker, s.detector]));
      for (const s of prev.services) {
        for (const ep of s.pools.flatMap((p) => p.endpoints)) {
          if (next.endpoints.get(ep.id) === ep) continue;
          if (kept.has(s.checker)) s.checker?.forget(ep);
          if (kept.has(s.detector)) s.detector?.forget(ep);
        }
        if (!kept.has(s.detector)) s.detector?.stop();
        if (!kept.has(s.checker)) void s.checker?.stop();
      }
    }
    this.#tracker.recompute('config');
  }

  #logRequest(ctx: RequestContext, status: number, code: string | undefined): void {
    if (code === undefined && ctx.attempts.length <= 1) return;
    const fields = {
      id: ctx.id, service: ctx.service.name, method: ctx.method, path: ctx.path.split('?')[0], status,
      ms: this.#clock.now() - ctx.start, attempts: ctx.attempts, ...(code ? { code } : {}),
    };
    if (code && code !== 'DETOUR_CLIENT_ABORTED') this.#log.warn('request failed', fields);
    else this.#log.info('request retried', fields);
  }
}

export { DetourError };
