import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { silentLogger, systemClock } from '../src/common/index.js';
import { StoreWriter, eventRow } from '../src/incidents/index.js';

/**
 * The child: writes events as fast as it can through the real store writer and prints,
 * after every committed batch, the highest sequence number acknowledged so far. The
 * parent SIGKILLs it mid-stream and checks that every acknowledged event is in the file.
 */
async function child(path: string, observer: string): Promise<void> {
  const writer = new StoreWriter({ path, clock: systemClock, log: silentLogger });
  await writer.start();
  let acked = 0;
  writer.onCommit((ops) => {
    for (const op of ops) if (op.kind === 'event') acked = Math.max(acked, Number(op.row.reason));
    process.stdout.write(`ack ${acked}\n`);
  });
  let seq = 0;
  const burst = (): void => {
    // Bounded: at most 2 million events, in bursts of 200, while the parent decides when to kill.
    for (let i = 0; i < 200 && seq < 2_000_000; i++) {
      seq++;
      writer.write({ kind: 'event', row: { ...eventRow({ type: 'config.reload', at: Date.now(), observer, ok: true, source: 'x' }), reason: String(seq) }, incidents: seq % 50 === 0 ? ['20260401-0000'] : [] });
    }
    if (seq < 2_000_000) setTimeout(burst, 1);
  };
  burst();
}

if (process.env['DETOUR_CRASH_CHILD']) {
  void child(process.env['DETOUR_CRASH_CHILD'], process.env['DETOUR_CRASH_OBSERVER'] ?? 'crash-child');
} else {
  describe('event store durability', () => {
    it('keeps every acknowledged event when the writing process is killed with SIGKILL mid-write', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'detour-crash-'));
      const path = join(dir, 'detour.db');
      // The second round writes into the store the first crash left behind (WAL recovery on open).
      for (const round of [1, 2]) {
        const { acked, signal } = await runAndKill(path, `crash-child-${round}`, 3000 * round);
        assert.equal(signal, 'SIGKILL');
        assert.ok(acked >= 3000 * round, `round ${round}: acknowledged ${acked}`);
        const db = new Database(path);
        assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
        const rows = db.prepare('SELECT CAST(reason AS INTEGER) AS seq FROM events WHERE observer = ?').all(`crash-child-${round}`) as Array<{ seq: number }>;
        const present = new Set(rows.map((r) => r.seq));
        const missing: number[] = [];
        for (let s = 1; s <= acked; s++) if (!present.has(s)) missing.push(s);
        assert.deepEqual(missing.slice(0, 10), [], `round ${round}: ${missing.length} acknowledged events lost`);
        const links = db.prepare('SELECT COUNT(*) AS n FROM incident_events l JOIN events e ON e.id = l.event_id WHERE e.observer = ?').get(`crash-child-${round}`) as { n: number };
        assert.ok(links.n >= Math.floor(acked / 50), 'links committed with their events');
        db.close();
      }
    });
  });
}

/** Starts the child, waits until at least `atLeast` events are acknowledged, then kills it without warning. */
function runAndKill(path: string, observer: string, atLeast: number): Promise<{ acked: number; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const self = fileURLToPath(import.meta.url);
    const p = spawn(process.execPath, ['--import', 'tsx', self], { env: { ...process.env, DETOUR_CRASH_CHILD: path, DETOUR_CRASH_OBSERVER: observer }, stdio: ['ignore', 'pipe', 'inherit'] });
    let acked = 0;
    let buf = '';
    const safety = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`the child acknowledged only ${acked} events within 60 s`));
    }, 60_000);
    p.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) if (l.startsWith('ack ')) acked = Math.max(acked, Number(l.slice(4)));
      if (acked >= atLeast && p.exitCode === null && !p.killed) p.kill('SIGKILL');
    });
    p.on('exit', (_code, signal) => {
      clearTimeout(safety);
      resolve({ acked, signal });
    });
  });
}
