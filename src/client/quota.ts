/**
 * The retry budget: AWS SDK v3 standard mode's retry quota (smithy-typescript util-retry
 * constants.ts, StandardRetryStrategy.ts). A bucket of 500 tokens; a retry takes 5, a retry after a
 * timeout 10; a request that succeeds puts back what its last retry took, or 1 if it was not retried.
 * In an outage every request fails once: the bucket drains after ~100 retries and further requests
 * fail fast on their first host instead of doubling the load on the survivor; successes refill it.
 */
export const RETRY_COST = 5;
export const TIMEOUT_COST = 10;

export type RetryQuota = ReturnType<typeof retryQuota>;

export function retryQuota(capacity: number) {
  let tokens = capacity;
  return {
    get tokens(): number {
      return tokens;
    },
    /** Takes `cost` tokens if there are that many. */
    take(cost: number): boolean {
      if (tokens < cost) return false;
      tokens -= cost;
      return true;
    },
    /** After a success: `cost` = what the last retry took, 0 if none (then 1 comes back). */
    refund(cost: number): void {
      tokens = Math.min(capacity, tokens + (cost || 1));
    },
  };
}
