/**
 * The Date header value, formatted at most once per second (RFC 9110 §6.6.1: a proxy that
 * forwards a response without Date appends one; IMF-fixdate is what toUTCString gives).
 */
let cached = '';
let cachedSecond = -1;

export function httpDate(now = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cached = new Date(second * 1000).toUTCString();
  }
  return cached;
}
