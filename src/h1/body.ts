import { H1ParseError } from './errors.js';
import type { Fields } from './head.js';

/** How a message body is delimited (RFC 9112 §6.3). */
export type Framing =
  | { kind: 'none' }
  | { kind: 'length'; length: number }
  | { kind: 'chunked' }
  /** Response only: the body runs until the connection closes. */
  | { kind: 'close' };

/** RFC 9112 §6.3 for a request (§6.1 errors were already raised by the head parser). */
export function requestFraming(f: Fields): Framing {
  if (f.chunked) return { kind: 'chunked' };
  if (f.contentLength !== undefined && f.contentLength > 0) return { kind: 'length', length: f.contentLength };
  return { kind: 'none' };
}

/**
 * RFC 9112 §6.3 for a response: no body after HEAD, 1xx, 204 and 304; Transfer-Encoding
 * overrides Content-Length; a non-chunked coding or no length at all reads until close.
 */
export function responseFraming(f: Fields, status: number, method: string): Framing {
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) return { kind: 'none' };
  if (f.te) return f.chunked ? { kind: 'chunked' } : { kind: 'close' };
  if (f.contentLength !== undefined) return f.contentLength > 0 ? { kind: 'length', length: f.contentLength } : { kind: 'none' };
  return { kind: 'close' };
}

type State = 'length' | 'size' | 'data' | 'data-crlf' | 'trailer' | 'close' | 'done';

/** Chunk-size lines and the trailer section are bounded (Node's llhttp and nginx bound them too). */
const MAX_LINE = 4096;
const MAX_TRAILER = 16 * 1024;

/**
 * Decodes one message body from the bytes of a connection, chunk by chunk, without
 * copying: data is handed on as subarrays of the input. Chunk extensions are ignored and
 * trailer fields dropped (RFC 9112 §7.1.1, §7.1.2 allow both for a recipient that does
 * not understand them).
 */
export class BodyDecoder {
  #state: State;
  #remaining = 0;
  #line = '';
  #trailerBytes = 0;
  /** Body bytes decoded so far. */
  received = 0;

  constructor(framing: Framing) {
    switch (framing.kind) {
      case 'none':
        this.#state = 'done';
        break;
      case 'length':
        this.#state = 'length';
        this.#remaining = framing.length;
        break;
      case 'chunked':
        this.#state = 'size';
        break;
      case 'close':
        this.#state = 'close';
        break;
      default: {
        const never: never = framing;
        throw new Error(`unknown framing ${JSON.stringify(never)}`);
      }
    }
  }

  get done(): boolean {
    return this.#state === 'done';
  }

  /**
   * Consumes bytes of `buf` from `pos`, calling `onData` for body bytes; stops at the end
   * of the message. Returns the index of the first byte not consumed (the next message).
   */
  feed(buf: Buffer, pos: number, onData: (chunk: Buffer) => void): number {
    while (pos < buf.length) {
      switch (this.#state) {
        case 'done':
          return pos;
        case 'close': {
          this.received += buf.length - pos;
          onData(pos === 0 ? buf : buf.subarray(pos));
          return buf.length;
        }
        case 'length':
        case 'data': {
          const n = Math.min(this.#remaining, buf.length - pos);
          this.#remaining -= n;
          this.received += n;
          onData(pos === 0 && n === buf.length ? buf : buf.subarray(pos, pos + n));
          pos += n;
          if (this.#remaining === 0) this.#state = this.#state === 'length' ? 'done' : 'data-crlf';
          break;
        }
        case 'data-crlf':
        case 'size':
        case 'trailer':
          pos = this.#lines(buf, pos);
          break;
        default: {
          const never: never = this.#state;
          throw new Error(`unknown state ${String(never)}`);
        }
      }
    }
    return pos;
  }

  /** The peer closed the connection: fine for a close-delimited body, truncation otherwise. */
  eof(): void {
    if (this.#state === 'close') this.#state = 'done';
    if (this.#state !== 'done') throw new H1ParseError('HPE_INVALID_EOF_STATE', 'connection closed before the message body ended');
  }

  /** Reads one CRLF-terminated line (chunk size, chunk end, trailer field). */
  #lines(buf: Buffer, pos: number): number {
    const nl = buf.indexOf(10, pos);
    const end = nl < 0 ? buf.length : nl + 1;
    this.#line += buf.toString('latin1', pos, end);
    if (this.#state === 'trailer') this.#trailerBytes += end - pos;
    if (this.#line.length > MAX_LINE || this.#trailerBytes > MAX_TRAILER) throw chunkError('chunk-size line or trailer section too long');
    if (nl < 0) return end;
    const line = this.#line;
    this.#line = '';
    if (line.length < 2 || line.charCodeAt(line.length - 2) !== 13) throw chunkError('line not ended by CRLF');
    const text = line.slice(0, -2);
    switch (this.#state) {
      case 'data-crlf':
        if (text !== '') throw chunkError('chunk data longer than its size');
        this.#state = 'size';
        break;
      case 'size': {
        const m = /^([0-9a-fA-F]{1,15})[ \t]*(;.*)?$/.exec(text);
        if (!m) throw chunkError('invalid chunk size');
        this.#remaining = parseInt(m[1]!, 16);
        this.#state = this.#remaining === 0 ? 'trailer' : 'data';
        break;
      }
      case 'trailer':
        if (text === '') this.#state = 'done';
        break;
      default:
        throw new Error(`line in state ${this.#state}`);
    }
    return end;
  }
}

function chunkError(message: string): H1ParseError {
  return new H1ParseError('HPE_INVALID_CHUNK_SIZE', message);
}

const LAST_CHUNK = Buffer.from('0\r\n\r\n');

/** RFC 9112 §7.1: one chunk's framing around `size` bytes of data. */
export function chunkHeader(size: number): string {
  return `${size.toString(16)}\r\n`;
}

export const CRLF = Buffer.from('\r\n');
export { LAST_CHUNK };
