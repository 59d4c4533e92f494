/**
 * One set of timing knobs given to all three proxies, so the comparison is about what
 * each one does with them, not about whose defaults are shorter. Every value is written
 * into the generated configs and the results document.
 */
export interface Timing {
  /** TCP connect limit per attempt. Detour `timeouts.connect`, nginx `proxy_connect_timeout`, HAProxy `timeout connect`. */
  connectMs: number;
  /** Wait for the response per attempt. Detour `timeouts.perTry`, nginx `proxy_read_timeout`, HAProxy `timeout server`. */
  perTryMs: number;
  /** Whole request. Detour `timeouts.total`, nginx `proxy_next_upstream_timeout`; HAProxy has none (retries × timeouts). */
  totalMs: number;
  /** Active check period. Detour `health.active.interval`, HAProxy `inter`; nginx OSS has no active checks. */
  checkIntervalMs: number;
  /** Detour `health.active.timeout`, HAProxy `timeout check`. */
  checkTimeoutMs: number;
  /** Failed checks to mark down (Detour `unhealthyThreshold`, HAProxy `fall`). */
  fall: number;
  /** Passing checks to mark up (Detour `healthyThreshold`, HAProxy `rise`). */
  rise: number;
  /** Consecutive live-traffic errors that take an endpoint out (Detour `consecutiveFailures` default, HAProxy `error-limit`). */
  consecutive: number;
  /** Time out after a passive detection (Detour `baseEjection`, nginx `fail_timeout`). */
  ejectMs: number;
  /** Detour `slowStart` (HAProxy `slowstart` is left off: the docs' primary/backup recipe has none). */
  slowStartMs: number;
  /** Attempts per request including the first (Detour `retry.attempts` default, nginx `proxy_next_upstream_tries`, HAProxy `retries`). */
  attempts: number;
}

export const TIMING: Timing = {
  connectMs: 500,
  perTryMs: 1000,
  totalMs: 4000,
  checkIntervalMs: 500,
  checkTimeoutMs: 300,
  fall: 2,
  rise: 2,
  consecutive: 5,
  ejectMs: 5000,
  slowStartMs: 2000,
  attempts: 3,
};

/** The load: an open-loop fixed rate (requests are sent on schedule whether or not earlier ones finished). */
export interface LoadSpec {
  rate: number;
  /** A request still unanswered after this is counted lost (and aborted). */
  clientTimeoutMs: number;
}

export const LOAD: LoadSpec = { rate: 200, clientTimeoutMs: 10_000 };

/** Endpoint layout: the primary cloud `a` has two endpoints, the backup cloud `b` one. */
export const PRIMARY = ['a1', 'a2'] as const;
export const BACKUP = ['b1'] as const;
export const ENDPOINTS = [...PRIMARY, ...BACKUP] as const;
export type EndpointName = (typeof ENDPOINTS)[number];
export const cloudOf = (ep: string): 'a' | 'b' => (ep.startsWith('a') ? 'a' : 'b');
