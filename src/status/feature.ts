import type { AddressInfo } from 'node:net';
import type { AdminRoute } from '../admin/index.js';
import { silentLogger, type Disposable, type Logger } from '../common/index.js';
import type { DetourConfig } from '../config/types.js';
import { statusDocument, type Feature, type Gateway } from '../gateway/index.js';
import type { DetourEvent } from '../model/index.js';
import { loadAssets, type Assets } from './assets.js';
import { dashboardRoutes } from './dashboard-routes.js';
import { LiveStatus } from './live.js';
import { MemoryIncidentSource } from './memory-source.js';
import { PublicStatusServer } from './public-server.js';
import { publicView } from './public-view.js';
import { MetricsSampler } from './sampler.js';
import { LoginThrottle, Sessions } from './session.js';
import type { IncidentSource } from './source.js';
import { topologyOf } from './topology.js';
import { buildView, type PageView } from './view.js';

export interface StatusFeatureOptions {
  /**
   * The incident store, or how to find it on the gateway once features have started
   * (`recordOf`). Without one, an in-memory source derived from the bus is used.
   */
  source?: IncidentSource | ((gw: Gateway) => Promise<IncidentSource | undefined> | IncidentSource | undefined);
  logger?: Logger;
  now?: () => number;
  /** Time between two chart points (a scrape of the gateway's own metrics). Default 10 s. */
  sampleInterval?: number;
  /** Chart points kept per service. Default 360 (one hour at 10 s). */
  samples?: number;
  /** Delay that coalesces a burst of events into one push. Default 50 ms. */
  debounce?: number;
  /** Days of uptime bars. Default 90. */
  days?: number;
}

/** Events that change what the pages show (DNS observations, for one, are frequent and do not). */
const SHOWN = new Set<string>([
  'endpoint.health', 'outlier.ejection', 'pool.active', 'service.all-down', 'override.changed', 'config.reload',
  'incident.changed', 'store.health',
] satisfies Array<DetourEvent['type']>);

/**
 * The status page and dashboard. On the admin listener: /dashboard (login with the admin
 * token), its SSE stream and actions. With `statusPage.listen`: a public read-only page
 * on that address. Both are redrawn from the bus, the incident source and the gateway's
 * own metrics, and pushed to open browsers within the debounce delay of a change.
 */
export class StatusFeature implements Feature {
  readonly name = 'status-page';
  readonly #opts: StatusFeatureOptions;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #subs: Disposable[] = [];
  #gw!: Gateway;
  #source!: IncidentSource;
  #memory: MemoryIncidentSource | undefined;
  #sampler!: MetricsSampler;
  #live!: LiveStatus;
  #assets!: Assets;
  #sessions!: Sessions;
  #tick: NodeJS.Timeout | undefined;
  #public: { server: PublicStatusServer; key: string; address: AddressInfo } | undefined;
  #startedAt = 0;

  constructor(opts: StatusFeatureOptions = {}) {
    this.#opts = opts;
    this.#log = opts.logger ?? silentLogger;
    this.#now = opts.now ?? Date.now;
  }

  get interval(): number {
    return this.#opts.sampleInterval ?? 10_000;
  }

  get windowMs(): number {
    return this.interval * (this.#opts.samples ?? 360);
  }

  /** Where the public page listens (after start), if configured. */
  get publicAddress(): AddressInfo | undefined {
    return this.#public?.address;
  }

  async start(gw: Gateway): Promise<void> {
    this.#gw = gw;
    this.#startedAt = this.#now();
    const cfg = gw.runtime.config;
    this.#assets = await loadAssets();
    const option = this.#opts.source;
    const given = typeof option === 'function' ? await option(gw) : option;
    // The in-memory source learns from the bus; a store subscribes to the bus on its own.
    if (given === undefined || given instanceof MemoryIncidentSource) {
      this.#memory = given ?? new MemoryIncidentSource(topologyOf(cfg), { observedSince: this.#startedAt });
      this.#memory.setTopology(topologyOf(cfg), this.#startedAt);
      this.#subs.push(this.#memory.attach(gw.bus));
    }
    this.#source = given ?? this.#memory!;
    this.#sampler = new MetricsSampler(() => gw.metrics.render(), this.#opts.samples ?? 360);
    this.#sampler.tick(this.#now());
    this.#sessions = new Sessions(cfg.admin?.token, this.#now);
    this.#live = new LiveStatus(() => this.view(), {
      debounce: this.#opts.debounce ?? 50, windowMs: this.windowMs, intervalMs: this.interval, log: this.#log,
      canNote: () => this.#source.addNote !== undefined, canSetStatus: () => this.#source.setStatus !== undefined, publicConfig: () => this.#gw.runtime.config.statusPage,
    });
    this.#subs.push(
      gw.bus.onAny((e) => { if (SHOWN.has(e.type)) this.#live.schedule(); }),
      this.#source.onChange(() => this.#live.schedule()),
    );
    this.#tick = setInterval(() => this.#sample(), this.interval);
    this.#tick.unref();
    await this.#openPublic(cfg);
  }

  routes(): AdminRoute[] {
    return dashboardRoutes({
      sessions: this.#sessions, throttle: new LoginThrottle(this.#now), live: this.#live, assets: this.#assets, source: this.#source,
      view: () => this.view(), config: () => this.#gw.runtime.config.statusPage,
      applyOverride: (op, actor) => this.#gw.applyOverride(op, actor), now: this.#now,
      windowMs: this.windowMs, intervalMs: this.interval, log: this.#log,
    });
  }

  async reload(cfg: DetourConfig): Promise<void> {
    this.#memory?.setTopology(topologyOf(cfg), this.#now());
    await this.#openPublic(cfg);
    this.#live.schedule();
  }

  async stop(): Promise<void> {
    clearInterval(this.#tick);
    for (const s of this.#subs) s.dispose();
    this.#live?.stop();
    await this.#public?.server.close();
    this.#public = undefined;
  }

  /** The whole page state now (what both pages render). */
  async view(): Promise<PageView> {
    const now = this.#now();
    return buildView({
      doc: statusDocument(this.#gw.runtime, this.#gw.observer, this.#startedAt, now),
      cfg: this.#gw.runtime.config.statusPage, source: this.#source, series: (s) => this.#sampler.series(s), sampledAt: this.#sampler.lastAt,
      now, days: this.#opts.days ?? 90, incidentLimit: 20,
    });
  }

  #sample(): void {
    const errors = this.#sampler.tick(this.#now());
    for (const [service, n] of errors) this.#memory?.noteClientErrors(service, n);
    this.#live.schedule();
  }

  /** Opens, moves or closes the public listener to match the config. */
  async #openPublic(cfg: DetourConfig): Promise<void> {
    const want = cfg.statusPage.listen;
    const key = want ? `${want.host}:${want.port}` : '';
    if (this.#public?.key === key) return;
    const old = this.#public;
    this.#public = undefined;
    await old?.server.close();
    if (!want) return;
    const server = new PublicStatusServer(this.#live, this.#assets, async () => publicView(await this.view(), this.#gw.runtime.config.statusPage), this.windowMs, this.#log);
    const address = await server.listen(want.host, want.port);
    this.#public = { server, key, address };
    this.#log.info('public status page listening', { address: `${address.address}:${address.port}` });
  }
}

/**
 * For `detour start`: the status feature when there is an admin listener or a public page,
 * reading incidents and uptime from the SQLite record (src/incidents) when it runs.
 */
export function statusFeatures(cfg: DetourConfig, log: Logger): Feature[] {
  if (!cfg.admin && !cfg.statusPage.listen) return [];
  return [new StatusFeature({ logger: log, source: recordSource })];
}

/** The record feature registers its log per gateway; loaded lazily so status does not pull in SQLite by itself. */
async function recordSource(gw: Gateway): Promise<IncidentSource | undefined> {
  const { recordOf } = await import('../incidents/index.js');
  return recordOf(gw);
}
