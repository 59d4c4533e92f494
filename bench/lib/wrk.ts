import { execFile, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPORT_LUA = fileURLToPath(new URL('../wrk-report.lua', import.meta.url));

/** One wrk run as printed by bench/wrk-report.lua (latencies in microseconds). */
export interface WrkResult {
  requests: number;
  durationUs: number;
  bytes: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latencyUs: { mean: number; p50: number; p90: number; p99: number; p999: number; max: number };
}

export interface WrkRun {
  url: string;
  connections: number;
  seconds: number;
  /** CPU list for taskset(1). */
  cpus: string;
}

/** The exact command line, also printed into docs/benchmarks.md. */
export function wrkArgs(r: WrkRun): string[] {
  // One thread: wrk is pinned to one core, more threads would only contend for it.
  return ['-t1', `-c${r.connections}`, `-d${r.seconds}s`, '--latency', '-s', REPORT_LUA, r.url];
}

const live = new Set<ChildProcess>();

/** Stops wrk runs in flight (on Ctrl-C; each would also end by itself after its duration). */
export function stopWrk(): void {
  for (const c of live) c.kill('SIGKILL');
}

export function runWrk(r: WrkRun): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    const child = execFile('taskset', ['-c', r.cpus, 'wrk', ...wrkArgs(r)], { timeout: (r.seconds + 30) * 1000 }, (err, stdout, stderr) => {
      live.delete(child);
      if (err) return reject(new Error(`wrk against ${r.url} failed: ${err.message}\n${stderr}`));
      try {
        resolve(parseWrkOutput(stdout));
      } catch (e) {
        reject(new Error(`${(e as Error).message} (wrk against ${r.url})\n${stdout}${stderr}`));
      }
    });
    live.add(child);
  });
}

export function parseWrkOutput(stdout: string): WrkResult {
  const line = stdout.split('\n').find((l) => l.startsWith('WRK_JSON '));
  if (!line) throw new Error('wrk printed no WRK_JSON line (is bench/wrk-report.lua loaded?)');
  const j = JSON.parse(line.slice('WRK_JSON '.length)) as {
    requests: number; duration_us: number; bytes: number;
    errors: WrkResult['errors']; latency_us: WrkResult['latencyUs'];
  };
  return { requests: j.requests, durationUs: j.duration_us, bytes: j.bytes, errors: j.errors, latencyUs: j.latency_us };
}

export function errorCount(r: WrkResult): number {
  const e = r.errors;
  return e.connect + e.read + e.write + e.status + e.timeout;
}
