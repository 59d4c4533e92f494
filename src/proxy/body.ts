import type { Readable } from 'node:stream';

/**
 * A request body that can be sent more than once, up to a bound (Pingora's retry
 * buffer, 64 KiB by default). Chunks pulled from the client are kept while the total
 * stays within `limit`, so a retry replays them and then continues from the client.
 * Past the limit the kept chunks are dropped and the body can no longer be replayed:
 * a large upload streams through without being held in memory.
 *
 * One pull from the client is in flight at a time and shared, so a chunk pulled for
 * an attempt that was aborted is not lost to the next attempt.
 */
export class ReplayableBody {
  readonly #source: AsyncIterator<Buffer>;
  readonly #limit: number;
  #chunks: Buffer[] = [];
  #bytes = 0;
  #overflow = false;
  #ended = false;
  #pending: Promise<Buffer | null> | null = null;
  /** Set once any byte has been handed to an upstream attempt. */
  started = false;

  constructor(source: Readable, limit: number) {
    this.#source = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    this.#limit = limit;
  }

  /** Whether a new attempt can still get the whole body. */
  get replayable(): boolean {
    return !this.#overflow;
  }

  /** A fresh reader for one attempt: kept chunks first, then the rest from the client. */
  async *reader(): AsyncGenerator<Buffer> {
    let i = 0;
    for (;;) {
      if (!this.#overflow && i < this.#chunks.length) {
        this.started = true;
        yield this.#chunks[i++]!;
        continue;
      }
      if (this.#ended) return;
      const chunk = await this.#pull();
      if (chunk === null) return;
      if (this.#overflow) {
        this.started = true;
        yield chunk; // not kept: this attempt is the only one that can still finish
      }
      // else: it was kept; the top of the loop yields it by index
    }
  }

  #pull(): Promise<Buffer | null> {
    this.#pending ??= this.#source.next().then(
      (r) => {
        this.#pending = null;
        if (r.done) {
          this.#ended = true;
          return null;
        }
        const chunk = r.value;
        if (!this.#overflow && this.#bytes + chunk.length <= this.#limit) {
          this.#chunks.push(chunk);
          this.#bytes += chunk.length;
        } else if (!this.#overflow) {
          // The attempt pulling now has read every kept chunk already; free them.
          this.#overflow = true;
          this.#chunks = [];
        }
        return chunk;
      },
      (err: unknown) => {
        this.#pending = null;
        throw err;
      },
    );
    return this.#pending;
  }
}
