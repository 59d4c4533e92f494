import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release } from 'node:os';
import { run } from '../net/exec.js';

export interface Machine {
  date: string;
  nproc: number;
  cpu: string;
  kernel: string;
  os: string;
  node: string;
  nginx: string;
  haproxy: string;
  loadAverageStart: number[];
  loadAverageEnd: number[];
  /** 1-minute load average at the start of every run. */
  loadAverageRuns: number[];
}

/** What the results were measured on (the document must say, so nobody compares apples with pears). */
export async function describeMachine(): Promise<Machine> {
  const nginx = await run('nginx', ['-v']);
  const haproxy = await run('haproxy', ['-v']);
  let os = 'unknown';
  try {
    os = /PRETTY_NAME="?([^"\n]*)"?/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os;
  } catch {
    // not Linux, or a minimal image
  }
  return {
    date: new Date().toISOString(),
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    kernel: release(),
    os,
    node: process.version,
    nginx: (nginx.stderr || nginx.stdout).trim().replace(/^nginx version: /, '') || 'not installed',
    haproxy: (haproxy.stdout.split('\n')[0] ?? '').trim() || 'not installed',
    loadAverageStart: loadavg().map((x) => Math.round(x * 100) / 100),
    loadAverageEnd: [],
    loadAverageRuns: [],
  };
}
