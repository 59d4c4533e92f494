import cluster, { type Worker } from 'node:cluster';
import { watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Logger } from '../common/index.js';

/** Messages between the primary and its workers. */
export type ClusterMessage =
  | { type: 'reload' }
  | { type: 'overrides' }
  | { type: 'shutdown' }
  | { type: 'ready'; index: number };

/**
 * Multi-core mode (`detour start --workers N`): N worker processes each run the whole
 * gateway and share the listen sockets (SCHED_NONE: the kernel hands each connection
 * to a worker that accepts it, so the primary does no per-connection work). Worker 0
 * also runs the admin API and the features (DNS controller, store); an override
 * applied there is persisted and the other workers re-read it. Each worker runs its
 * own health checks: N workers probe N times as often.
 *
 * Signals to the primary: SIGHUP (or a config file change) reloads every worker;
 * SIGUSR2 replaces the workers one at a time (a new one is listening before the old
 * one drains: a zero-drop restart); SIGTERM/SIGINT drains all and exits.
 */
export async function runPrimary(path: string, workers: number, log: Logger, extraStop: () => Promise<void>): Promise<number> {
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  const slots: Array<Worker | undefined> = new Array(workers).fill(undefined);
  let stopping = false;

  const fork = (index: number): Promise<Worker> => {
    const w = cluster.fork({ DETOUR_WORKER_INDEX: String(index) });
    slots[index] = w;
    w.on('message', (m: ClusterMessage) => {
      if (m.type === 'overrides') for (const other of slots) if (other && other !== w) other.send({ type: 'overrides' } satisfies ClusterMessage);
    });
    w.on('exit', (code, signal) => {
      if (stopping || slots[index] !== w) return;
      log.error('worker died; starting a new one', { index, code, signal });
      void fork(index);
    });
    return new Promise((ok, fail) => {
      w.on('message', (m: ClusterMessage) => m.type === 'ready' && ok(w));
      w.once('exit', (code) => fail(new Error(`worker ${index} exited with code ${code} before it was ready`)));
    });
  };

  // Signals and the file watch are in place before any worker prints "serving" (see start.ts).
  const broadcast = (m: ClusterMessage) => {
    for (const w of slots) w?.send(m);
  };
  process.on('SIGHUP', () => broadcast({ type: 'reload' }));
  let debounce: NodeJS.Timeout | undefined;
  const watcher = watch(dirname(resolve(path)), (_e, name) => {
    if (name !== null && name.toString() !== basename(path)) return;
    clearTimeout(debounce);
    debounce = setTimeout(() => broadcast({ type: 'reload' }), 200);
  });
  const stopped = new Promise<void>((r) => {
    process.once('SIGTERM', () => r());
    process.once('SIGINT', () => r());
  });

  try {
    for (let i = 0; i < workers; i++) await fork(i);
  } catch (err) {
    stopping = true;
    watcher.close();
    for (const w of slots) w?.kill();
    log.error('could not start workers', { error: (err as Error).message });
    return 1;
  }
  log.info('workers ready', { workers });

  process.on('SIGUSR2', () => {
    void (async () => {
      for (let i = 0; i < workers; i++) {
        const old = slots[i];
        await fork(i); // the new worker listens before the old one stops accepting
        old?.send({ type: 'shutdown' } satisfies ClusterMessage);
      }
      log.info('rolling restart done', { workers });
    })();
  });

  await stopped;
  stopping = true;
  watcher.close();
  clearTimeout(debounce);
  const exits = slots.map((w) => (w && !w.isDead() ? new Promise<void>((r) => w.once('exit', () => r())) : Promise.resolve()));
  broadcast({ type: 'shutdown' });
  await Promise.all(exits);
  await extraStop();
  log.info('stopped', {});
  return 0;
}

/** In a worker: its index (0 runs admin and features), or undefined outside cluster mode. */
export function workerIndex(): number | undefined {
  return cluster.isWorker ? Number(process.env.DETOUR_WORKER_INDEX ?? '0') : undefined;
}

export function sendToPrimary(m: ClusterMessage): void {
  if (cluster.isWorker) process.send?.(m);
}
