import { join } from 'node:path';
import { Lab } from './net/lab.js';
import { UpstreamProc, buildUpstreamServer } from './upstream/handle.js';
import type { Mode } from './upstream/protocol.js';
import { ENDPOINTS, cloudOf, type EndpointName } from './settings.js';

/** An endpoint as the proxies see it. */
export interface Target {
  name: EndpointName;
  host: string;
  port: number;
}

/**
 * The two simulated clouds and their upstream processes, plus every fault the suite can
 * inject. Processes are started once and reused across runs (`reset` between runs);
 * the ones a scenario killed are started again.
 */
export class Clouds {
  readonly eps = new Map<EndpointName, UpstreamProc>();
  #paused = new Set<string>();

  private constructor(readonly lab: Lab) {}

  static async start(dir: string, opts: { forceLoopback?: boolean; requireNetns?: boolean } = {}): Promise<Clouds> {
    const lab = await Lab.create(['a', 'b'], opts);
    const clouds = new Clouds(lab);
    try {
      const script = buildUpstreamServer(dir);
      for (const name of ENDPOINTS) {
        const net = lab.cloud(cloudOf(name));
        // Each namespace has its own port space, so a1 and b1 both use 8001.
        const port = lab.mode === 'netns' ? (name === 'a2' ? 8002 : 8001) : 0;
        clouds.eps.set(name, new UpstreamProc({ name, cloud: net.name, host: net.address, port, log: join(dir, `${name}.boot.log`) }, net.ns, script));
      }
      await Promise.all([...clouds.eps.values()].map((e) => e.start()));
    } catch (err) {
      await clouds.stop();
      throw err;
    }
    return clouds;
  }

  targets(names: readonly EndpointName[]): Target[] {
    return names.map((name) => ({ name, host: this.ep(name).spec.host, port: this.ep(name).port }));
  }

  ep(name: string): UpstreamProc {
    const e = this.eps.get(name as EndpointName);
    if (!e) throw new Error(`chaos: no endpoint "${name}"`);
    return e;
  }

  /** Before each run: every endpoint up, healthy, unfiltered, logging into `dir`. */
  async reset(dir: string): Promise<void> {
    await this.lab.clearFaults();
    for (const c of [...this.#paused]) this.#pause(c, false);
    for (const e of this.eps.values()) {
      const log = join(dir, `${e.name}.log`);
      if (!e.running) await e.start(log);
      else await e.reset(log);
    }
  }

  async kill(names: readonly string[]): Promise<void> {
    await Promise.all(names.map((n) => this.ep(n).kill()));
  }

  async restart(names: readonly string[], dir: string): Promise<void> {
    await Promise.all(names.map((n) => this.ep(n).start(join(dir, `${n}.log`))));
  }

  async mode(names: readonly string[], mode: Mode): Promise<void> {
    await Promise.all(names.map((n) => this.ep(n).setMode(mode)));
  }

  /**
   * Black hole: iptables DROP of inbound TCP in the cloud's namespace. In the loopback
   * fallback there is no namespace to filter, so the cloud's processes are stopped
   * (SIGSTOP) instead; the kernel then still completes handshakes, so this is only an
   * approximation (a hang, not a dead path), and the results say so.
   */
  async blackhole(cloud: string, on: boolean): Promise<void> {
    if (this.lab.mode === 'netns') return this.lab.blackhole(cloud, on);
    this.#pause(cloud, on);
  }

  #pause(cloud: string, on: boolean): void {
    for (const e of this.eps.values()) {
      if (e.spec.cloud !== cloud) continue;
      if (on) e.pause();
      else e.resume();
    }
    if (on) this.#paused.add(cloud);
    else this.#paused.delete(cloud);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.eps.values()].map((e) => e.stop()));
    this.lab.destroy();
  }
}
