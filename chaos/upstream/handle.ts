import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { onCleanup } from '../net/cleanup.js';
import type { FromUpstream, Mode, ToUpstream, UpstreamSpec } from './protocol.js';

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Compiles the upstream server once into `dir` (esbuild, as tsx would on every start):
 * plain `node file.mjs` starts in a fraction of the time, which matters when a killed
 * cloud is restarted in the middle of a scenario.
 */
export function buildUpstreamServer(dir: string): string {
  const outfile = join(dir, 'upstream-server.mjs');
  buildSync({ entryPoints: [SERVER], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error' });
  return outfile;
}

/**
 * The suite's handle on one upstream server process. `start` spawns it (inside `ns`
 * when given) and waits until it listens; `kill` is a real SIGKILL; `pause`/`resume`
 * (SIGSTOP/SIGCONT) stand in for a black hole only in the loopback fallback.
 */
export class UpstreamProc {
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #unregister: () => void = () => {};
  #seq = 0;
  #acks = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  #stderr = '';
  port: number;

  /** `script`: the compiled server (buildUpstreamServer). */
  constructor(readonly spec: UpstreamSpec, readonly ns: string | undefined, readonly script: string) {
    this.port = spec.port;
  }

  get name(): string {
    return this.spec.name;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Starts the process (same port as before after a kill) and resolves once it listens. */
  async start(log = this.spec.log): Promise<void> {
    if (this.#child) return;
    const spec: UpstreamSpec = { ...this.spec, port: this.port, log };
    const node = [process.execPath, this.script, JSON.stringify(spec)];
    const [cmd, ...args] = this.ns === undefined ? node : ['ip', 'netns', 'exec', this.ns, ...node];
    // `ip netns exec` execs node in place: the pid we get is the server's own pid.
    const child = spawn(cmd!, args, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.#child = child;
    this.#stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      this.#stderr = (this.#stderr + d).slice(-4000);
    });
    const pid = child.pid;
    this.#unregister = onCleanup(`upstream ${this.name} (pid ${pid})`, () => {
      if (pid !== undefined) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    });
    this.#exited = new Promise((resolve) => {
      child.once('exit', () => {
        if (this.#child === child) this.#child = undefined;
        this.#unregister();
        for (const a of this.#acks.values()) a.reject(new Error(`upstream ${this.name} exited`));
        this.#acks.clear();
        resolve();
      });
    });
    child.on('error', () => { /* reported through exit / ready timeout */ });
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`upstream ${this.name} did not start within 15 s: ${this.#stderr.trim()}`)), 15_000);
      child.on('message', (m: FromUpstream) => {
        if (m.type === 'ready') {
          this.port = m.port;
          clearTimeout(timer);
          resolve();
        } else if (m.type === 'ack') {
          this.#acks.get(m.seq)?.resolve();
          this.#acks.delete(m.seq);
        } else {
          clearTimeout(timer);
          reject(new Error(`upstream ${this.name}: ${m.message}`));
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`upstream ${this.name} exited (${code ?? signal}) before it listened: ${this.#stderr.trim()}`));
      });
    });
    await ready;
  }

  setMode(mode: Mode): Promise<void> {
    return this.#send({ type: 'mode', seq: ++this.#seq, mode });
  }

  /** Back to a healthy listener with a fresh request log (between scenario runs). */
  reset(log: string): Promise<void> {
    return this.#send({ type: 'reset', seq: ++this.#seq, log });
  }

  /** SIGKILL: the kernel resets its connections and refuses new ones. */
  async kill(): Promise<void> {
    const c = this.#child;
    if (!c) return;
    c.kill('SIGKILL');
    await this.#exited;
  }

  pause(): void {
    this.#child?.kill('SIGSTOP');
  }

  resume(): void {
    this.#child?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    this.resume();
    await this.kill();
  }

  #send(msg: ToUpstream): Promise<void> {
    const c = this.#child;
    if (!c || !c.connected) return Promise.reject(new Error(`upstream ${this.name} is not running`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#acks.delete(msg.seq);
        reject(new Error(`upstream ${this.name} did not acknowledge ${msg.type} within 5 s`));
      }, 5_000);
      this.#acks.set(msg.seq, {
        resolve: () => { clearTimeout(timer); resolve(); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      c.send(msg);
    });
  }
}
