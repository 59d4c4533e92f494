import { DetourError, type ErrorCode } from '../errors/index.js';
import type { RetryOn } from '../config/types.js';

/** How an attempt failed, in the vocabulary of `retry.on` and outlier detection. */
export type FailureKind = RetryOn;

export interface AttemptFailure {
  kind: FailureKind;
  /** True when request bytes may have reached the endpoint (retry then needs idempotency). */
  sent: boolean;
  error: DetourError;
}

const CONNECT_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EHOSTDOWN',
  'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/** Maps an undici / socket error of one attempt to a failure kind and a Detour error. */
export function failureFromError(err: unknown): AttemptFailure {
  const code = (err as { code?: string } | null)?.code ?? '';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return fail('timeout', false, 'DETOUR_UPSTREAM_CONNECT_TIMEOUT', err);
  if (CONNECT_CODES.has(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')) {
    return fail('connect-failure', false, 'DETOUR_UPSTREAM_CONNECT', err, code);
  }
  if (code.startsWith('HPE_') || code === 'UND_ERR_HEADERS_OVERFLOW' || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') {
    return fail('reset', true, 'DETOUR_UPSTREAM_PROTOCOL', err, code);
  }
  if (code === 'UND_ERR_BODY_TIMEOUT') return fail('timeout', true, 'DETOUR_UPSTREAM_TIMEOUT', err, 'body idle timeout');
  // ECONNRESET, EPIPE, UND_ERR_SOCKET ("other side closed") and anything unknown:
  // the request may have been processed, so only idempotent requests are retried.
  return fail('reset', true, 'DETOUR_UPSTREAM_RESET', err, code || (err as Error)?.message);
}

export function fail(kind: FailureKind, sent: boolean, code: ErrorCode, cause?: unknown, detail?: string): AttemptFailure {
  const base = new DetourError(code).message;
  return { kind, sent, error: new DetourError(code, detail ? `${base} (${detail})` : base, cause === undefined ? undefined : { cause }) };
}
