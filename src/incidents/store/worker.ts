/**
 * The store's worker thread: the only writer of the SQLite file. Every write, and so
 * every fsync, happens here, never on the gateway's event loop. Batches arrive one at a
 * time; each is one transaction, answered `committed` only after SQLite returned from
 * COMMIT (synchronous=FULL: on disk), or `failed` with nothing written.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { openWriter } from './open.js';
import type { FromWorker, ToWorker } from './ops.js';
import { Writes } from './write.js';

const port = parentPort;
const { path } = workerData as { path: string };
let db: Database.Database | undefined;
let writes: Writes | undefined;

const send = (m: FromWorker): void => port?.postMessage(m);

/** Opens on first use and again after a failure, so a store that was fixed (space freed, permissions) resumes. */
function ensureOpen(): Writes {
  if (writes) return writes;
  const opened = openWriter(path);
  db = opened.db;
  writes = new Writes(db);
  send({ type: 'opened', movedAside: opened.movedAside ?? null, corruption: opened.corruption ?? null });
  return writes;
}

function reset(): void {
  try {
    db?.close();
  } catch {
    // Closing a broken handle can throw too; the handle is dropped either way.
  }
  db = undefined;
  writes = undefined;
}

port?.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'batch': {
      let stage: 'open' | 'write' = 'open';
      try {
        const w = ensureOpen();
        stage = 'write';
        send({ type: 'committed', id: m.id, notes: w.apply(m.ops) });
      } catch (err) {
        reset();
        send({ type: 'failed', id: m.id, error: describe(err), op: stage });
      }
      return;
    }
    case 'prune':
      try {
        send({ type: 'pruned', deleted: ensureOpen().prune(m.eventsBefore, m.trafficBefore) });
      } catch (err) {
        reset();
        send({ type: 'prune-failed', error: describe(err) });
      }
      return;
    case 'close':
      reset();
      send({ type: 'closed' });
      return;
    default: {
      const never: never = m;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
});

function describe(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  const msg = err instanceof Error ? err.message : String(err);
  return typeof code === 'string' && !msg.includes(code) ? `${code}: ${msg}` : msg;
}
