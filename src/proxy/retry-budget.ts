import type { Clock } from '../common/index.js';

/** Length of the budget's memory: deposits older than this no longer count. */
const WINDOW_MS = 10_000;
const BUCKETS = 10;

/**
 * The retry budget, as a token bucket (Finagle's RetryBudget; the AWS SDKs' retry
 * quota is the same idea): every request deposits `ratio` of a token, every retry
 * withdraws one, and `minPerSecond` tokens a second are always available. Over time
 * retries stay below `ratio` of the traffic (plus the floor), so an outage cannot
 * multiply the load on the cloud that takes over; but the tokens saved up by recent
 * traffic absorb a burst, which is exactly what a cloud dying looks like: every
 * request in flight fails in the same millisecond. (Envoy's budget counts retries in
 * flight against requests in flight instead, and so refuses most of that burst.)
 *
 * The bucket holds at most what the last 10 s deposited plus 10 s of the floor.
 */
export class RetryBudget {
  #inflight = 0;
  #retrying = 0;
  #tokens: number;
  #last: number;
  /** Requests per 1 s bucket over the window (ring), for the cap. */
  readonly #ring = new Array<number>(BUCKETS).fill(0);
  #ringAt = 0;

  constructor(
    readonly ratio: number,
    readonly minPerSecond: number,
    readonly clock: Clock = { now: Date.now },
  ) {
    this.#last = clock.now();
    this.#ringAt = Math.floor(this.#last / (WINDOW_MS / BUCKETS));
    this.#tokens = this.#floor();
  }

  /** Requests in flight now (status page). */
  get inflight(): number {
    return this.#inflight;
  }
  /** Requests in flight that have retried at least once (status page). */
  get retrying(): number {
    return this.#retrying;
  }
  /** Tokens available now (metrics, tests). */
  get tokens(): number {
    this.#refill();
    return this.#tokens;
  }

  requestStarted(): void {
    this.#inflight++;
    this.#refill();
    this.#ring[this.#ringAt % BUCKETS]!++;
    this.#tokens = Math.min(this.#cap(), this.#tokens + this.ratio);
  }

  requestEnded(retried: boolean): void {
    this.#inflight--;
    if (retried) this.#retrying--;
  }

  /** Whether a retry may start now (does not take it). */
  canRetry(): boolean {
    this.#refill();
    return this.#tokens >= 1 - 1e-9; // tolerate float drift from summing fractions (0.2 × 5 ≠ 1 exactly)
  }

  /** Takes one token for one retry. `first` marks a request's first retry (for the in-flight count). */
  take(first = true): boolean {
    if (!this.canRetry()) return false;
    this.#tokens -= 1;
    if (first) this.#retrying++;
    return true;
  }

  #floor(): number {
    return (this.minPerSecond * WINDOW_MS) / 1000;
  }

  #cap(): number {
    let recent = 0;
    for (const n of this.#ring) recent += n;
    return this.#floor() + this.ratio * recent;
  }

  #refill(): void {
    const now = this.clock.now();
    const bucket = Math.floor(now / (WINDOW_MS / BUCKETS));
    for (let b = this.#ringAt + 1; b <= bucket && b <= this.#ringAt + BUCKETS; b++) this.#ring[b % BUCKETS] = 0;
    if (bucket > this.#ringAt) this.#ringAt = bucket;
    const elapsed = now - this.#last;
    if (elapsed > 0) {
      this.#last = now;
      this.#tokens = Math.min(this.#cap(), this.#tokens + (this.minPerSecond * elapsed) / 1000);
    }
  }
}
