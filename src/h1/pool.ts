import type { Duplex } from 'node:stream';
import { parseOrigin } from './connect.js';
import { Connection, type ConnectionOwner } from './connection.js';
import type { ResponseHead } from './head.js';
import { PoolError } from './pool-errors.js';
import { UpstreamRequest, type RequestOwner } from './upstream-request.js';

export interface PoolOptions {
  /** ms, covers TCP connect + TLS handshake. */
  connectTimeout: number;
  /** ms idle between response body chunks after the head (0 = off); not counted while paused. */
  bodyTimeout: number;
  /** ms an idle connection is kept (default 4000; 0 = no keep-alive); a `Keep-Alive: timeout=N` hint replaces it with N s − 1 s. */
  keepAliveTimeout?: number;
  /** Cap for Keep-Alive hints (default 60000). */
  keepAliveMaxTimeout?: number;
  /** Max sockets (default, or 0: unlimited); beyond it requests queue FIFO. */
  connections?: number;
  /** TLS SNI (default: the hostname unless it is an IP). */
  servername?: string;
  /** Trusted CA (PEM) instead of the system store. */
  ca?: string;
  /** Default true. */
  rejectUnauthorized?: boolean;
}

export interface DispatchOptions {
  method: string;
  /** origin-form, already validated. */
  path: string;
  /** Flat [name, value, …], written as given (hop-by-hop fields already removed). */
  headers: readonly string[];
  /** Streamed with backpressure; without a content-length header it is sent chunked. */
  body?: AsyncIterable<Buffer> | null;
  /** Adds `connection: upgrade` + `upgrade: <value>`; a 101 detaches the socket (onUpgrade). */
  upgrade?: string;
}

export interface UpstreamHandler {
  /** Called synchronously inside dispatch(); abort() destroys the connection and leads to one onError. */
  onConnect(abort: (err: Error) => void): void;
  /** Final response head (1xx other than 101 are skipped); false = pause reading until resume(). */
  onHeaders(head: ResponseHead, resume: () => void): boolean;
  /**
   * Body bytes (de-chunked subarrays, no copies), borrowed: the connection reads into the
   * same buffer again once onData returns true, or after resume() when it returned false.
   * Copy what you keep.
   */
  onData(chunk: Buffer): boolean;
  onComplete(): void;
  /** At most once; never after onComplete. */
  onError(err: Error): void;
  /** 101: the socket (paused) now belongs to the caller; `rest` = bytes read past the head. */
  onUpgrade?(head: ResponseHead, socket: Duplex, rest: Buffer): void;
}

type State = 'open' | 'closing' | 'destroyed';

/**
 * Keep-alive HTTP/1.1 connections to one origin. Idle connections are reused last-in
 * first-out (the warmest socket is the least likely to have hit the server's idle
 * timeout); beyond `connections`, requests wait in FIFO order.
 *
 * A kept-alive connection is written to only after the event loop's poll phase has had
 * a chance to report what arrived on it while idle (one shared setImmediate per loop
 * turn, not one per request): a FIN, a reset or stray bytes then drop that socket and
 * the request takes another, instead of reading stale bytes as its response (undici
 * does the same, GHSA-35p6-xmwp-9g52).
 */
export class Pool {
  readonly #owner: ConnectionOwner & RequestOwner;
  readonly #max: number;
  readonly #conns = new Set<Connection>();
  readonly #idle: Connection[] = [];
  readonly #queue: UpstreamRequest[] = [];
  #deferred: Connection[] = [];
  #spare: Connection[] = [];
  #immediate: NodeJS.Immediate | undefined;
  #inflight = 0;
  #state: State = 'open';
  #closed: Promise<void> | undefined;
  #resolveClosed: (() => void) | undefined;

  constructor(origin: string, opts: PoolOptions) {
    for (const key of ['connectTimeout', 'bodyTimeout', 'keepAliveTimeout', 'keepAliveMaxTimeout', 'connections'] as const) {
      const v = opts[key];
      if (v !== undefined && !(v >= 0)) throw new TypeError(`Pool: ${key} must be a number ≥ 0, got ${String(v)}`);
    }
    if (!(opts.connectTimeout > 0)) throw new TypeError('Pool: connectTimeout must be > 0');
    this.#max = opts.connections || Infinity;
    this.#owner = {
      origin: parseOrigin(origin, opts),
      connectTimeout: opts.connectTimeout,
      bodyTimeout: opts.bodyTimeout,
      keepAliveTimeout: opts.keepAliveTimeout ?? 4_000,
      keepAliveMaxTimeout: opts.keepAliveMaxTimeout ?? 60_000,
      released: (conn) => this.#released(conn),
      removed: (conn, requeue) => this.#removed(conn, requeue),
      unqueue: (req) => {
        const i = this.#queue.indexOf(req);
        if (i >= 0) this.#queue.splice(i, 1);
      },
      settled: () => {
        if (--this.#inflight === 0 && this.#state !== 'open') this.#finishClose();
      },
    };
  }

  get stats(): { connections: number; idle: number; queued: number } {
    return { connections: this.#conns.size, idle: this.#idle.length, queued: this.#queue.length };
  }

  dispatch(opts: DispatchOptions, handler: UpstreamHandler): void {
    const req = new UpstreamRequest(this.#owner, opts, handler);
    this.#inflight++;
    try {
      handler.onConnect(req.abort);
    } catch (err) {
      return req.fail(err instanceof Error ? err : new Error(String(err)));
    }
    if (req.done) return; // aborted inside onConnect
    if (this.#state !== 'open') {
      return req.fail(this.#state === 'destroyed' ? new PoolError('UND_ERR_DESTROYED', 'The pool was destroyed') : new PoolError('UND_ERR_CLOSED', 'The pool is closed'));
    }
    if (opts.upgrade !== undefined && handler.onUpgrade === undefined) {
      return req.fail(new PoolError('UND_ERR_INVALID_ARG', 'an upgrade request needs an onUpgrade handler'));
    }
    this.#queue.push(req);
    this.#serveQueue();
  }

  /** No new dispatches; resolves once in-flight and queued exchanges have ended. Idle sockets close now. */
  close(): Promise<void> {
    if (this.#closed === undefined) {
      this.#closed = new Promise((resolve) => {
        this.#resolveClosed = resolve;
      });
      if (this.#state === 'open') this.#state = 'closing';
      if (this.#inflight === 0) this.#finishClose();
      else for (const conn of this.#idle.splice(0)) conn.destroy();
    }
    return this.#closed;
  }

  /** Ends everything now: every queued and running exchange gets onError (UND_ERR_DESTROYED). */
  destroy(): void {
    if (this.#state === 'destroyed') return;
    this.#state = 'destroyed';
    const err = new PoolError('UND_ERR_DESTROYED', 'The pool was destroyed');
    for (const req of this.#queue.splice(0)) req.fail(err);
    for (const conn of [...this.#conns]) conn.destroy(err);
    this.#finishClose();
  }

  /** Hands queued requests to idle connections, or to new ones while below the limit. */
  #serveQueue(): void {
    while (this.#queue.length > 0) {
      let conn = this.#idle.pop();
      while (conn !== undefined && !conn.usable) conn = this.#idle.pop();
      if (conn !== undefined) this.#reserve(conn, this.#queue.shift()!);
      else if (this.#conns.size < this.#max) this.#open(this.#queue.shift()!);
      else return;
    }
  }

  #open(req: UpstreamRequest): void {
    let conn: Connection;
    try {
      conn = new Connection(this.#owner, req);
    } catch (err) {
      req.carrier = null;
      return req.fail(err instanceof Error ? err : new Error(String(err)));
    }
    this.#conns.add(conn);
  }

  #reserve(conn: Connection, req: UpstreamRequest): void {
    conn.reserve(req);
    this.#deferred.push(conn);
    this.#immediate ??= setImmediate(this.#startDeferred);
  }

  readonly #startDeferred = (): void => {
    this.#immediate = undefined;
    const batch = this.#deferred;
    this.#deferred = this.#spare;
    this.#spare = batch;
    for (const conn of batch) conn.start();
    batch.length = 0;
  };

  #released(conn: Connection): void {
    if (this.#queue.length > 0) this.#reserve(conn, this.#queue.shift()!);
    else if (this.#state !== 'open') conn.destroy();
    else {
      this.#idle.push(conn);
      conn.park();
    }
  }

  #removed(conn: Connection, requeue: UpstreamRequest | null): void {
    this.#conns.delete(conn);
    const i = this.#idle.lastIndexOf(conn);
    if (i >= 0) this.#idle.splice(i, 1);
    if (requeue !== null) {
      requeue.carrier = null;
      this.#queue.unshift(requeue);
    }
    if (this.#state !== 'destroyed') this.#serveQueue();
  }

  #finishClose(): void {
    for (const conn of this.#idle.splice(0)) conn.destroy();
    this.#resolveClosed?.();
  }
}
