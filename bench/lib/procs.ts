import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { connect, createServer } from 'node:net';

/**
 * Every process the bench starts goes through here, so all of them are stopped at the
 * end, on error and on SIGINT/SIGTERM. Each runs in its own process group (detached),
 * and is stopped by signalling that group by id: SIGTERM, then SIGKILL after a grace.
 */
export interface Started {
  name: string;
  pid: number;
  child: ChildProcess;
  /** Last lines of stdout+stderr, for error messages. */
  tail(): string;
}

const running = new Set<Started>();

export interface SpawnOptions {
  /** CPU list for taskset(1), e.g. "1" or "0-1". */
  cpus: string;
  /** File that receives stdout and stderr. */
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export function startPinned(name: string, cmd: string, args: readonly string[], o: SpawnOptions): Started {
  // taskset execs the command, so the pid we get is the command's own pid.
  const child = spawn('taskset', ['-c', o.cpus, cmd, ...args], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: o.env ?? process.env,
    ...(o.cwd ? { cwd: o.cwd } : {}),
  });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${cmd}`);
  const log = createWriteStream(o.logFile);
  let tail = '';
  const keep = (b: Buffer) => {
    log.write(b);
    tail = (tail + b.toString('utf8')).slice(-2000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.once('exit', () => log.end());
  const s: Started = { name, pid: child.pid, child, tail: () => tail };
  running.add(s);
  child.once('exit', () => running.delete(s));
  return s;
}

export async function stop(s: Started, graceMs = 5000): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  const exited = new Promise<void>((r) => s.child.once('exit', () => r()));
  signalGroup(s.pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(s.pid, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  signalGroup(s.pid, 'SIGKILL'); // stragglers in the group (e.g. cluster workers)
}

function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    // the group is already gone
  }
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((s) => stop(s)));
}

/** Synchronous last resort for process 'exit': no awaiting possible there. */
export function killAllNow(): void {
  for (const s of running) signalGroup(s.pid, 'SIGKILL');
}

const handedOut = new Set<number>();

/** A loopback port that was free a moment ago (the kernel picks it), never the same one twice. */
export async function freePort(): Promise<number> {
  for (;;) {
    const p = await kernelPort();
    if (!handedOut.has(p)) {
      handedOut.add(p);
      return p;
    }
  }
}

function kernelPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once 127.0.0.1:port accepts a TCP connection; rejects if the process exits or time runs out. */
export async function waitForPort(s: Started, port: number, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (s.child.exitCode !== null || s.child.signalCode !== null) {
      throw new Error(`${s.name} exited (${s.child.exitCode ?? s.child.signalCode}) before listening on ${port}:\n${s.tail()}`);
    }
    if (await canConnect(port)) return;
    if (Date.now() > until) throw new Error(`${s.name} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms:\n${s.tail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}
