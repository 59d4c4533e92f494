import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { have, must, run } from './exec.js';
import { onCleanup } from './cleanup.js';

/** Where one simulated cloud's upstream servers live. */
export interface CloudNet {
  name: string;
  /** Network namespace (netns mode) or undefined (loopback fallback: the root namespace). */
  ns: string | undefined;
  /** The address the cloud's servers listen on and the proxies connect to. */
  address: string;
  /** Root-side veth (netns mode). */
  hostVeth: string | undefined;
}

export type LabMode = 'netns' | 'loopback';

/**
 * The simulated network. In `netns` mode every cloud is a real host: its own network
 * namespace `dtr-<random>-<cloud>`, joined to the root namespace by a veth pair whose two
 * ends get a private /30 chosen by the suite (10.X.Y.4i+1 on the root side, 4i+2 in the
 * cloud). Only addresses inside these namespaces are ever used. A black hole is an
 * iptables DROP of all inbound TCP inside the cloud's namespace, so SYNs and segments
 * vanish exactly as on a dead path. Where namespaces cannot be created (not root, no
 * `ip`), the lab falls back to 127.0.0.1 and says so; a black hole is then unavailable.
 */
export class Lab {
  readonly clouds = new Map<string, CloudNet>();
  readonly #undos: Array<() => void> = [];
  readonly #blackholed = new Set<string>();

  private constructor(readonly mode: LabMode, readonly why: string, readonly subnet: string | undefined) {}

  static async create(cloudNames: readonly string[], opts: { forceLoopback?: boolean; requireNetns?: boolean } = {}): Promise<Lab> {
    const problem = opts.forceLoopback ? 'loopback forced (--loopback)' : await netnsProblem();
    if (problem !== undefined) {
      if (opts.requireNetns) throw new Error(`chaos: network namespaces are required but unavailable: ${problem}`);
      const lab = new Lab('loopback', problem, undefined);
      for (const name of cloudNames) lab.clouds.set(name, { name, ns: undefined, address: '127.0.0.1', hostVeth: undefined });
      return lab;
    }
    const base = await freeSubnet();
    const tag = randomBytes(3).toString('hex');
    const lab = new Lab('netns', 'root with ip(8) and iptables(8)', `${base}.0/24`);
    try {
      let i = 0;
      for (const name of cloudNames) lab.clouds.set(name, await lab.#addCloud(tag, name, base, i++));
    } catch (err) {
      lab.destroy();
      throw err;
    }
    return lab;
  }

  cloud(name: string): CloudNet {
    const c = this.clouds.get(name);
    if (!c) throw new Error(`chaos: no cloud named "${name}"`);
    return c;
  }

  /** Drops (on) or lets through (off) every inbound TCP segment of a cloud. Netns mode only. */
  async blackhole(name: string, on: boolean): Promise<void> {
    const c = this.cloud(name);
    if (c.ns === undefined) throw new Error('chaos: a black hole needs network namespaces');
    if (on === this.#blackholed.has(name)) return;
    // -w: wait for the xtables lock instead of failing when another iptables runs.
    await must('ip', ['netns', 'exec', c.ns, 'iptables', '-w', on ? '-I' : '-D', 'INPUT', '-p', 'tcp', '-j', 'DROP']);
    if (on) this.#blackholed.add(name);
    else this.#blackholed.delete(name);
  }

  async clearFaults(): Promise<void> {
    for (const name of [...this.#blackholed]) await this.blackhole(name, false);
  }

  /** Removes every namespace (with its veth end and firewall rules) and root-side veth. */
  destroy(): void {
    while (this.#undos.length > 0) this.#undos.pop()!();
    this.#blackholed.clear();
  }

  async #addCloud(tag: string, name: string, base: string, i: number): Promise<CloudNet> {
    const ns = `dtr-${tag}-${name}`;
    const hostVeth = `dc${tag}${name}`.slice(0, 15);
    const nsVeth = `${hostVeth}n`.slice(0, 15);
    const hostIp = `${base}.${4 * i + 1}`;
    const nsIp = `${base}.${4 * i + 2}`;
    await must('ip', ['netns', 'add', ns]);
    this.#track(`netns ${ns}`, () => {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    });
    await must('ip', ['link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', nsVeth]);
    // Deleting the namespace destroys its veth end and with it the peer; this covers a run
    // killed between `link add` and `set netns`.
    this.#track(`veth ${hostVeth}`, () => {
      try {
        execFileSync('ip', ['link', 'del', hostVeth], { stdio: 'ignore' });
      } catch {
        // already gone with its namespace
      }
    });
    await must('ip', ['link', 'set', nsVeth, 'netns', ns]);
    await must('ip', ['addr', 'add', `${hostIp}/30`, 'dev', hostVeth]);
    await must('ip', ['link', 'set', hostVeth, 'up']);
    await must('ip', ['-n', ns, 'addr', 'add', `${nsIp}/30`, 'dev', nsVeth]);
    await must('ip', ['-n', ns, 'link', 'set', nsVeth, 'up']);
    await must('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    return { name, ns, address: nsIp, hostVeth };
  }

  #track(label: string, undo: () => void): void {
    let done = false;
    const unregister = onCleanup(label, () => {
      if (!done) undo();
      done = true;
    });
    this.#undos.push(() => {
      unregister();
      if (!done) {
        done = true;
        try {
          undo();
        } catch {
          // reported by the caller's final check of leftovers
        }
      }
    });
  }
}

/** Why namespaces cannot be used here, or undefined when they can. */
async function netnsProblem(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not running as root';
  if (!(await have('ip'))) return 'ip(8) (iproute2) is not installed';
  if (!(await have('iptables'))) return 'iptables(8) is not installed';
  const probe = `dtr-probe-${randomBytes(3).toString('hex')}`;
  const add = await run('ip', ['netns', 'add', probe]);
  if (!add.ok) return `ip netns add failed: ${add.stderr.trim()}`;
  await run('ip', ['netns', 'del', probe]);
  return undefined;
}

/**
 * A random 10.X.Y.0/24 (X in 200..249) that overlaps no address or route on this host,
 * so the suite never shadows a real network.
 */
async function freeSubnet(): Promise<string> {
  const taken = await takenPrefixes();
  for (let tries = 0; tries < 50; tries++) {
    const [x, y] = [200 + (randomBytes(1)[0]! % 50), randomBytes(1)[0]!];
    const net = (10 << 24) | (x << 16) | (y << 8);
    if (!taken.some(([p, len]) => overlaps(p, len, net >>> 0, 24))) return `10.${x}.${y}`;
  }
  throw new Error('chaos: found no free 10.x.y.0/24 for the simulated clouds');
}

async function takenPrefixes(): Promise<Array<[number, number]>> {
  const out: Array<[number, number]> = [];
  const routes = JSON.parse(await must('ip', ['-j', '-4', 'route', 'show', 'table', 'all'])) as Array<{ dst?: string }>;
  for (const r of routes) {
    if (r.dst === undefined || r.dst === 'default') continue;
    const p = parseCidr(r.dst);
    if (p) out.push(p);
  }
  const addrs = JSON.parse(await must('ip', ['-j', '-4', 'addr'])) as Array<{ addr_info?: Array<{ local?: string; prefixlen?: number }> }>;
  for (const a of addrs) {
    for (const i of a.addr_info ?? []) {
      const p = i.local ? parseCidr(`${i.local}/${i.prefixlen ?? 32}`) : undefined;
      if (p) out.push(p);
    }
  }
  return out;
}

function parseCidr(s: string): [number, number] | undefined {
  const [ip, len] = s.split('/');
  const parts = (ip ?? '').split('.').map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) return undefined;
  const v = ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
  return [v, len === undefined ? 32 : Number(len)];
}

function overlaps(a: number, alen: number, b: number, blen: number): boolean {
  const len = Math.min(alen, blen);
  if (len === 0) return true;
  const mask = len >= 32 ? 0xffffffff : (~(0xffffffff >>> len)) >>> 0;
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}
