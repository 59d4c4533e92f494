/**
 * Requests and failures over a sliding window, as a ring of fixed buckets (the
 * approach of Hystrix/resilience4j rolling counters): recording is O(1) and
 * allocation-free, and old buckets are dropped lazily when the clock is read, so an
 * idle endpoint costs no timers.
 *
 * Buckets are aligned to multiples of `window / buckets`, so the counts cover the
 * current partial bucket plus the previous `buckets - 1` full ones: between
 * (buckets-1)/buckets of the window and the whole window. With 10 buckets the
 * coverage error is at most 10%, which is fine for a failure-ratio threshold.
 */
export class SlidingWindow {
  readonly #requests: Uint32Array;
  readonly #failures: Uint32Array;
  readonly #bucketMs: number;
  #head = 0; // index of the current bucket
  #headStart = Number.NEGATIVE_INFINITY; // start time of the current bucket
  #totalRequests = 0;
  #totalFailures = 0;

  constructor(windowMs: number, buckets = 10) {
    const n = Math.max(1, Math.floor(buckets));
    this.#requests = new Uint32Array(n);
    this.#failures = new Uint32Array(n);
    this.#bucketMs = Math.max(1, windowMs / n);
  }

  record(now: number, failed: boolean): void {
    this.#rotate(now);
    this.#requests[this.#head]! += 1;
    this.#totalRequests += 1;
    if (failed) {
      this.#failures[this.#head]! += 1;
      this.#totalFailures += 1;
    }
  }

  /** Requests inside the window ending at `now`. */
  requests(now: number): number {
    this.#rotate(now);
    return this.#totalRequests;
  }

  /** Failures inside the window ending at `now`. */
  failures(now: number): number {
    this.#rotate(now);
    return this.#totalFailures;
  }

  reset(): void {
    this.#requests.fill(0);
    this.#failures.fill(0);
    this.#totalRequests = 0;
    this.#totalFailures = 0;
  }

  /** Advances the ring to the bucket holding `now`, zeroing the buckets skipped over. */
  #rotate(now: number): void {
    const start = Math.floor(now / this.#bucketMs) * this.#bucketMs;
    if (start <= this.#headStart) return; // same bucket (or the clock stepped back: keep counting here)
    const n = this.#requests.length;
    const steps = Number.isFinite(this.#headStart) ? Math.round((start - this.#headStart) / this.#bucketMs) : n;
    if (steps >= n) {
      this.reset();
    } else {
      // At most n-1 iterations: bounded, so record() stays O(1).
      for (let i = 0; i < steps; i++) {
        this.#head = (this.#head + 1) % n;
        this.#totalRequests -= this.#requests[this.#head]!;
        this.#totalFailures -= this.#failures[this.#head]!;
        this.#requests[this.#head] = 0;
        this.#failures[this.#head] = 0;
      }
    }
    this.#headStart = start;
  }
}
