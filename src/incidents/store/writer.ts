import type { Worker } from 'node:worker_threads';
import type { Clock, Logger } from '../../common/index.js';
import type { StoreHealth } from '../types.js';
import type { FromWorker, ToWorker, WriteOp } from './ops.js';
import { spawnWorker } from './spawn.js';

export interface WriterOptions {
  path: string;
  clock: Clock;
  log: Logger;
  /** Operations held in memory while the store cannot commit; beyond it the oldest events are dropped. */
  maxPending?: number;
  /** Called when the store stops or resumes committing (the feature turns it into a `store.health` event). */
  onHealthChange?: (ok: boolean, op: 'open' | 'write' | 'prune', error: string | undefined) => void;
}

interface Waiter {
  resolve(noteId: number | undefined): void;
  reject(err: Error): void;
}

const MAX_BATCH = 1000;
const MIN_BACKOFF = 500;
const MAX_BACKOFF = 30_000;

/**
 * The main-thread side of the store. `write` never blocks and never throws: operations
 * are queued and, one setImmediate later, sent to the worker as one batch (one
 * transaction). An operation is *acknowledged* when the worker answers `committed`
 * for its batch: from then on it survives kill -9 and power loss. Until then it is only
 * in memory. One batch is in flight at a time, so commits keep the order of `write`.
 */
export class StoreWriter {
  readonly #opts: WriterOptions;
  readonly #max: number;
  #worker: Worker | undefined;
  #queue: WriteOp[] = [];
  #inflight: { id: number; ops: WriteOp[] } | undefined;
  readonly #waiters = new Map<WriteOp, Waiter>();
  readonly #commitFns = new Set<(ops: readonly WriteOp[]) => void>();
  #batchId = 0;
  #scheduled = false;
  #retry: NodeJS.Timeout | undefined;
  #backoff = MIN_BACKOFF;
  #closing = false;
  #dropWarned = false;
  #firstResult: (() => void) | undefined;
  #health: StoreHealth;

  constructor(opts: WriterOptions) {
    this.#opts = opts;
    this.#max = opts.maxPending ?? 10_000;
    this.#health = { state: 'starting', path: opts.path, error: null, since: opts.clock.now(), pending: 0, dropped: 0, acknowledged: 0, lastCommitAt: null };
  }

  /** Starts the worker and waits for the first open attempt. Never rejects: a failing store is reported through health. */
  start(first: readonly WriteOp[] = []): Promise<void> {
    const done = new Promise<void>((r) => (this.#firstResult = r));
    this.#spawn();
    this.#queue.push(...first);
    // An empty batch still opens (and migrates) the store, so problems show at start.
    this.#send([]);
    return done;
  }

  health(): StoreHealth {
    return { ...this.#health, pending: this.#queue.length + (this.#inflight?.ops.length ?? 0) };
  }

  /** Queues an operation; it is committed within a few milliseconds when the store is healthy. */
  write(op: WriteOp): void {
    if (this.#health.state === 'closed') return;
    this.#queue.push(op);
    this.#bound();
    this.#schedule();
  }

  /** Queues an operation and resolves when it is committed (with the note id for a note). */
  writeAndWait(op: WriteOp): Promise<number | undefined> {
    if (this.#health.state !== 'ok') {
      return Promise.reject(new Error(`the store at ${this.#opts.path} is not writable: ${this.#health.error ?? this.#health.state}`));
    }
    return new Promise((resolve, reject) => {
      this.#waiters.set(op, { resolve, reject });
      this.write(op);
    });
  }

  /** Called after each committed batch with its operations. */
  onCommit(fn: (ops: readonly WriteOp[]) => void): { dispose(): void } {
    this.#commitFns.add(fn);
    return { dispose: () => this.#commitFns.delete(fn) };
  }

  prune(eventsBefore: number, trafficBefore: number): void {
    this.#post({ type: 'prune', eventsBefore, trafficBefore });
  }

  /** Commits what is queued (waiting at most `timeoutMs`), then stops the worker. */
  async close(last: readonly WriteOp[] = [], timeoutMs = 5000): Promise<void> {
    if (this.#health.state === 'closed') return;
    for (const op of last) this.write(op);
    const deadline = this.#opts.clock.now() + timeoutMs;
    while ((this.#queue.length > 0 || this.#inflight) && this.#health.state !== 'failing' && Date.now() < deadline) {
      this.#schedule();
      await new Promise((r) => setTimeout(r, 5));
    }
    this.#closing = true;
    clearTimeout(this.#retry);
    const w = this.#worker;
    if (w) {
      const closed = new Promise<void>((r) => w.on('message', (m: FromWorker) => m.type === 'closed' && r()));
      w.postMessage({ type: 'close' } satisfies ToWorker);
      await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
      await w.terminate();
    }
    const lost = this.#queue.length + (this.#inflight?.ops.length ?? 0);
    if (lost > 0) this.#opts.log.error('store closed with writes not committed', { path: this.#opts.path, lost });
    for (const [, w2] of this.#waiters) w2.reject(new Error('the store closed'));
    this.#waiters.clear();
    this.#health = { ...this.#health, state: 'closed', since: this.#opts.clock.now() };
  }

  #spawn(): void {
    const w = spawnWorker(this.#opts.path);
    this.#worker = w;
    w.on('message', (m: FromWorker) => this.#onMessage(m));
    w.on('error', (err) => this.#opts.log.error('store worker failed', { path: this.#opts.path, error: err.message }));
    w.on('exit', () => {
      if (this.#worker !== w || this.#closing) return;
      // The thread died (native crash or OOM): nothing in flight was acknowledged, so it is sent again.
      this.#worker = undefined;
      this.#failed(this.#inflight?.id ?? -1, 'the store worker thread exited', 'write');
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    if (this.#inflight || this.#retry || this.#queue.length === 0 || this.#health.state === 'closed') return;
    this.#send(this.#queue.splice(0, MAX_BATCH));
  }

  #send(ops: WriteOp[]): void {
    if (!this.#worker) this.#spawn();
    this.#inflight = { id: ++this.#batchId, ops };
    this.#post({ type: 'batch', id: this.#inflight.id, ops });
  }

  #post(m: ToWorker): void {
    this.#worker?.postMessage(m);
  }

  #onMessage(m: FromWorker): void {
    switch (m.type) {
      case 'opened':
        if (m.movedAside !== null) {
          const error = `${this.#opts.path} was corrupt (${m.corruption ?? 'unknown'}); it was moved to ${m.movedAside} and a new store was started`;
          this.#opts.log.error('event store was corrupt', { path: this.#opts.path, movedTo: m.movedAside, corruption: m.corruption });
          this.#opts.onHealthChange?.(false, 'open', error);
          this.#health = { ...this.#health, error };
        }
        return;
      case 'committed':
        return this.#committed(m.id, new Map(m.notes));
      case 'failed':
        return this.#failed(m.id, m.error, m.op);
      case 'pruned':
        if (m.deleted > 0) this.#opts.log.info('store pruned', { path: this.#opts.path, deleted: m.deleted });
        return;
      case 'prune-failed':
        this.#opts.log.error('store prune failed', { path: this.#opts.path, error: m.error });
        return;
      case 'closed':
        return;
      default: {
        const never: never = m;
        throw new Error(`unknown store message ${JSON.stringify(never)}`);
      }
    }
  }

  #committed(id: number, notes: Map<number, number>): void {
    const batch = this.#inflight;
    if (!batch || batch.id !== id) return;
    this.#inflight = undefined;
    this.#backoff = MIN_BACKOFF;
    const recovering = this.#health.state === 'failing';
    const events = batch.ops.filter((o) => o.kind === 'event').length;
    this.#health = {
      ...this.#health, state: 'ok', error: recovering ? null : this.#health.error,
      since: this.#health.state === 'ok' ? this.#health.since : this.#opts.clock.now(),
      acknowledged: this.#health.acknowledged + events, lastCommitAt: this.#opts.clock.now(),
    };
    this.#dropWarned = false;
    if (recovering) {
      this.#opts.log.info('event store is committing again', { path: this.#opts.path, dropped: this.#health.dropped });
      this.#opts.onHealthChange?.(true, 'write', undefined);
    }
    for (const op of batch.ops) {
      const w = this.#waiters.get(op);
      if (!w) continue;
      this.#waiters.delete(op);
      w.resolve(op.kind === 'note' ? notes.get(op.ref) : undefined);
    }
    for (const fn of this.#commitFns) fn(batch.ops);
    this.#started();
    this.#flush();
  }

  #failed(id: number, error: string, op: 'open' | 'write'): void {
    const batch = this.#inflight;
    if (batch && batch.id === id) {
      this.#inflight = undefined;
      // Notes are refused to the operator (who can retry); everything else is retried here.
      const again = batch.ops.filter((o) => {
        const w = this.#waiters.get(o);
        if (w) {
          this.#waiters.delete(o);
          w.reject(new Error(`the store at ${this.#opts.path} could not commit: ${error}`));
        }
        return o.kind !== 'note';
      });
      this.#queue.unshift(...again);
      this.#bound();
    }
    if (this.#health.state !== 'failing') {
      this.#opts.log.error('event store cannot commit; writes are kept in memory and retried, the gateway keeps serving', { path: this.#opts.path, op, error });
      this.#health = { ...this.#health, state: 'failing', error, since: this.#opts.clock.now() };
      this.#opts.onHealthChange?.(false, op, error);
    } else {
      this.#health = { ...this.#health, error };
    }
    this.#started();
    if (this.#closing) return;
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      if (this.#queue.length === 0) this.#queue.push({ kind: 'heartbeat', at: this.#opts.clock.now() });
      this.#flush();
    }, this.#backoff);
    this.#retry.unref();
    this.#backoff = Math.min(this.#backoff * 2, MAX_BACKOFF);
  }

  #started(): void {
    const f = this.#firstResult;
    this.#firstResult = undefined;
    f?.();
  }

  /** Keeps memory bounded while the store is down: the oldest events and traffic samples go first. */
  #bound(): void {
    let excess = this.#queue.length - this.#max;
    if (excess <= 0) return;
    let dropped = 0;
    this.#queue = this.#queue.filter((o) => {
      if (excess <= 0 || (o.kind !== 'event' && o.kind !== 'traffic') || this.#waiters.has(o)) return true;
      excess--;
      if (o.kind === 'event') dropped++;
      return false;
    });
    this.#health = { ...this.#health, dropped: this.#health.dropped + dropped };
    if (!this.#dropWarned) {
      this.#dropWarned = true;
      this.#opts.log.error('event store backlog is full: dropping the oldest events', { path: this.#opts.path, max: this.#max });
    }
  }
}
