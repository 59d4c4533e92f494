import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The repository root (where `src/cli/main.ts` and node_modules live). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running `detour` CLI (src/cli/main.ts through tsx), with its output split into lines. */
export interface CliProcess {
  child: ChildProcess;
  /** Every complete stdout line so far. */
  lines: string[];
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited (never rejects). */
  exited: Promise<Exit>;
  /**
   * Resolves with the first stdout line at index >= `from` matching `pred`. Rejects if the
   * process exits first or after `ms` (a safety net, not a timing assertion).
   */
  waitForLine(pred: RegExp | ((line: string) => boolean), opts?: { from?: number; ms?: number }): Promise<string>;
  /** SIGKILL if still running, then wait for the exit. */
  kill(): Promise<void>;
}

const running = new Set<CliProcess>();

export function spawnCli(args: readonly string[], env: Record<string, string | undefined> = process.env): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let partial = '';
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  let exit: Exit | undefined;
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    out += chunk;
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const l of [...listeners]) l();
  });
  child.stderr!.on('data', (chunk: string) => { err += chunk; });
  const exited = new Promise<Exit>((resolve) => {
    child.once('close', (code, signal) => {
      if (partial !== '') lines.push(partial);
      partial = '';
      exit = { code, signal };
      running.delete(cli);
      resolve(exit);
      for (const l of [...listeners]) l();
    });
  });
  const cli: CliProcess = {
    child, lines, exited,
    stdout: () => out,
    stderr: () => err,
    waitForLine(pred, { from = 0, ms = 20_000 } = {}) {
      const test = typeof pred === 'function' ? pred : (l: string) => pred.test(l);
      return new Promise((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined;
        const check = (): void => {
          const hit = lines.slice(from).find(test);
          if (hit === undefined && exit === undefined) return;
          listeners.delete(check);
          clearTimeout(timer);
          if (hit !== undefined) resolve(hit);
          else reject(new Error(`process exited (${JSON.stringify(exit)}) before printing ${String(pred)}\nstdout:\n${out}\nstderr:\n${err}`));
        };
        timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no line matching ${String(pred)} within ${ms}ms\nstdout:\n${out}\nstderr:\n${err}`));
        }, ms);
        listeners.add(check);
        check();
      });
    },
    async kill() {
      if (exit === undefined) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
  running.add(cli);
  return cli;
}

/** Kills every CLI process still running (for after()). */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map((c) => c.kill()));
}

/** Runs the CLI to completion. */
export async function runCli(args: readonly string[], env: Record<string, string | undefined> = process.env): Promise<Exit & { stdout: string; stderr: string }> {
  const cli = spawnCli(args, env);
  const exit = await cli.exited;
  return { ...exit, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** `n` distinct ports that were free a moment ago (all held open together, then closed). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = Array.from({ length: n }, () => createServer());
  for (const s of servers) {
    s.listen(0, '127.0.0.1');
    await once(s, 'listening');
  }
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  return ports;
}

/** A port that was free a moment ago (listen on 0, then close). */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}

/** The ports among `ports` that cannot be bound on 127.0.0.1 right now. */
export async function busyPorts(ports: readonly number[]): Promise<number[]> {
  const busy: number[] = [];
  for (const port of ports) {
    const s = createServer();
    const ok = await new Promise<boolean>((resolve) => {
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) await new Promise<void>((r) => s.close(() => r()));
    else busy.push(port);
  }
  return busy;
}

/** Parses a stdout line as a JSON log record, or undefined if it is not one. */
export function logRecord(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(line) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A predicate for waitForLine: a JSON log line whose `msg` starts with `msg`. */
export function logMsg(msg: string, extra: (rec: Record<string, unknown>) => boolean = () => true): (line: string) => boolean {
  const pred = (line: string): boolean => {
    const rec = logRecord(line);
    return rec !== undefined && typeof rec['msg'] === 'string' && rec['msg'].startsWith(msg) && extra(rec);
  };
  pred.toString = () => `a JSON log line with msg "${msg}…"`;
  return pred;
}
