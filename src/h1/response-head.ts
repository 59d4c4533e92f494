import { CRLF2, parseResponseHead, type ResponseHead } from './head.js';
import { PoolError } from './pool-errors.js';

/** Largest response head accepted (Node's and undici's default is 16 KiB; some APIs send big cookies). */
export const MAX_HEAD = 64 * 1024;

const EMPTY = Buffer.alloc(0);

/**
 * Finds the final response head in the bytes of one or more reads: searches CRLFCRLF in
 * the read itself (the usual case: the whole head in one read, no copy), keeps a partial
 * head across reads, and skips interim 1xx responses (RFC 9110 §15.2: 100 Continue,
 * 103 Early Hints precede the final one). 101 counts as final: HTTP ends there (§7.8).
 */
export class HeadReader {
  #partial: Buffer | null = null;
  /** After read() returned a head: the buffer that held it, and the index just past it. */
  buf: Buffer = EMPTY;
  pos = 0;

  /** The final head, or null when more bytes are needed. Throws H1ParseError / UND_ERR_HEADERS_OVERFLOW. */
  read(chunk: Buffer): ResponseHead | null {
    let buf = chunk;
    let from = 0;
    if (this.#partial !== null) {
      // CRLFCRLF may straddle the two reads: search from 3 bytes before the join.
      from = Math.max(0, this.#partial.length - 3);
      buf = Buffer.concat([this.#partial, chunk]);
      this.#partial = null;
    }
    let start = 0;
    for (;;) {
      const end = buf.indexOf(CRLF2, from);
      if (end < 0 ? buf.length - start > MAX_HEAD : end - start > MAX_HEAD) {
        throw new PoolError('UND_ERR_HEADERS_OVERFLOW', `response head larger than ${MAX_HEAD} bytes`);
      }
      if (end < 0) {
        // A copy: the read buffer is reused for the next read (connect.ts).
        this.#partial = Buffer.from(start === 0 ? buf : buf.subarray(start));
        return null;
      }
      const head = parseResponseHead(buf.toString('latin1', start, end));
      start = from = end + 4;
      if (head.status >= 200 || head.status === 101) {
        this.buf = buf;
        this.pos = start;
        return head;
      }
    }
  }

  /** Drops what the last read() left referenced (the connection goes idle or away). */
  clear(): void {
    this.#partial = null;
    this.buf = EMPTY;
  }
}
