import { silentLogger, type Disposable, type Logger } from '../common/index.js';
import type { ActiveHealthConfig } from '../config/types.js';
import type { ActiveHealth, Endpoint, HealthModel } from '../model/index.js';
import { probe as defaultProbe, type ProbeResult, type ProbeTarget, type ProbeTargetExtras } from './probe.js';
import { nextActive } from './transition.js';

export type ProbeFn = (target: ProbeTarget, cfg: ActiveHealthConfig, signal: AbortSignal) => Promise<ProbeResult>;
export type ResultListener = (ep: Endpoint, result: ProbeResult) => void;

export interface HealthCheckerOptions {
  model: HealthModel;
  cfg: ActiveHealthConfig;
  logger?: Logger;
  /** [0, 1) source for jitter; injectable so tests can pin the bounds. */
  random?: () => number;
  /** Replaces probeHttp/probeTcp (unit tests, or a future gRPC check). */
  probe?: ProbeFn;
  /** Per-endpoint probe extras from its pool: Host header (pool hostHeader, used when cfg.host is unset), tls ca / insecure. */
  targetFor?: (ep: Endpoint) => ProbeTargetExtras;
}

interface InFlight {
  promise: Promise<ProbeResult>;
  abort: AbortController;
}

/**
 * Runs active checks on a set of endpoints and writes `ep.active`, publishing through
 * HealthModel.settle. The next check is armed when the previous one finishes (as Envoy
 * and HAProxy do), so a check slower than the interval delays the next one instead of
 * stacking: there is never more than one probe of an endpoint in flight.
 */
export class HealthChecker {
  readonly #model: HealthModel;
  readonly #cfg: ActiveHealthConfig;
  readonly #log: Logger;
  readonly #random: () => number;
  readonly #probe: ProbeFn;
  readonly #targetFor: ((ep: Endpoint) => ProbeTargetExtras) | undefined;
  readonly #tracked = new Set<Endpoint>();
  readonly #timers = new Map<Endpoint, NodeJS.Timeout>();
  readonly #inflight = new Map<Endpoint, InFlight>();
  readonly #listeners = new Set<ResultListener>();
  #stopped = false;

  constructor(opts: HealthCheckerOptions) {
    this.#model = opts.model;
    this.#cfg = opts.cfg;
    this.#log = opts.logger ?? silentLogger;
    this.#random = opts.random ?? Math.random;
    this.#probe = opts.probe ?? defaultProbe;
    this.#targetFor = opts.targetFor;
  }

  /** Starts checking these endpoints (those already checked are left alone, so a reload may call it again). */
  start(endpoints: Iterable<Endpoint>): void {
    this.#stopped = false;
    for (const ep of endpoints) {
      if (this.#tracked.has(ep)) continue;
      this.#tracked.add(ep);
      // First check at once, spread over [0, interval × jitter) so a hundred endpoints
      // don't open a hundred connections in the same millisecond (Envoy's initial_jitter).
      this.#schedule(ep, this.#random() * this.#cfg.interval * this.#cfg.jitter);
    }
  }

  /** Stops checking one endpoint (config reload removed it); an in-flight probe is aborted and not applied. */
  forget(ep: Endpoint): void {
    this.#tracked.delete(ep);
    clearTimeout(this.#timers.get(ep));
    this.#timers.delete(ep);
    this.#inflight.get(ep)?.abort.abort();
  }

  /** Clears every timer and aborts in-flight probes; resolves once they have all settled. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    this.#tracked.clear();
    const pending = [...this.#inflight.values()];
    for (const f of pending) f.abort.abort();
    await Promise.all(pending.map((f) => f.promise));
  }

  /** Called after every applied result (the gateway feeds OutlierDetector.noteActiveResult from it). */
  onResult(fn: ResultListener): Disposable {
    this.#listeners.add(fn);
    return { dispose: () => this.#listeners.delete(fn) };
  }

  /**
   * Checks now and applies the result. If a probe of this endpoint is already in flight,
   * returns that one instead of starting a second. The periodic schedule restarts from
   * the end of this check.
   */
  checkNow(ep: Endpoint): Promise<ProbeResult> {
    const running = this.#inflight.get(ep);
    if (running) return running.promise;
    clearTimeout(this.#timers.get(ep));
    this.#timers.delete(ep);
    const abort = new AbortController();
    const entry: InFlight = {
      abort,
      promise: this.#run(ep, abort.signal).then((result) => {
        if (this.#inflight.get(ep) === entry) this.#inflight.delete(ep);
        // An aborted probe says nothing about the endpoint: shutdown or removal, not failure.
        if (!abort.signal.aborted) this.#apply(ep, result);
        if (!this.#stopped && this.#tracked.has(ep) && !this.#timers.has(ep)) this.#schedule(ep, this.#nextDelay(ep));
        return result;
      }),
    };
    this.#inflight.set(ep, entry);
    return entry.promise;
  }

  async #run(ep: Endpoint, signal: AbortSignal): Promise<ProbeResult> {
    const target: ProbeTarget = { url: ep.url, servername: ep.servername, ...this.#targetFor?.(ep) };
    try {
      return await this.#probe(target, this.#cfg, signal);
    } catch (err) {
      // probeHttp/probeTcp never reject; an injected probe might. Count it as a failed check.
      const message = err instanceof Error ? err.message : String(err);
      return { ok: false, reason: `probe error: ${message}`, evidence: { errorCode: 'DETOUR_INTERNAL', message }, latencyMs: 0 };
    }
  }

  #apply(ep: Endpoint, result: ProbeResult): void {
    const before = ep.active;
    const reason = result.ok ? `check passed${result.status === undefined ? '' : ` (status ${result.status})`}` : result.reason;
    ep.active = nextActive(before, { ok: result.ok, reason }, this.#cfg, this.#model.clock.now());
    if (ep.active.state !== before.state) {
      const fields = { endpoint: ep.id, from: before.state, to: ep.active.state, reason, latencyMs: result.latencyMs };
      if (ep.active.state === 'unhealthy') this.#log.warn('active check: endpoint unhealthy', fields);
      else this.#log.info('active check: endpoint healthy', fields);
    }
    this.#model.settle(ep, 'active', this.#why(before, ep.active, reason), result.ok ? undefined : result.evidence);
    for (const fn of this.#listeners) {
      try {
        fn(ep, result);
      } catch (err) {
        this.#log.error('health result listener threw', { endpoint: ep.id, error: String(err) });
      }
    }
  }

  /** The reason published with `endpoint.health`: says which threshold was crossed. */
  #why(before: ActiveHealth, after: ActiveHealth, reason: string): string {
    if (before.state === after.state || before.state === 'unknown') return reason;
    return after.state === 'unhealthy'
      ? `${reason} (${this.#cfg.unhealthyThreshold} consecutive failed checks)`
      : `${this.#cfg.healthyThreshold} consecutive passing checks`;
  }

  /** interval (HAProxy `inter`) or unhealthyInterval (HAProxy `downinter`) ± jitter fraction. */
  #nextDelay(ep: Endpoint): number {
    const base = ep.active.state === 'unhealthy' ? this.#cfg.unhealthyInterval : this.#cfg.interval;
    return Math.max(0, base * (1 + this.#cfg.jitter * (2 * this.#random() - 1)));
  }

  #schedule(ep: Endpoint, delay: number): void {
    const t = setTimeout(() => {
      this.#timers.delete(ep);
      void this.checkNow(ep);
    }, delay);
    t.unref(); // health checks alone never keep the process alive
    this.#timers.set(ep, t);
  }
}
