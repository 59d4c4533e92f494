/**
 * Envoy's retry budget: retries in flight may be at most `ratio` of the requests in
 * flight, but `min` are always allowed (retry_budget.budget_percent 20%,
 * min_retry_concurrency 3). In a regional outage every request fails once; without a
 * budget each becomes `attempts` requests and the surviving cloud gets a multiple
 * of its normal load exactly when it takes over.
 */
export class RetryBudget {
  #inflight = 0;
  #retrying = 0;
  constructor(readonly ratio: number, readonly min: number) {}

  get inflight(): number {
    return this.#inflight;
  }
  get retrying(): number {
    return this.#retrying;
  }

  requestStarted(): void {
    this.#inflight++;
  }
  requestEnded(heldRetry: boolean): void {
    this.#inflight--;
    if (heldRetry) this.#retrying--;
  }
  /** Whether one more request may start retrying now (does not take it). */
  canRetry(): boolean {
    return this.#retrying < Math.max(this.min, this.ratio * this.#inflight);
  }
  /** Takes a unit for a request's first retry; held until that request ends. */
  take(): boolean {
    if (!this.canRetry()) return false;
    this.#retrying++;
    return true;
  }
}
