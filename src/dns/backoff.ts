/**
 * Delay before retry number `failures` (1 = the first retry): exponential, capped, with
 * "equal jitter" from the AWS Architecture Blog "Exponential Backoff And Jitter": half the
 * capped delay fixed, half random. Randomness keeps several Detour instances from retrying a
 * recovering provider API in lock-step; the fixed half keeps a failing API from being retried
 * almost at once.
 */
export function backoffDelay(failures: number, base: number, max: number, random: () => number): number {
  const exp = base * 2 ** Math.min(30, Math.max(0, failures - 1));
  const cap = Math.min(max, exp);
  return Math.round(cap / 2 + random() * (cap / 2));
}
