import { formatDuration, silentLogger, type Logger } from '../common/index.js';
import type { PassiveHealthConfig, RetryOn } from '../config/types.js';
import type { DetourEvent, Endpoint, Evidence, HealthModel } from '../model/index.js';
import { decayEjections, ejectionDuration } from './backoff.js';
import { SlidingWindow } from './window.js';

/** What the proxy saw on one attempt. The failure kinds are the retry conditions. */
export type FailureKind = RetryOn;
export type Outcome = { ok: true } | { ok: false; kind: FailureKind; evidence: Evidence };

export interface OutlierDetectorOptions {
  model: HealthModel;
  cfg: PassiveHealthConfig;
  /** Passing active checks needed to return from ejection; undefined = no active checks configured. */
  activeHealthyThreshold: number | undefined;
  logger?: Logger;
}

export interface PoolStats { detected: number; enforced: number; ejectedNow: number }
/** Overall counters, detections per rule, and per pool (keyed by the names given to setPools). */
export interface OutlierStats extends PoolStats { detectedConsecutive: number; detectedRatio: number; pools: Record<string, PoolStats> }

interface Track {
  consecutive: number;
  window: SlidingWindow;
  /** Cloud error envelopes only (the cloudErrors rule). */
  cloud: SlidingWindow;
  timer: NodeJS.Timeout | undefined;
  /** The ejection time has elapsed (set by the timer; return may still wait for checks). */
  timeServed: boolean;
  returnedAt: number | undefined;
}
interface Pool { name: string; endpoints: Endpoint[]; detected: number; enforced: number }

/**
 * Passive outlier detection (Envoy outlier_detection) from live traffic. Unlike Envoy's
 * success-rate algorithm it needs no minimum number of hosts: a pool is often one
 * endpoint per cloud, and that endpoint must still be ejectable so traffic fails over.
 * Counters are plain numbers for the metrics exporter.
 */
export class OutlierDetector {
  detected = 0;
  enforced = 0;
  detectedConsecutive = 0;
  detectedRatio = 0;
  readonly #model: HealthModel;
  readonly #cfg: PassiveHealthConfig;
  readonly #activeHealthyThreshold: number | undefined;
  readonly #log: Logger;
  readonly #tracks = new Map<Endpoint, Track>();
  readonly #poolOf = new Map<Endpoint, Pool>();
  #pools = new Map<string, Pool>();
  #stopped = false;

  constructor(opts: OutlierDetectorOptions) {
    this.#model = opts.model;
    this.#cfg = opts.cfg;
    this.#activeHealthyThreshold = opts.activeHealthyThreshold;
    this.#log = opts.logger ?? silentLogger;
  }

  /** Pool membership, for maxEjectionPercent. Counters survive for pools whose name stays. */
  setPools(pools: ReadonlyArray<{ name: string; endpoints: readonly Endpoint[] }>): void {
    const next = new Map<string, Pool>();
    this.#poolOf.clear();
    for (const p of pools) {
      const pool = this.#pools.get(p.name) ?? { name: p.name, endpoints: [], detected: 0, enforced: 0 };
      pool.endpoints = [...p.endpoints];
      next.set(p.name, pool);
      for (const ep of p.endpoints) this.#poolOf.set(ep, pool);
    }
    this.#pools = next;
  }

  /** Hot path, after every attempt: O(1), synchronous. Outcomes of an ejected endpoint (late in-flight requests) are ignored. */
  record(ep: Endpoint, outcome: Outcome): void {
    if (this.#stopped || !this.#cfg.enabled || ep.outlier.state === 'ejected') return;
    const t = this.#tracks.get(ep) ?? this.#newTrack(ep);
    const now = this.#model.clock.now();
    t.window.record(now, !outcome.ok);
    if (outcome.ok) {
      t.consecutive = 0;
      return;
    }
    const c = this.#cfg;
    t.consecutive += 1;
    if (c.consecutiveFailures > 0 && t.consecutive >= c.consecutiveFailures) {
      this.detectedConsecutive += 1;
      return this.#trip(ep, t, `${t.consecutive} consecutive failures (last: ${outcome.kind})`, outcome.evidence, now);
    }
    // An explicit server-side cloud error is evidence, not noise: a gray failure answering
    // InternalError to every other request is caught after `cloudErrors` of them.
    if (outcome.kind === 'cloud-error' && c.cloudErrors > 0) {
      t.cloud.record(now, true);
      const seen = t.cloud.failures(now);
      if (seen >= c.cloudErrors) {
        this.detectedRatio += 1;
        return this.#trip(ep, t, `${seen} cloud error responses within ${formatDuration(c.window)} (last: ${outcome.evidence.errorCode ?? 'cloud-error'})`, outcome.evidence, now);
      }
    }
    // The ratio can only newly cross on a failure, so it is evaluated here only.
    const requests = t.window.requests(now);
    if (c.failureRatio > 0 && requests >= c.minRequests) {
      const failures = t.window.failures(now);
      if (failures >= c.failureRatio * requests) {
        this.detectedRatio += 1;
        const reason = `failure ratio ${failures}/${requests} ≥ ${c.failureRatio} within ${formatDuration(c.window)} (last: ${outcome.kind})`;
        this.#trip(ep, t, reason, outcome.evidence, now);
      }
    }
  }

  /** Fed from HealthChecker.onResult: counts passing checks since ejection (a failure restarts the count). */
  noteActiveResult(ep: Endpoint, ok: boolean): void {
    const o = ep.outlier;
    if (o.state !== 'ejected') return;
    ep.outlier = { ...o, passesSince: ok ? o.passesSince + 1 : 0 };
    const t = this.#tracks.get(ep);
    if (t) this.#maybeReturn(ep, t);
  }

  stats(): OutlierStats {
    const pools: Record<string, PoolStats> = {};
    for (const p of this.#pools.values()) {
      pools[p.name] = { detected: p.detected, enforced: p.enforced, ejectedNow: countEjected(p.endpoints) };
    }
    const { detected, enforced, detectedConsecutive, detectedRatio } = this;
    return { detected, enforced, ejectedNow: countEjected(this.#tracks.keys()), detectedConsecutive, detectedRatio, pools };
  }

  /** Config reload removed this endpoint: drop its timer and counters. */
  forget(ep: Endpoint): void {
    clearTimeout(this.#tracks.get(ep)?.timer);
    this.#tracks.delete(ep);
    const pool = this.#poolOf.get(ep);
    if (pool) pool.endpoints = pool.endpoints.filter((e) => e !== ep);
    this.#poolOf.delete(ep);
  }

  /** Clears every timer. Ejected endpoints stay ejected (the gateway is going away). */
  stop(): void {
    this.#stopped = true;
    for (const t of this.#tracks.values()) clearTimeout(t.timer);
  }

  #newTrack(ep: Endpoint): Track {
    const t: Track = { consecutive: 0, window: new SlidingWindow(this.#cfg.window), cloud: new SlidingWindow(this.#cfg.window), timer: undefined, timeServed: false, returnedAt: undefined };
    this.#tracks.set(ep, t);
    return t;
  }

  #trip(ep: Endpoint, t: Track, reason: string, evidence: Evidence, now: number): void {
    const c = this.#cfg;
    const pool = this.#poolOf.get(ep);
    this.detected += 1;
    if (pool) pool.detected += 1;
    // Envoy resets the counter after every ejection attempt, enforced or not: the next
    // detection needs fresh evidence instead of re-firing on each following failure.
    t.consecutive = 0;
    t.window.reset();
    t.cloud.reset();
    const prior = this.#decayedEjections(ep, t, now);
    // Enforce unless ejecting this one too would put more than maxEjectionPercent of the
    // pool out. Counting the candidate itself means 100% lets a one-endpoint pool go (the
    // failover case) and 0% makes the detector report-only.
    const size = pool?.endpoints.length ?? 1;
    const ejected = pool ? countEjected(pool.endpoints) : 0;
    if ((ejected + 1) * 100 > c.maxEjectionPercent * size) {
      const why = `${reason}; not enforced: ${ejected + 1}/${size} of pool ${pool?.name ?? ep.pool} would exceed maxEjectionPercent ${c.maxEjectionPercent}`;
      this.#log.warn('outlier detected, ejection not enforced', { endpoint: ep.id, reason: why });
      return this.#emit({ ...ep.ref(), enforced: false, ejections: prior, durationMs: 0, reason: why, evidence, at: now });
    }
    this.enforced += 1;
    if (pool) pool.enforced += 1;
    const ejections = prior + 1;
    const durationMs = ejectionDuration(ejections, c);
    ep.outlier = { state: 'ejected', since: now, until: now + durationMs, ejections, reason, passesSince: 0 };
    t.timeServed = false;
    this.#log.warn('outlier ejected', { endpoint: ep.id, reason, ejections, durationMs });
    this.#emit({ ...ep.ref(), enforced: true, ejections, durationMs, reason, evidence, at: now });
    this.#model.settle(ep, 'passive', reason, evidence);
    t.timer = setTimeout(() => {
      t.timer = undefined;
      t.timeServed = true;
      this.#maybeReturn(ep, t);
    }, durationMs);
    t.timer.unref();
  }

  /** `ejections` after decay for time spent un-ejected since the last return (see backoff.ts). */
  #decayedEjections(ep: Endpoint, t: Track, now: number): number {
    const o = ep.outlier;
    if (o.state === 'ejected') return o.ejections;
    const since = t.returnedAt ?? o.lastEjectedAt; // lastEjectedAt: the detector forgot it (reload)
    return decayEjections(o.ejections, since === undefined ? undefined : now - since, this.#cfg.baseEjection);
  }

  /**
   * Return needs both the ejection time served and, when active checks run,
   * activeHealthyThreshold passes since ejection: an endpoint is not sent live traffic
   * again on a timer alone if the checker can prove it still fails (Envoy's
   * successful_active_health_check_uneject_host, made a requirement).
   */
  #maybeReturn(ep: Endpoint, t: Track): void {
    const o = ep.outlier;
    if (this.#stopped || o.state !== 'ejected' || !t.timeServed) return;
    const need = this.#activeHealthyThreshold;
    if (need !== undefined && o.passesSince < need) return; // the pass completing the count returns it
    const now = this.#model.clock.now();
    ep.outlier = { state: 'ok', ejections: o.ejections, lastEjectedAt: o.since };
    t.returnedAt = now;
    t.timeServed = false;
    t.consecutive = 0;
    t.window.reset();
    t.cloud.reset();
    const checks = need === undefined ? '' : ` and ${o.passesSince} passing active checks`;
    const reason = `ejection ended after ${formatDuration(now - o.since)}${checks}`;
    this.#log.info('outlier returned', { endpoint: ep.id, reason });
    this.#model.settle(ep, 'passive', reason); // starts the slow-start ramp (routableSince)
  }

  #emit(e: Omit<Extract<DetourEvent, { type: 'outlier.ejection' }>, 'type' | 'observer'>): void {
    this.#model.bus.emit({ type: 'outlier.ejection', observer: this.#model.observer, ...e });
  }
}

function countEjected(eps: Iterable<Endpoint>): number {
  let n = 0;
  for (const ep of eps) if (ep.outlier.state === 'ejected') n += 1;
  return n;
}
