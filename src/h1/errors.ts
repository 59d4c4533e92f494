/**
 * A malformed HTTP/1.x message. Codes follow llhttp's `HPE_*` names (what Node's own
 * parser and undici report), so a reader who knows Node recognises them and the proxy's
 * failure mapping treats every `HPE_*` from an upstream as a protocol error.
 * `status` is the response a server sends when a client's request is the bad one.
 */
export class H1ParseError extends Error {
  readonly code: string;
  readonly status: 400 | 413 | 431 | 501 | 505;

  constructor(code: string, message: string, status: H1ParseError['status'] = 400) {
    super(message);
    this.name = 'H1ParseError';
    this.code = code;
    this.status = status;
  }
}
