import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { BodyDecoder, requestFraming } from './body.js';
import { H1ParseError } from './errors.js';
import { Exchange, type ExchangeOwner } from './exchange.js';
import { CRLF2, parseRequestHead } from './head.js';
import { RequestBody } from './request-body.js';

export interface ServerHandlers {
  /** A request head arrived; the body (if any) streams into `ex.body`. */
  request(ex: Exchange): void;
  /** An Upgrade request (RFC 9110 §7.8): the socket is the handler's from now on. */
  upgrade(ex: Exchange, socket: Socket, rest: Buffer): void;
}

const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';

/**
 * One downstream HTTP/1.1 connection: reads request heads, feeds bodies, and runs one
 * exchange at a time. Pipelined requests (RFC 9112 §9.3.2) wait in the buffer until the
 * response before them has ended, so responses leave in request order.
 */
export class ServerConnection implements ExchangeOwner {
  readonly socket: Socket;
  readonly #encrypted: boolean;
  readonly #handlers: ServerHandlers;
  readonly #maxHead: number;
  #buf: Buffer | undefined;
  #scanned = 0;
  #current: Exchange | undefined;
  #decoder: BodyDecoder | undefined;
  #closing = false;
  #parsing = false;
  /** When the connection last became idle (0 while an exchange runs); for the keep-alive sweep. */
  idleSince: number;
  /** When the first byte of the head being read arrived (0 when none is pending); for headersTimeout. */
  headSince = 0;

  constructor(socket: Socket, encrypted: boolean, handlers: ServerHandlers, maxHead: number, now: number) {
    this.socket = socket;
    this.#encrypted = encrypted;
    this.#handlers = handlers;
    this.#maxHead = maxHead;
    this.idleSince = now;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => this.#onEnd());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.#onClose());
  }

  get busy(): boolean {
    return this.#current !== undefined;
  }

  /** Server is draining: close after the exchange in flight (or now, when idle). */
  drain(): void {
    this.#closing = true;
    if (this.#current) this.#current.keepAlive = false;
    else this.socket.end();
  }

  #onData(chunk: Buffer): void {
    if (this.#decoder) {
      const body = this.#current?.body;
      const pos = this.#feedBody(chunk, body);
      if (pos === chunk.length) return;
      chunk = chunk.subarray(pos);
    }
    if (this.#buf) {
      this.#buf = Buffer.concat([this.#buf, chunk]);
    } else {
      this.#buf = chunk;
      this.#scanned = 0;
    }
    if (this.headSince === 0) this.headSince = Date.now();
    if (!this.#current) this.#parseNext();
    // Pipelined requests piling up behind a slow response: stop reading until it ends.
    else if (this.#buf && this.#buf.length > this.#maxHead) this.socket.pause();
  }

  /** Feeds body bytes to the current request; returns the index after the body's last byte. */
  #feedBody(chunk: Buffer, body: RequestBody | undefined): number {
    const d = this.#decoder!;
    let pos: number;
    try {
      pos = d.feed(chunk, 0, (c) => body?.push(c));
    } catch (err) {
      // Malformed chunked body: the request fails; the connection cannot be trusted after it.
      this.#decoder = undefined;
      this.#closing = true;
      body?.fail(err);
      this.socket.pause();
      return chunk.length;
    }
    if (d.done) {
      this.#decoder = undefined;
      body?.finish();
    }
    return pos;
  }

  #parseNext(): void {
    if (this.#parsing) return;
    this.#parsing = true;
    try {
      while (this.#buf && !this.#current && !this.#closing && this.#parseOne(this.#buf));
    } finally {
      this.#parsing = false;
    }
  }

  /** Parses one request head from `buf`; false when the head is not complete yet. */
  #parseOne(buf: Buffer): boolean {
    const end = buf.indexOf(CRLF2, Math.max(0, this.#scanned - 3));
    if (end < 0 || end > this.#maxHead) {
      this.#scanned = buf.length;
      if (buf.length > this.#maxHead) this.#refuse(new H1ParseError('HPE_HEADER_OVERFLOW', 'request head too large', 431));
      return false;
    }
    let ex: Exchange;
    let rest = buf.subarray(end + 4);
    try {
      const head = parseRequestHead(buf.toString('latin1', 0, end));
      const framing = requestFraming(head);
      const body = framing.kind === 'none' ? undefined : new RequestBody(this, head.expectContinue ? () => this.#sendContinue(ex) : undefined);
      ex = new Exchange(head, this.socket, this.#encrypted, this, body);
      if (head.upgrade !== undefined && head.connection.includes('upgrade')) {
        this.#detach();
        this.#handlers.upgrade(ex, this.socket, rest);
        return false;
      }
      if (body) {
        this.#decoder = new BodyDecoder(framing);
        rest = rest.subarray(this.#feedBody(rest, body));
      }
    } catch (err) {
      this.#refuse(err);
      return false;
    }
    this.#buf = rest.length > 0 ? rest : undefined;
    this.#scanned = 0;
    this.headSince = this.#buf ? Date.now() : 0;
    this.idleSince = 0;
    this.#current = ex;
    this.#handlers.request(ex);
    return true;
  }

  #sendContinue(ex: Exchange): void {
    if (!ex.headersSent && !ex.closed) this.socket.write(CONTINUE, 'latin1');
  }

  exchangeDone(reusable: boolean): void {
    this.#current = undefined;
    if (!reusable || this.#closing) {
      this.#closing = true;
      this.#decoder = undefined;
      this.#buf = undefined;
      this.socket.end();
      return;
    }
    this.idleSince = Date.now();
    if (this.socket.isPaused()) this.socket.resume();
    if (this.#buf) queueMicrotask(() => this.#parseNext());
  }

  bodyFlow(paused: boolean): void {
    if (paused) this.socket.pause();
    else if (!this.#closing) this.socket.resume();
  }

  /** A bad request: answer with its status and close (RFC 9112 §9.6 lets a server close after an error). */
  #refuse(err: unknown): void {
    const status = err instanceof H1ParseError ? err.status : 400;
    const reason = STATUS_CODES[status] ?? '';
    this.#closing = true;
    this.#buf = undefined;
    if (this.socket.writable) this.socket.end(`HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`, 'latin1');
    else this.socket.destroy();
  }

  #detach(): void {
    this.#closing = true;
    this.#buf = undefined;
    // Paused first: without a 'data' listener a flowing socket would drop bytes.
    this.socket.pause();
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('end');
  }

  #onEnd(): void {
    // The client half-closed. Like node:http (httpAllowHalfOpen off) and nginx (499), a request
    // still in flight counts as abandoned: the client cannot be relied on to read the answer.
    this.#closing = true;
    if (this.#current) this.socket.destroy();
    else this.socket.end();
  }

  #onClose(): void {
    const ex = this.#current;
    this.#current = undefined;
    if (ex) {
      ex.body?.fail(new H1ParseError('HPE_INVALID_EOF_STATE', 'client closed the connection'));
      ex.socketClosed();
    }
  }
}
