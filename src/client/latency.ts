/**
 * Recent attempt latencies, for the hedging delay: hedge after the p-th percentile (Polly's
 * hedging strategy and resilience4j-hedge use a fixed or percentile delay; the tail is what hedging
 * is for). A ring of the last 64 successful attempts; no delay (no hedging) before 8 samples.
 */
const SIZE = 64;
const WARM = 8;
/** Never hedge sooner: below this a second request costs more than it can save. */
const FLOOR = 10;

export type Latency = ReturnType<typeof latency>;

export function latency() {
  const ring: number[] = [];
  let next = 0;
  return {
    add(ms: number): void {
      ring[next++ % SIZE] = ms;
    },
    /** The nearest-rank percentile of the samples, at least FLOOR ms; undefined while warming up. */
    delay(percentile: number): number | undefined {
      if (ring.length < WARM) return undefined;
      const sorted = ring.slice().sort((a, b) => a - b);
      return Math.max(FLOOR, sorted[Math.ceil((percentile / 100) * sorted.length) - 1] ?? 0);
    },
  };
}
