import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { chunkHeader, CRLF, LAST_CHUNK } from './body.js';
import { httpDate } from './date.js';
import type { RequestHead } from './head.js';
import { RequestBody } from './request-body.js';

/** What the connection loop needs back from an exchange. */
export interface ExchangeOwner {
  /** The response ended (or the exchange was destroyed); the connection may read the next request. */
  exchangeDone(reusable: boolean): void;
  /** The request body wants more bytes (resume reading) or has enough buffered (pause). */
  bodyFlow(paused: boolean): void;
}

type ResponseFraming = 'length' | 'chunked' | 'close' | 'none';

/** Bodies up to this size leave in one buffer with the head. */
const COMBINE_MAX = 16 * 1024;

const EMPTY = Buffer.alloc(0);

/**
 * One request/response on a downstream connection: the request head and body as the
 * proxy reads them, and the response it writes. Replaces node:http's IncomingMessage +
 * ServerResponse with the little the pipeline uses, without an EventEmitter or stream
 * per request. The head is written lazily with the first body bytes, corked, so a small
 * response leaves in one writev (as node:http does).
 */
export class Exchange {
  readonly head: RequestHead;
  readonly socket: Socket;
  readonly encrypted: boolean;
  readonly body: RequestBody | undefined;
  /** Keep the connection open after this response (HTTP/1.1 default, RFC 9112 §9.3); set false to close after it. */
  keepAlive: boolean;
  headersSent = false;
  /** end() was called: the whole response was handed to the socket. */
  finished = false;
  /** The exchange is over, finished or not; no more writes. */
  closed = false;
  #framing: ResponseFraming = 'none';
  #pendingHead: string | undefined;
  #flushed: (() => void) | undefined;
  /** A borrowed chunk went to the socket uncopied and may still be queued there. */
  #lent = false;
  #onClose: Array<(finished: boolean) => void> = [];
  #owner: ExchangeOwner;

  constructor(head: RequestHead, socket: Socket, encrypted: boolean, owner: ExchangeOwner, body: RequestBody | undefined) {
    this.head = head;
    this.socket = socket;
    this.encrypted = encrypted;
    this.#owner = owner;
    this.body = body;
    const conn = head.connection;
    this.keepAlive = head.minor === 1 ? !conn.includes('close') : conn.includes('keep-alive');
  }

  get method(): string {
    return this.head.method;
  }

  get remoteAddress(): string {
    return this.socket.remoteAddress ?? '';
  }

  /** Called once per exchange when it ends; `finished` is false when the client went away first. */
  onClose(fn: (finished: boolean) => void): void {
    if (this.closed) fn(this.finished);
    else this.#onClose.push(fn);
  }

  /**
   * True when the socket holds none of the borrowed chunks written so far (they went to the
   * kernel, or were copied). Otherwise false, and `fn` runs once every byte written up to
   * now has left the process: how a writer of borrowed buffers knows when it may reuse them.
   * 'drain' cannot say this: it is only emitted after the queue once exceeded the high-water mark.
   */
  whenFlushed(fn: () => void): boolean {
    if (!this.#lent || this.socket.writableLength === 0 || this.closed) {
      this.#lent = false;
      return true;
    }
    this.#flushed = fn;
    // Writes complete in order: this callback runs once all earlier ones have.
    this.socket.write(EMPTY, this.#onFlushed);
    return false;
  }

  readonly #onFlushed = (): void => {
    this.#lent = false;
    const fn = this.#flushed;
    this.#flushed = undefined;
    fn?.();
  };

  /**
   * Starts the response. `headers` is the flat [name, value, …] list to send; framing is
   * taken from its Content-Length, else chunked (HTTP/1.1) or close-delimited (HTTP/1.0).
   */
  writeHead(status: number, reason: string | undefined, headers: readonly string[]): void {
    if (this.headersSent || this.closed) throw new Error('response already started');
    this.headersSent = true;
    let hasLength = false;
    let hasDate = false;
    let out = `HTTP/1.1 ${status} ${reason || STATUS_CODES[status] || ''}\r\n`;
    for (let i = 0; i < headers.length; i += 2) {
      const name = headers[i]!;
      if (name.length === 14 && name.toLowerCase() === 'content-length') hasLength = true;
      else if (name.length === 4 && name.toLowerCase() === 'date') hasDate = true;
      else if (name.length === 10 && name.toLowerCase() === 'connection') continue; // written below, from keepAlive
      out += `${name}: ${headers[i + 1]}\r\n`;
    }
    if (!hasDate) out += `date: ${httpDate()}\r\n`;
    if (this.head.method === 'HEAD' || status === 204 || status === 304 || status < 200) this.#framing = 'none';
    else if (hasLength) this.#framing = 'length';
    else if (this.head.minor === 1) {
      this.#framing = 'chunked';
      out += 'transfer-encoding: chunked\r\n';
    } else {
      this.#framing = 'close';
      this.keepAlive = false;
    }
    if (this.body && !this.body.complete) this.keepAlive = false; // unread body: close rather than drain it
    if (!this.keepAlive) out += 'connection: close\r\n';
    else if (this.head.minor === 0) out += 'connection: keep-alive\r\n';
    this.#pendingHead = out + '\r\n';
  }

  /**
   * Writes body bytes; returns false when the socket buffer is over its high-water mark.
   * A `borrowed` chunk is one whose memory the caller will reuse (the upstream read buffer):
   * if it cannot go to the kernel at once (socket corked or already queued) and is small, it
   * is copied; otherwise the socket holds it until whenFlushed() says it has let go.
   */
  write(chunk: Buffer | string, borrowed = false): boolean {
    if (this.closed) return false;
    const socket = this.socket;
    if (this.#pendingHead !== undefined) {
      // The usual small response: head and body copied into one buffer, one write() syscall
      // (cheaper than cork + writev of two, measured).
      if (this.#framing === 'length' && typeof chunk !== 'string' && chunk.length <= COMBINE_MAX) return this.#writeWithHead(chunk);
      this.#flushHead();
    }
    if (chunk.length === 0 || this.#framing === 'none') return !socket.writableNeedDrain;
    if (borrowed && typeof chunk !== 'string') {
      // A copy costs less than pausing the upstream until the queue drains.
      if (chunk.length <= COMBINE_MAX && (socket.writableCorked > 0 || socket.writableLength > 0)) chunk = Buffer.from(chunk);
      else this.#lent = true;
    }
    if (this.#framing === 'chunked') {
      const size = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      socket.write(chunkHeader(size), 'latin1');
      socket.write(chunk);
      return socket.write(CRLF);
    }
    return socket.write(chunk);
  }

  end(chunk?: Buffer | string): void {
    if (this.closed) return;
    if (chunk !== undefined) this.write(chunk);
    else if (this.#pendingHead !== undefined) this.#flushHead();
    if (this.#framing === 'chunked') this.socket.write(LAST_CHUNK);
    this.finished = true;
    this.#close(this.keepAlive && this.#framing !== 'close' && (!this.body || this.body.complete));
  }

  /** Cuts the connection: the client sees a truncated response (or none), never a complete one. */
  destroy(): void {
    if (this.closed) return;
    this.socket.destroy();
    this.#close(false);
  }

  /** The socket closed under this exchange (called by the connection). */
  socketClosed(): void {
    this.#close(false);
  }

  #writeWithHead(chunk: Buffer): boolean {
    const head = this.#pendingHead!;
    this.#pendingHead = undefined;
    const out = Buffer.allocUnsafe(head.length + chunk.length);
    out.write(head, 0, 'latin1');
    chunk.copy(out, head.length);
    return this.socket.write(out);
  }

  #flushHead(): void {
    const head = this.#pendingHead!;
    this.#pendingHead = undefined;
    const socket = this.socket;
    // Head and first chunk leave together in one writev (uncorked after this tick's writes).
    if (socket.writableCorked === 0) {
      socket.cork();
      process.nextTick(uncork, socket);
    }
    socket.write(head, 'latin1');
  }

  #close(reusable: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.body?.abandon();
    const fns = this.#onClose;
    this.#onClose = [];
    for (const fn of fns) fn(this.finished);
    this.#owner.exchangeDone(reusable);
  }
}

function uncork(socket: Socket): void {
  socket.uncork();
}
