/**
 * Delays. Full jitter, "Exponential Backoff and Jitter" (AWS Architecture blog; the formula is
 * aws-samples/aws-arch-backoff-simulator): sleep = random(0, min(cap, base × 2^n)). The AWS SDK v3
 * uses it with base 100 ms and cap 20 s; spreading the retries is what keeps a fleet of clients
 * from hitting a recovering host in lock-step.
 */
export const fullJitter = (retry: number, base = 100, cap = 20000): number =>
  Math.floor(Math.random() * Math.min(cap, base * 2 ** retry));

/**
 * Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date; milliseconds from now, or undefined
 * when absent or unparsable. Browsers expose it to cross-origin callers only when the server lists it
 * in Access-Control-Expose-Headers.
 */
export function retryAfter(value: string | null, now = Date.now()): number | undefined {
  const v = String(value); // null → "null", which is neither form
  const ms = /^\s*\d+\s*$/.test(v) ? Number(v) * 1000 : Date.parse(v) - now;
  return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
}
