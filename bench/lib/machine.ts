import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, release } from 'node:os';

export interface Machine {
  date: string;
  nproc: number;
  cpuModel: string;
  kernel: string;
  node: string;
  nginx: string;
  haproxy: string;
  wrk: string;
  loadavg: string;
}

/** First line of a command's output (stdout or stderr: nginx -v writes to stderr). */
function version(cmd: string, args: string[]): string {
  try {
    const out = execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return out.split('\n')[0]!.trim();
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`.split('\n')[0]!.trim() || 'unknown';
  }
}

export function loadavg(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

export function describeMachine(): Machine {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const nginx = execFileSync('sh', ['-c', 'nginx -v 2>&1'], { encoding: 'utf8' }).trim();
  return {
    date: new Date().toISOString(),
    nproc: availableParallelism(),
    cpuModel: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? 'unknown',
    kernel: release(),
    node: process.version,
    nginx: nginx.replace(/^nginx version:\s*/, ''),
    haproxy: version('haproxy', ['-v']).replace(/ - https:.*$/, ''),
    wrk: version('wrk', ['-v']).replace(/ Copyright.*$/, ''),
    loadavg: loadavg(),
  };
}
