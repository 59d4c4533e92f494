/**
 * Thrown errors → Failure, and the DetourError a request ends with when no host answered.
 * Node's fetch (undici) says why in `cause.code`; browsers only say "Failed to fetch", so there a
 * network error is never known to be a connect failure and is resent only when the request is safe.
 */
import { DetourError } from './error.js';
import type { Failure } from './types.js';

// Nothing was sent: the connection never opened (errno names; undici's connect timeout).
const CONNECT = /^(?:ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL|UND_ERR_CONNECT_TIMEOUT)$/;

/** The failures that leave no response to hand back. */
export type NoResponse = Extract<Failure, { kind: 'connect' | 'network' | 'timeout' }>;

/** fetch's TypeError → Failure; the message is undici's cause (`connect ECONNREFUSED 127.0.0.1:1`), if any. */
export function networkFailure(e: Error): NoResponse {
  const cause = e.cause as { code?: unknown; message?: unknown } | undefined;
  return { kind: CONNECT.test(String(cause?.code)) ? 'connect' : 'network', message: String(cause?.message ?? e.message) };
}

/** The error for a request that got no response. The message names the host, never the path (it may hold tokens). */
export function finalError(host: string, f: NoResponse, budgetSpent: boolean): DetourError {
  return new DetourError(
    budgetSpent
      ? 'DETOUR_RETRY_BUDGET_EXHAUSTED'
      : f.kind === 'connect'
        ? 'DETOUR_UPSTREAM_CONNECT'
        : f.kind === 'network'
          ? 'DETOUR_UPSTREAM_RESET'
          : 'DETOUR_UPSTREAM_TIMEOUT',
    `${host}: ${f.kind === 'timeout' ? 'no response within timeout.perTry' : f.message}`,
  );
}
