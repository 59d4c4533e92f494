/**
 * Thrown errors → Failure, and the DetourError a request ends with when no host answered.
 * Node's fetch (undici) says why in `cause.code`; browsers only say "Failed to fetch", so there a
 * network error is never known to be a connect failure and is resent only when the request is safe.
 */
import { DetourError, type ClientErrorCode } from './error.js';
import type { Failure } from './types.js';

// Nothing was sent: the connection never opened (errno names; undici's connect timeout).
const CONNECT = /^(?:ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL|UND_ERR_CONNECT_TIMEOUT)$/;

/** The failures that leave no response to hand back. */
export type NoResponse = Extract<Failure, { kind: 'connect' | 'network' | 'timeout' }>;

const text = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function networkFailure(e: unknown): NoResponse {
  const cause = e instanceof Error ? (e.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = cause?.code;
  const message = cause ? `${text(e)}: ${text(cause)}` : text(e);
  return typeof code === 'string' && CONNECT.test(code) ? { kind: 'connect', message } : { kind: 'network', message };
}

const CODES: Record<NoResponse['kind'], ClientErrorCode> = {
  connect: 'DETOUR_UPSTREAM_CONNECT',
  network: 'DETOUR_UPSTREAM_RESET',
  timeout: 'DETOUR_UPSTREAM_TIMEOUT',
};

/** The error for a request that got no response. The message names the host, never the path (it may hold tokens). */
export function finalError(host: string, f: NoResponse, budgetSpent: boolean): DetourError {
  const msg = `${host}: ${f.kind === 'timeout' ? 'no response within timeout.perTry' : f.message}`;
  return new DetourError(budgetSpent ? 'DETOUR_RETRY_BUDGET_EXHAUSTED' : CODES[f.kind], msg);
}
