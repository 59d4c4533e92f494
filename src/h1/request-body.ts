/** Above this many buffered bytes the connection stops reading from the client. */
const HIGH_WATER = 64 * 1024;

export interface BodyFlow {
  bodyFlow(paused: boolean): void;
}

/**
 * A request body as an async iterable of Buffers, fed by the connection as bytes arrive.
 * Reading pulls; when the reader falls behind by HIGH_WATER bytes the connection pauses
 * the socket (TCP backpressure reaches the client), and resumes it as the reader catches up.
 */
export class RequestBody implements AsyncIterable<Buffer>, AsyncIterator<Buffer> {
  #queue: Buffer[] = [];
  #bytes = 0;
  #waiter: { resolve: (r: IteratorResult<Buffer>) => void; reject: (e: unknown) => void } | undefined;
  #error: unknown;
  #paused = false;
  #abandoned = false;
  #firstRead: (() => void) | undefined;
  readonly #flow: BodyFlow;
  /** Every body byte has arrived from the client. */
  complete = false;

  /** `firstRead` runs when the body is first read (to send 100 Continue, RFC 9110 §10.1.1). */
  constructor(flow: BodyFlow, firstRead: (() => void) | undefined) {
    this.#flow = flow;
    this.#firstRead = firstRead;
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return this;
  }

  next(): Promise<IteratorResult<Buffer>> {
    if (this.#firstRead) {
      const f = this.#firstRead;
      this.#firstRead = undefined;
      f();
    }
    const chunk = this.#queue.shift();
    if (chunk) {
      this.#bytes -= chunk.length;
      if (this.#paused && this.#bytes < HIGH_WATER / 2) this.#setPaused(false);
      return Promise.resolve({ value: chunk, done: false });
    }
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (this.complete || this.#abandoned) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.#waiter = { resolve, reject }));
  }

  /** Bytes from the connection (a subarray of the socket's buffer, not copied). */
  push(chunk: Buffer): void {
    if (this.#abandoned) return;
    const w = this.#waiter;
    if (w) {
      this.#waiter = undefined;
      w.resolve({ value: chunk, done: false });
      return;
    }
    this.#queue.push(chunk);
    this.#bytes += chunk.length;
    if (!this.#paused && this.#bytes > HIGH_WATER) this.#setPaused(true);
  }

  finish(): void {
    this.complete = true;
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.resolve({ value: undefined, done: true });
  }

  /** The client went away or sent a malformed body. */
  fail(err: unknown): void {
    if (this.complete) return;
    this.#error = err;
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.reject(err);
  }

  /** The exchange is over: drop what is buffered and anything still arriving. */
  abandon(): void {
    this.#abandoned = true;
    this.#queue = [];
    this.#bytes = 0;
    if (this.#paused) this.#setPaused(false);
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.resolve({ value: undefined, done: true });
  }

  #setPaused(p: boolean): void {
    this.#paused = p;
    this.#flow.bodyFlow(p);
  }
}
