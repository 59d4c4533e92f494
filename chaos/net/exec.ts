import { execFile } from 'node:child_process';

/** Result of a finished command; `ok` is false on a non-zero exit (never throws for that). */
export interface RunResult {
  ok: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command without a shell (arguments are never interpreted), with a time limit so
 * a stuck `ip`/`iptables` call cannot hang the suite.
 */
export function run(cmd: string, args: readonly string[], timeoutMs = 15_000): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(cmd, [...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : null) : 0;
      resolve({ ok: !err, code, stdout: String(stdout), stderr: String(stderr) || (err && !stderr ? err.message : '') });
    });
  });
}

/** Like run(), but a failure is an error naming the command and what it printed. */
export async function must(cmd: string, args: readonly string[], timeoutMs?: number): Promise<string> {
  const r = await run(cmd, args, timeoutMs);
  if (!r.ok) throw new Error(`chaos: \`${cmd} ${args.join(' ')}\` failed (exit ${r.code ?? 'signal'}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/** Whether a binary is on PATH (or an absolute path that exists and runs). */
export async function have(bin: string): Promise<boolean> {
  return (await run('sh', ['-c', 'command -v "$1"', 'sh', bin])).ok;
}
