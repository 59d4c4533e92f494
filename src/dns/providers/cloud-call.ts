/**
 * One provider API call with a per-call deadline and the caller's AbortSignal, and the mapping of
 * whatever the SDK throws to the contract's two errors (src/dns/provider.ts):
 * DETOUR_DNS_PROVIDER_UNAVAILABLE (retryable) or DETOUR_DNS_PROVIDER_REJECTED.
 *
 * Secrets: SDK errors are never attached as `cause` (some carry request objects and config), the
 * message is built from the provider's error code and text only, and every configured secret is
 * scrubbed from it as a last line of defence.
 */
import { DetourError } from '../../errors/index.js';

/** What an adapter makes of one SDK failure. */
export interface Classified {
  retryable: boolean;
  /** e.g. `HTTP 403 code 10000 "Authentication error"`; no credentials. */
  detail: string;
}

export interface CallContext {
  provider: { readonly name: string; readonly type: string };
  timeoutMs: number;
  /** Values that must never appear in an error message (secret keys, tokens). */
  secrets: readonly string[];
  classify(error: unknown): Classified;
}

/**
 * Runs `run` with a signal that fires on the caller's abort or after `timeoutMs`. The result is
 * also raced against that signal, so an SDK that ignores signals (Alidns) cannot hold the
 * reconcile loop past the deadline; its own socket timeout is set to the same value by the adapter.
 */
export async function callApi<T>(
  ctx: CallContext,
  action: string,
  signal: AbortSignal,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (signal.aborted) throw providerError(ctx, action, { retryable: true, detail: 'aborted by the caller' });
  // A referenced timer (unlike AbortSignal.timeout): a call in flight keeps the process alive
  // until its deadline, and the timer is cleared as soon as the call settles.
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new Error('deadline')), ctx.timeoutMs);
  const both = AbortSignal.any([signal, timeout.signal]);
  try {
    return await raceAbort(run(both), both);
  } catch (e) {
    if (e instanceof DetourError) throw e;
    if (signal.aborted) throw providerError(ctx, action, { retryable: true, detail: 'aborted by the caller' });
    if (timeout.signal.aborted) throw providerError(ctx, action, { retryable: true, detail: `timed out after ${ctx.timeoutMs} ms` });
    let c: Classified;
    try {
      c = ctx.classify(e);
    } catch {
      c = { retryable: true, detail: 'unrecognized failure' };
    }
    throw providerError(ctx, action, c);
  } finally {
    clearTimeout(timer);
  }
}

function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

export function providerError(ctx: Pick<CallContext, 'provider' | 'secrets'>, action: string, c: Classified): DetourError {
  const code = c.retryable ? 'DETOUR_DNS_PROVIDER_UNAVAILABLE' : 'DETOUR_DNS_PROVIDER_REJECTED';
  const msg = scrub(`DNS provider "${ctx.provider.name}" (${ctx.provider.type}) ${action} failed: ${c.detail}`, ctx.secrets);
  return new DetourError(code, msg);
}

/** Replaces every occurrence of each secret (and its URL-encoded form) with [redacted]. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 4) continue; // too short to search for without mangling the message
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join('[redacted]');
  }
  return out;
}

/** A short quoted excerpt of provider text for messages (bounded, single line). */
export function excerpt(text: unknown, max = 200): string {
  const s = typeof text === 'string' ? text : text === undefined || text === null ? '' : JSON.stringify(text);
  const one = s.replace(/\s+/g, ' ').trim();
  return JSON.stringify(one.length > max ? `${one.slice(0, max)}…` : one);
}

/** HTTP statuses that say "try again later": request timeout, throttling, and every 5xx. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Node/undici/node-fetch network failures (no HTTP answer at all): always worth another try. */
export function isNetworkError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const err = e as { code?: unknown; name?: unknown; type?: unknown; cause?: unknown };
  const code = typeof err.code === 'string' ? err.code : '';
  if (/^(ECONN|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_)/.test(code)) return true;
  if (err.type === 'system' || err.type === 'request-timeout') return true; // node-fetch FetchError
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return true;
  return err.cause !== undefined && err.cause !== e && isNetworkError(err.cause);
}
