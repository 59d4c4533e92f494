/**
 * Errors of the upstream pool that are not a socket's own (those pass through unchanged)
 * nor a malformed message (H1ParseError). The codes are undici's, so the proxy's failure
 * mapping (src/proxy/failure.ts) and anyone who knows undici read them the same way.
 */
export type PoolErrorCode =
  | 'UND_ERR_CONNECT_TIMEOUT'
  | 'UND_ERR_BODY_TIMEOUT'
  | 'UND_ERR_SOCKET'
  | 'UND_ERR_HEADERS_OVERFLOW'
  | 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH'
  | 'UND_ERR_ABORTED'
  | 'UND_ERR_CLOSED'
  | 'UND_ERR_DESTROYED'
  | 'UND_ERR_INVALID_ARG';

export class PoolError extends Error {
  readonly code: PoolErrorCode;

  constructor(code: PoolErrorCode, message: string) {
    super(message);
    this.name = 'PoolError';
    this.code = code;
  }
}

/** The peer closed (or reset without an error) before the response ended. */
export function otherSideClosed(): PoolError {
  return new PoolError('UND_ERR_SOCKET', 'other side closed');
}

/** Exceptions thrown by a handler after its exchange ended have nobody to go to: surface them. */
export function rethrowLater(err: unknown): void {
  process.nextTick(() => {
    throw err;
  });
}
