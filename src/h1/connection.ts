import type { Socket } from 'node:net';
import { BodyDecoder, responseFraming } from './body.js';
import { openSocket, type Origin } from './connect.js';
import type { ResponseHead } from './head.js';
import { keepAliveMs } from './keep-alive.js';
import { PoolError, otherSideClosed } from './pool-errors.js';
import { pumpBody, requestHead, type BodyPlan, type BodySink } from './request-writer.js';
import { HeadReader } from './response-head.js';
import { RefreshTimer } from './timer.js';
import type { RequestCarrier, UpstreamRequest } from './upstream-request.js';

/** What a connection needs from its pool. */
export interface ConnectionOwner {
  readonly origin: Origin;
  readonly connectTimeout: number;
  readonly bodyTimeout: number;
  readonly keepAliveTimeout: number;
  readonly keepAliveMaxTimeout: number;
  /** The exchange ended and the connection may carry another. */
  released(conn: Connection): void;
  /** The connection is gone; `requeue` is a request it had taken but not yet written. */
  removed(conn: Connection, requeue: UpstreamRequest | null): void;
}

/**
 * One upstream HTTP/1.1 connection carrying one exchange at a time (no pipelining,
 * RFC 9112 §9.3.2). Reading is a small state machine on the socket's reads: head bytes
 * until CRLFCRLF → parse → BodyDecoder hands body subarrays to the handler → complete →
 * back to the pool. Reads land in one buffer per connection (connect.ts), so a body chunk is
 * borrowed: the handler copies what it keeps, or pauses until it no longer needs the bytes,
 * and a partial head kept across reads is copied. The request side lives in request-writer.ts.
 */
export class Connection implements RequestCarrier, BodySink {
  readonly socket: Socket;
  readonly #owner: ConnectionOwner;
  #req: UpstreamRequest | null;
  #connected = false;
  /** The head of #req has been written: from here on a failure is not safe to retry elsewhere. */
  #written = false;
  #gone = false;
  readonly #heads = new HeadReader();
  #decoder: BodyDecoder | null = null;
  #paused = false;
  /** Decoded body chunks held back while the handler asked for a pause. */
  readonly #pending: Buffer[] = [];
  /** ms the connection may idle after the current response; 0 = close it. */
  #keepAlive = 0;
  #eof = false;
  /** After a 101 the socket is a tunnel: reads go to whoever owns it now. */
  #tunnel = false;
  #drain: (() => void) | null = null;
  readonly #plan: BodyPlan = { chunked: false, length: undefined };
  readonly #connectTimer: NodeJS.Timeout;
  readonly #bodyTimer = new RefreshTimer(() => this.#timedOut('UND_ERR_BODY_TIMEOUT', `Body Timeout Error (no data for ${this.#owner.bodyTimeout} ms)`));
  readonly #idleTimer = new RefreshTimer(() => this.destroy());

  /** Opens a connection for `req`, which is written as soon as the socket is ready. */
  constructor(owner: ConnectionOwner, req: UpstreamRequest) {
    this.#owner = owner;
    this.#req = req;
    req.carrier = this;
    const s = openSocket(owner.origin, this.#onRead);
    this.socket = s;
    // One timer covers TCP connect and the TLS handshake (cleared on secureConnect).
    this.#connectTimer = setTimeout(() => this.#timedOut('UND_ERR_CONNECT_TIMEOUT', `Connect Timeout Error (${owner.origin.hostname}:${owner.origin.port}, ${owner.connectTimeout} ms)`), owner.connectTimeout).unref();
    s.once(owner.origin.tls ? 'secureConnect' : 'connect', this.#onConnect);
    s.on('end', this.#onEnd);
    s.on('error', this.#onError);
    s.on('close', this.#onClose);
    s.on('drain', this.#onDrain);
  }

  get usable(): boolean {
    return !this.#gone && this.#req === null;
  }

  /** Takes `req` on a kept-alive connection; the pool calls start() a turn later (see pool.ts). */
  reserve(req: UpstreamRequest): void {
    this.#req = req;
    req.carrier = this;
    this.#written = false;
    this.#idleTimer.disarm();
    this.socket.ref();
  }

  /** Parked idle: closed after the keep-alive time, and not keeping the process alive. */
  park(): void {
    this.#idleTimer.arm(this.#keepAlive);
    this.socket.unref();
  }

  /** Writes the head of the taken request and starts its body. */
  start(): void {
    const req = this.#req;
    if (req === null || this.#written || this.#gone) return;
    this.#written = true;
    this.socket.write(requestHead(req, this.#owner.origin.hostHeader, this.#plan), 'latin1');
    const body = req.opts.body;
    if (body == null) req.bodySent = true;
    else void pumpBody(this, req, body, this.#plan);
  }

  abort(req: UpstreamRequest, err: Error): void {
    if (req === this.#req) this.destroy(err);
  }

  resume(req: UpstreamRequest): void {
    if (req !== this.#req || !this.#paused) return;
    this.#paused = false;
    try {
      while (this.#pending.length > 0) {
        const more = req.handler.onData(this.#pending.shift()!);
        if (this.#req !== req) return;
        if (more === false) {
          this.#pause();
          return;
        }
      }
    } catch (err) {
      this.#caught(req, err);
      return;
    }
    if (this.#decoder!.done) this.#complete(req);
    else if (this.#eof) this.#finishAtEof(req);
    else {
      this.socket.resume();
      this.#bodyTimer.arm(this.#owner.bodyTimeout);
    }
  }

  /**
   * Ends the connection. With `err`, its exchange fails with it; without, a request that
   * was taken but never written goes back to the pool's queue (nothing reached the server).
   */
  destroy(err?: Error): void {
    if (this.#gone) return;
    this.#gone = true;
    const req = this.#req;
    this.#req = null;
    this.#stopTimers();
    this.#pending.length = 0;
    this.socket.destroy();
    this.#onDrain();
    const requeue = req !== null && err === undefined && this.#connected && !this.#written ? req : null;
    this.#owner.removed(this, requeue);
    if (req !== null && requeue === null) req.fail(err ?? otherSideClosed());
  }

  // --- BodySink (request-writer.ts) ---

  writing(req: UpstreamRequest): boolean {
    return this.#req === req;
  }

  drained(): Promise<void> {
    if (this.#gone) return Promise.resolve();
    return new Promise((resolve) => {
      this.#drain = resolve;
    });
  }

  bodyFailed(req: UpstreamRequest, err: Error): void {
    if (req === this.#req) this.destroy(err);
  }

  bodySent(req: UpstreamRequest): void {
    req.bodySent = true;
  }

  // --- socket events ---

  readonly #onConnect = (): void => {
    this.#connected = true;
    clearTimeout(this.#connectTimer);
    this.start();
  };

  readonly #onRead = (n: number, buf: Buffer): boolean => {
    // Upgraded (plain TCP): the tunnel's owner reads the socket as a stream; hand it copies.
    if (this.#tunnel) return this.socket.push(Buffer.from(buf.subarray(0, n)));
    this.#onData(n === buf.length ? buf : buf.subarray(0, n));
    return true;
  };

  #onData(chunk: Buffer): void {
    const req = this.#req;
    // Bytes nobody asked for (idle, or taken but not yet written) must never be read as the
    // answer to the next request: drop the connection (cf. undici GHSA-35p6-xmwp-9g52).
    if (req === null || !this.#written) return this.destroy();
    try {
      if (this.#decoder !== null) return this.#body(req, chunk, 0);
      const head = this.#heads.read(chunk);
      if (head !== null) this.#final(req, head, this.#heads.buf, this.#heads.pos);
    } catch (err) {
      this.#caught(req, err);
    }
  }

  readonly #onEnd = (): void => {
    this.#eof = true;
    const req = this.#req;
    if (req === null || !this.#written) return this.destroy();
    if (this.#decoder === null) return this.destroy(otherSideClosed());
    if (this.#pending.length === 0 && !this.#paused) this.#finishAtEof(req);
  };

  readonly #onError = (err: Error): void => {
    const req = this.#req;
    // Connect/TLS errors belong to the request that opened the connection; on a kept-alive
    // connection whose request is not written yet, destroy() requeues it instead.
    this.destroy(req !== null && (this.#written || !this.#connected) ? err : undefined);
  };

  readonly #onClose = (): void => this.destroy();

  readonly #onDrain = (): void => {
    const wake = this.#drain;
    this.#drain = null;
    wake?.();
  };

  // --- response ---

  #final(req: UpstreamRequest, head: ResponseHead, buf: Buffer, pos: number): void {
    if (head.status === 101) {
      if (req.opts.upgrade === undefined) throw new PoolError('UND_ERR_SOCKET', 'bad upgrade: 101 to a request that asked for none');
      return this.#detach(req, head, buf.subarray(pos));
    }
    this.#heads.clear();
    const framing = responseFraming(head, head.status, req.opts.method);
    const o = this.#owner;
    this.#keepAlive = keepAliveMs(head, framing, req.opts.method, req.opts.upgrade !== undefined, o.keepAliveTimeout, o.keepAliveMaxTimeout);
    this.#decoder = new BodyDecoder(framing);
    if (req.handler.onHeaders(head, req.resume) === false && this.#req === req) this.#pause();
    if (this.#req === req) this.#body(req, buf, pos);
  }

  #body(req: UpstreamRequest, buf: Buffer, pos: number): void {
    const d = this.#decoder!;
    const end = d.feed(buf, pos, this.#emit);
    if (this.#req !== req) return;
    if (!d.done) {
      if (!this.#paused) this.#bodyTimer.arm(this.#owner.bodyTimeout);
      return;
    }
    // Bytes after the response answer no request of ours (no pipelining): do not reuse.
    if (end < buf.length) this.#keepAlive = 0;
    // Paused: the handler may still hold the last bytes (borrowed from this connection's read
    // buffer), so the exchange completes, and the connection is reused, at resume().
    if (this.#pending.length === 0 && !this.#paused) this.#complete(req);
  }

  readonly #emit = (chunk: Buffer): void => {
    const req = this.#req;
    if (req === null) return; // aborted from an earlier onData of this same read
    // No copy: a paused socket reads nothing, and resume() empties #pending before reading on.
    if (this.#paused) this.#pending.push(chunk);
    else if (req.handler.onData(chunk) === false && this.#req === req) this.#pause();
  };

  #pause(): void {
    this.#paused = true;
    this.socket.pause();
    // Time spent paused by backpressure is the handler's, not the server's.
    this.#bodyTimer.disarm();
  }

  #complete(req: UpstreamRequest): void {
    this.#req = null;
    this.#decoder = null;
    this.#bodyTimer.disarm();
    if (this.#keepAlive > 0 && req.bodySent && !this.#eof && !this.#gone) {
      // Reading may have been paused for this exchange (resume() clears #paused before it
      // gets here): the next one must find the socket reading.
      this.#paused = false;
      if (this.socket.isPaused()) this.socket.resume();
      this.#owner.released(this);
    } else this.destroy();
    req.complete();
  }

  #finishAtEof(req: UpstreamRequest): void {
    try {
      this.#decoder!.eof();
    } catch (err) {
      return this.destroy(err as Error);
    }
    this.#complete(req);
  }

  /** 101: the socket leaves HTTP and the pool; its new owner resumes it (pipe() does). */
  #detach(req: UpstreamRequest, head: ResponseHead, rest: Buffer): void {
    this.#gone = true;
    this.#tunnel = true;
    this.#req = null;
    this.#stopTimers();
    const s = this.socket;
    s.pause();
    // TLS delivers reads through a 'data' listener (connect.ts): the tunnel's owner takes those.
    if (this.#owner.origin.tls) s.removeAllListeners('data');
    s.removeListener('end', this.#onEnd).removeListener('error', this.#onError);
    s.removeListener('close', this.#onClose).removeListener('drain', this.#onDrain);
    this.#owner.removed(this, null);
    req.upgraded(head, s, Buffer.from(rest));
  }

  #timedOut(code: 'UND_ERR_CONNECT_TIMEOUT' | 'UND_ERR_BODY_TIMEOUT', message: string): void {
    this.destroy(this.#req !== null ? new PoolError(code, message) : undefined);
  }

  /** A parse error or an exception from the handler: the exchange fails with it. */
  #caught(req: UpstreamRequest, err: unknown): void {
    // After an abort the exchange is settled; what the rest of the read throws concerns nobody.
    if (req === this.#req) this.destroy(err instanceof Error ? err : new Error(String(err)));
  }

  #stopTimers(): void {
    clearTimeout(this.#connectTimer);
    this.#bodyTimer.clear();
    this.#idleTimer.clear();
  }
}
