import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { onCleanup } from '../net/cleanup.js';

/** A child process the suite owns: registered for cleanup, stopped by its own pid only. */
export class Owned {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #out = '';
  #err = '';
  #lineListeners: Array<(line: string) => void> = [];
  #partial = '';
  readonly #unregister: () => void;
  readonly #tee: WriteStream | undefined;

  /** `tee`: a file that receives everything the process prints (kept with the run's data). */
  constructor(readonly label: string, cmd: string, args: readonly string[], opts: SpawnOptions = {}, tee?: string) {
    this.child = spawn(cmd, [...args], { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#tee = tee === undefined ? undefined : createWriteStream(tee);
    const pid = this.child.pid;
    this.#unregister = onCleanup(`${label} (pid ${pid})`, () => {
      if (pid !== undefined) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    });
    this.child.stdout!.setEncoding('utf8');
    this.child.stderr!.setEncoding('utf8');
    this.child.stdout!.on('data', (d: string) => {
      this.#tee?.write(d);
      this.#out = (this.#out + d).slice(-20_000);
      const parts = (this.#partial + d).split('\n');
      this.#partial = parts.pop() ?? '';
      for (const l of parts) for (const f of this.#lineListeners) f(l);
    });
    this.child.stderr!.on('data', (d: string) => {
      this.#tee?.write(d);
      this.#err = (this.#err + d).slice(-20_000);
    });
    this.child.on('error', (e) => {
      this.#err += `\nspawn error: ${e.message}`;
    });
    this.exited = new Promise((resolve) => {
      this.child.once('close', (code, signal) => {
        this.#unregister();
        this.#tee?.end();
        resolve({ code, signal });
      });
    });
  }

  onLine(f: (line: string) => void): void {
    this.#lineListeners.push(f);
  }

  get output(): string {
    return `${this.#out}${this.#err ? `\n[stderr]\n${this.#err}` : ''}`.trim();
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** `signal`, then SIGKILL after `graceMs` if it is still running. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5_000): Promise<void> {
    if (!this.running) {
      await this.exited;
      return;
    }
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** A free TCP port on 127.0.0.1 (for proxies that cannot report the port they bound). */
export async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * Polls `probe` until it resolves true or `ms` passes (then throws with `what`). Stops
 * at once, with the process's output, if `proc` exits meanwhile.
 */
export async function waitUntil(what: string, proc: Owned, probe: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (!proc.running) throw new Error(`chaos: ${proc.label} exited while waiting for ${what}:\n${proc.output}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`chaos: ${what} not ready within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
