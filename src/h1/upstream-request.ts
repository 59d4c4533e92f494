import type { Duplex } from 'node:stream';
import type { ResponseHead } from './head.js';
import type { DispatchOptions, UpstreamHandler } from './pool.js';
import { PoolError, rethrowLater } from './pool-errors.js';

/** What a request needs from the pool and from the connection it runs on. */
export interface RequestOwner {
  /** Takes a request that is still waiting out of the queue. */
  unqueue(req: UpstreamRequest): void;
  /** The request reached its end (completed, failed or upgraded). */
  settled(): void;
}

export interface RequestCarrier {
  abort(req: UpstreamRequest, err: Error): void;
  resume(req: UpstreamRequest): void;
}

/**
 * One dispatched exchange from `dispatch()` to its single terminal callback. It guarantees
 * the handler contract: exactly one of onComplete / onError / onUpgrade, nothing after it.
 * Per request the pool allocates this object with its two closures (`abort`, `resume`),
 * the head string, and on the response side the parsed head, its framing and decoder.
 */
export class UpstreamRequest {
  readonly opts: DispatchOptions;
  readonly handler: UpstreamHandler;
  /** The connection running (or about to run) this request; null while queued. */
  carrier: RequestCarrier | null = null;
  done = false;
  /** The request body was written completely (a connection is reusable only then). */
  bodySent = false;
  readonly #owner: RequestOwner;

  constructor(owner: RequestOwner, opts: DispatchOptions, handler: UpstreamHandler) {
    this.#owner = owner;
    this.opts = opts;
    this.handler = handler;
  }

  readonly abort = (err?: Error): void => {
    if (this.done) return;
    const e = err ?? new PoolError('UND_ERR_ABORTED', 'Request aborted');
    if (this.carrier !== null) this.carrier.abort(this, e);
    else {
      this.#owner.unqueue(this);
      this.fail(e);
    }
  };

  readonly resume = (): void => {
    if (!this.done) this.carrier?.resume(this);
  };

  fail(err: Error): void {
    if (this.#end()) return;
    try {
      this.handler.onError(err);
    } catch (thrown) {
      rethrowLater(thrown);
    }
  }

  complete(): void {
    if (this.#end()) return;
    try {
      this.handler.onComplete();
    } catch (thrown) {
      rethrowLater(thrown);
    }
  }

  upgraded(head: ResponseHead, socket: Duplex, rest: Buffer): void {
    if (this.#end()) {
      socket.destroy();
      return;
    }
    try {
      this.handler.onUpgrade!(head, socket, rest);
    } catch (thrown) {
      socket.destroy();
      rethrowLater(thrown);
    }
  }

  /** Marks the end; true when it had already ended. */
  #end(): boolean {
    if (this.done) return true;
    this.done = true;
    this.carrier = null;
    this.#owner.settled();
    return false;
  }
}
