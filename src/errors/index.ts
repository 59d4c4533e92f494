import { ERROR_CODES, type ErrorCode, type ErrorSource } from './codes.js';

export { ERROR_CODES, type ErrorCode, type ErrorSource, type ErrorSpec } from './codes.js';

// A brand rather than `instanceof`: the client library may be bundled twice in one page.
const BRAND = Symbol.for('detour.error');

/**
 * The one error class of Detour. `code` is stable and documented (docs/errors.md);
 * `retryable` tells the retry loop whether a different endpoint may help; `cause`
 * keeps the original error (never shown to clients, never containing secrets).
 */
export class DetourError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly source: ErrorSource;
  readonly status: number;
  readonly [BRAND] = true;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown; retryable?: boolean }) {
    const spec = ERROR_CODES[code];
    super(message ?? spec.summary, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DetourError';
    this.code = code;
    this.retryable = options?.retryable ?? spec.retryable;
    this.source = spec.source;
    this.status = spec.status;
  }
}

export function isDetourError(e: unknown): e is DetourError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}

/** Convenience for `throw detourError('X', '...')` in expression position. */
export function detourError(code: ErrorCode, message?: string, cause?: unknown): DetourError {
  return new DetourError(code, message, cause === undefined ? undefined : { cause });
}
