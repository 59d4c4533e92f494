import { Worker } from 'node:worker_threads';

/**
 * The worker runs worker.js from dist. From source (tests, tsx), a worker thread does not
 * inherit tsx's loader hooks on Node 20, so a tiny bootstrap registers them first.
 */
export function spawnWorker(path: string): Worker {
  const ts = import.meta.url.endsWith('.ts');
  const url = new URL(ts ? './worker.ts' : './worker.js', import.meta.url);
  if (!ts) return new Worker(url, { workerData: { path } });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData: { path } });
}
