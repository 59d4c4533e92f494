import { DetourError } from '../errors/index.js';

/**
 * A request body that can be sent more than once, up to a bound (Pingora's retry
 * buffer, 64 KiB by default). Chunks pulled from the client are kept while the total
 * stays within `limit`, so a retry replays them and then continues from the client.
 * Past the limit the kept chunks are dropped and the body can no longer be replayed:
 * a large upload streams through without being held in memory.
 *
 * Only the newest reader (the attempt in flight) may read; an older one ends with an
 * error. One pull from the client is in flight at a time and shared, so a chunk pulled
 * for an abandoned attempt is kept for the next one, or, past the limit, queued for
 * the current reader. If the limit is crossed while the current reader is still
 * replaying kept chunks, that reader fails rather than send a body with a hole in it.
 */
export class ReplayableBody {
  readonly #source: AsyncIterator<Buffer>;
  readonly #limit: number;
  #chunks: Buffer[] = [];
  #bytes = 0;
  /** Chunks kept when the limit was crossed; -1 while still within it. */
  #keptAtOverflow = -1;
  /** Chunks pulled past the limit, waiting for the current reader. */
  #spill: Buffer[] = [];
  #ended = false;
  #pending: Promise<void> | null = null;
  #generation = 0;
  /** Set once any byte has been handed to an upstream attempt. */
  started = false;

  constructor(source: AsyncIterable<Buffer>, limit: number) {
    this.#source = source[Symbol.asyncIterator]();
    this.#limit = limit;
  }

  /** Whether a new attempt can still get the whole body. */
  get replayable(): boolean {
    return this.#keptAtOverflow < 0;
  }

  /** A fresh reader for one attempt: kept chunks first, then the rest from the client. */
  async *reader(): AsyncGenerator<Buffer> {
    const generation = ++this.#generation;
    let i = 0;
    for (;;) {
      if (generation !== this.#generation) throw new Error('request body reader superseded by a newer attempt');
      if (this.#keptAtOverflow < 0) {
        if (i < this.#chunks.length) {
          this.started = true;
          yield this.#chunks[i++]!;
          continue;
        }
      } else {
        if (i < this.#keptAtOverflow) {
          throw new DetourError('DETOUR_BODY_NOT_REPLAYABLE', 'the request body outgrew the replay buffer while it was being resent');
        }
        const next = this.#spill.shift();
        if (next) {
          this.started = true;
          yield next;
          continue;
        }
      }
      if (this.#ended) return;
      await this.#pull();
    }
  }

  #pull(): Promise<void> {
    this.#pending ??= this.#source.next().then(
      (r) => {
        this.#pending = null;
        if (r.done) {
          this.#ended = true;
          return;
        }
        const chunk = r.value;
        if (this.#keptAtOverflow < 0 && this.#bytes + chunk.length <= this.#limit) {
          this.#chunks.push(chunk);
          this.#bytes += chunk.length;
          return;
        }
        if (this.#keptAtOverflow < 0) {
          this.#keptAtOverflow = this.#chunks.length;
          this.#chunks = []; // free them: no later attempt can use a partial body
        }
        this.#spill.push(chunk);
      },
      (err: unknown) => {
        this.#pending = null;
        throw err;
      },
    );
    return this.#pending;
  }
}
