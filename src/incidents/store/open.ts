import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './schema.js';

export interface Opened {
  db: Database.Database;
  /** Set when the file was corrupt: where it was moved (kept for forensics, never deleted). */
  movedAside: string | undefined;
  corruption: string | undefined;
}

/**
 * Opens the store for writing.
 *
 * WAL with synchronous=FULL: a transaction is acknowledged only after its WAL frames are
 * fsynced, so it survives kill -9 and also power loss (with NORMAL, WAL commits survive
 * a process crash but may roll back on power loss: https://www.sqlite.org/pragma.html#pragma_synchronous).
 * The fsync costs the event loop nothing because this runs in the store's worker thread,
 * and batching puts many events behind one fsync.
 *
 * A file that is not a database, or fails `PRAGMA quick_check`, is renamed to
 * `<path>.corrupt-<time>` with its -wal/-shm, and a new store is started.
 */
export function openWriter(path: string, now: () => number = Date.now): Opened {
  mkdirSync(dirname(path), { recursive: true });
  try {
    return { db: prepare(path), movedAside: undefined, corruption: undefined };
  } catch (err) {
    if (!isCorruption(err)) throw err;
    const corruption = (err as Error).message;
    const aside = `${path}.corrupt-${new Date(now()).toISOString().replace(/[:.]/g, '-')}`;
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(path + suffix)) renameSync(path + suffix, aside + suffix);
    }
    return { db: prepare(path), movedAside: aside, corruption };
  }
}

function prepare(path: string): Database.Database {
  const db = new Database(path);
  try {
    const mode = String(db.pragma('journal_mode = WAL', { simple: true }));
    if (mode !== 'wal') throw new Error(`could not switch ${path} to WAL mode (got "${mode}")`);
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    const check = String(db.pragma('quick_check', { simple: true }));
    if (check !== 'ok') throw new CorruptError(`quick_check: ${check}`);
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** A read connection: sees committed data only, and can never write (query_only). */
export function openReader(path: string): Database.Database {
  if (!existsSync(path)) throw new Error(`no store at ${path}`);
  const db = new Database(path, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  db.pragma('query_only = ON');
  return db;
}

class CorruptError extends Error {
  readonly code = 'SQLITE_CORRUPT';
}

export function isCorruption(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'));
}
