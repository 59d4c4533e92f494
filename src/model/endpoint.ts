import type { EffectiveHealth, EndpointRef } from './events.js';

/**
 * Result of active checking, as a state machine (Envoy's FAILED_ACTIVE_HC flag plus
 * the threshold counters). `unknown` means no check has finished yet; it is routable so
 * that a fresh gateway serves at once, and the first check result decides directly
 * (Envoy: "on startup one pass is enough").
 */
export type ActiveHealth =
  | { state: 'unknown' }
  | { state: 'healthy'; since: number; consecutiveFailures: number }
  | { state: 'unhealthy'; since: number; reason: string; consecutiveSuccesses: number };

/** Passive (outlier) ejection state. `ejections` drives the backoff: base × n, capped. */
export type OutlierState =
  | { state: 'ok'; ejections: number; lastEjectedAt: number | undefined }
  | { state: 'ejected'; since: number; until: number; ejections: number; reason: string;
      /** Consecutive passing active checks since ejection; return needs healthyThreshold of them. */
      passesSince: number };

/**
 * The one runtime record of an endpoint that every part reads: the balancer reads
 * `routable` synchronously on the request path; health, outlier and admin write it
 * only through HealthModel so that every change of effective state is published.
 */
export class Endpoint implements EndpointRef {
  readonly id: string;
  readonly url: URL;
  /** Requests in flight now (P2C least-request reads it). */
  inflight = 0;
  active: ActiveHealth = { state: 'unknown' };
  outlier: OutlierState = { state: 'ok', ejections: 0, lastEjectedAt: undefined };
  drained = false;
  /** When the endpoint last became routable: the start of its slow-start ramp. */
  routableSince = 0;
  /** Cached effective state, recomputed by HealthModel after every write. */
  health: EffectiveHealth = 'healthy';
  /** Why it is in its current state (for status pages). */
  reason = 'initial';
  /** When the effective state last changed. */
  since: number;

  constructor(
    readonly service: string,
    readonly pool: string,
    readonly provider: string | undefined,
    readonly region: string | undefined,
    readonly endpoint: string,
    readonly weight: number,
    readonly servername: string | undefined,
    now: number,
  ) {
    this.id = `${service}/${pool}/${endpoint}`;
    this.url = new URL(endpoint);
    this.since = now;
  }

  get routable(): boolean {
    return this.health === 'healthy';
  }

  ref(): EndpointRef {
    return { service: this.service, pool: this.pool, provider: this.provider, region: this.region, endpoint: this.endpoint };
  }
}

/** Effective health from the three inputs, most operator-intentional first. */
export function effectiveHealth(ep: Pick<Endpoint, 'drained' | 'outlier' | 'active'>): EffectiveHealth {
  if (ep.drained) return 'drained';
  if (ep.outlier.state === 'ejected') return 'ejected';
  switch (ep.active.state) {
    case 'unknown':
    case 'healthy':
      return 'healthy';
    case 'unhealthy':
      return 'unhealthy';
    default: {
      const never: never = ep.active;
      return never;
    }
  }
}
