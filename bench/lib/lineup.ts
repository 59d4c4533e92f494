import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as C from './configs.js';
import { CAP_SHARE, capProcess } from './cpu-caps.js';
import { processTree } from './procfs.js';
import { freePort, startPinned, waitForPort, type Started } from './procs.js';

/** Everything measured, side by side. */
export type TargetId = 'direct' | 'nginx' | 'haproxy' | 'detour' | 'detour-full' | 'detour-cap1' | 'detour-w2' | 'fastify' | 'http-proxy' | 'http-proxy-semi' | 'detour-v8-default';

/** limit = no proxy at all; native = nginx/HAProxy; node-peer = the Node proxies Detour is compared with. */
export type TargetKind = 'limit' | 'native' | 'detour' | 'node-peer';

export interface Target {
  id: TargetId;
  label: string;
  kind: TargetKind;
  /** taskset CPU list of the process under test. */
  cpus: string;
  port: number;
  proc: Started;
  /** The command line and config file text, for the report. */
  command: string;
  config: string | undefined;
}

export interface LineupEnv {
  repo: string;
  dirs: C.Dirs;
  /** CPU given to the proxy under test, and to wrk + upstream. */
  proxyCpu: string;
  loadCpu: string;
  /** CPUs given to `--workers 2`. */
  multiCpus: string;
  /** `detour start --workers N` exists in this build. */
  workers: boolean;
  /** CPU quotas can be set (cpu-caps.ts): the multi-core pair runs capped. */
  caps: boolean;
  /** Start only these target ids (all when empty). */
  only: readonly string[];
}

export interface Lineup {
  upstream: Started;
  upstreamPorts: [number, number];
  upstreamConfig: string;
  targets: Target[];
}

interface Spec {
  id: TargetId;
  label: string;
  kind: TargetKind;
  cpus: string;
  /** Returns [command, args, config text]. */
  make(port: number): Promise<[string, string[], string | undefined]>;
  /** Runs once the target answers (CPU caps). */
  after?(pid: number): Promise<void>;
}

export async function startLineup(env: LineupEnv): Promise<Lineup> {
  const { dirs, repo } = env;
  const node = process.execPath;
  const upA = await freePort();
  const upB = await freePort();
  const upstreamConfig = C.nginxUpstreamConf(dirs, 'upstream', [upA, upB]);
  const upstream = await startNginx('upstream', upstreamConfig, env.loadCpu, dirs);
  await waitForPort(upstream, upA);
  const upstreamUrl = `http://127.0.0.1:${upA}`;
  const write = (name: string, text: string) => {
    const f = join(dirs.work, name);
    writeFileSync(f, text);
    return f;
  };
  const detourCli = join(repo, 'dist/cli/main.js');
  // The V8 flag bin/detour.js's shebang gives every installed `detour` (see its comment).
  const SEMI = '--max-semi-space-size=32';
  /** `node [flags] dist/cli/main.js start [extra] --config <file>` with the config written to the work folder. */
  const detour = (file: string, text: string, nodeFlags: string[] = [SEMI], extra: string[] = []): [string, string[], string] =>
    [node, [...nodeFlags, detourCli, 'start', ...extra, '--config', write(file, text)], text];

  const specs: Spec[] = [
    { id: 'direct', label: 'direct upstream (limit)', kind: 'limit', cpus: env.proxyCpu,
      make: async (p) => nginxCmd(dirs, 'direct', C.nginxUpstreamConf(dirs, 'direct', [p])) },
    { id: 'nginx', label: 'nginx 1.22 (1 worker)', kind: 'native', cpus: env.proxyCpu,
      make: async (p) => nginxCmd(dirs, 'nginx', C.nginxProxyConf(dirs, 'nginx', p, upA)) },
    { id: 'haproxy', label: 'HAProxy 2.6 (nbthread 1)', kind: 'native', cpus: env.proxyCpu,
      make: async (p) => {
        const text = C.haproxyConf(p, upA);
        return ['haproxy', ['-db', '-f', write('haproxy.cfg', text)], text];
      } },
    { id: 'detour', label: 'Detour (minimal)', kind: 'detour', cpus: env.proxyCpu,
      make: async (p) => detour('detour-minimal.yaml', C.detourMinimalYaml(p, upA)) },
    // Detour as `node dist/cli/main.js` without the launcher's V8 flag: what the flag is worth.
    { id: 'detour-v8-default', label: 'Detour (minimal, V8 default young generation)', kind: 'detour', cpus: env.proxyCpu,
      make: async (p) => detour('detour-v8-default.yaml', C.detourMinimalYaml(p, upA), []) },
    { id: 'detour-full', label: 'Detour (classify + active + passive + admin)', kind: 'detour', cpus: env.proxyCpu,
      make: async (p) => detour('detour-full.yaml', C.detourFullYaml(p, await freePort(), upA, upB, join(dirs.work, 'detour-full-state.json'))) },
    { id: 'fastify', label: '@fastify/http-proxy 11', kind: 'node-peer', cpus: env.proxyCpu,
      make: async (p) => [node, [join(repo, 'bench/peers/fastify-proxy.mjs'), String(p), upstreamUrl], undefined] },
    { id: 'http-proxy', label: 'http-proxy 1.18', kind: 'node-peer', cpus: env.proxyCpu,
      make: async (p) => [node, [join(repo, 'bench/peers/http-proxy.mjs'), String(p), upstreamUrl], undefined] },
    // The same peer with Detour's V8 flag, so the flag's share of Detour's lead is visible.
    { id: 'http-proxy-semi', label: 'http-proxy 1.18 (--max-semi-space-size=32)', kind: 'node-peer', cpus: env.proxyCpu,
      make: async (p) => [node, [SEMI, join(repo, 'bench/peers/http-proxy.mjs'), String(p), upstreamUrl], undefined] },
  ];
  if (env.workers && env.caps) {
    // The multi-core pair (cpu-caps.ts): one process held to a share of one core, and two
    // workers each held to the same share of a core of its own.
    const share = `${100 * CAP_SHARE}%`;
    specs.push({ id: 'detour-cap1', label: `Detour (minimal, 1 process, ${share} of 1 core)`, kind: 'detour', cpus: env.proxyCpu,
      make: async (p) => detour('detour-cap1.yaml', C.detourMinimalYaml(p, upA)),
      after: async (pid) => capProcess('cap1', pid, env.proxyCpu) });
    const cores = env.multiCpus.split(',');
    specs.push({ id: 'detour-w2', label: `Detour (minimal, --workers 2, ${share} of each of 2 cores)`, kind: 'detour', cpus: env.multiCpus,
      make: async (p) => detour('detour-w2.yaml', C.detourMinimalYaml(p, upA), [SEMI], ['--workers', '2']),
      after: async (pid) => {
        const workers = await childrenOf(pid, 2);
        workers.forEach((w, i) => capProcess(`w2-${i}`, w, cores[i % cores.length]!));
      } });
  } else if (env.workers) {
    specs.push({ id: 'detour-w2', label: 'Detour (minimal, --workers 2, 2 cores)', kind: 'detour', cpus: env.multiCpus,
      make: async (p) => detour('detour-w2.yaml', C.detourMinimalYaml(p, upA), [SEMI], ['--workers', '2']) });
  }

  const unknown = env.only.filter((id) => !specs.some((s) => s.id === id));
  if (unknown.length > 0) throw new Error(`--only: unknown or unavailable target(s) ${unknown.join(', ')}; known: ${specs.map((s) => s.id).join(', ')}`);
  const targets: Target[] = [];
  for (const s of specs) {
    if (env.only.length > 0 && !env.only.includes(s.id)) continue;
    const port = await freePort();
    const [cmd, args, config] = await s.make(port);
    const proc = startPinned(s.id, cmd, args, { cpus: s.cpus, logFile: join(dirs.work, `${s.id}.log`), cwd: repo });
    targets.push({ id: s.id, label: s.label, kind: s.kind, cpus: s.cpus, port, proc, config,
      command: `taskset -c ${s.cpus} ${[cmd === node ? 'node' : cmd, ...args].map((a) => a.replace(repo + '/', '').replace(dirs.work + '/', '')).join(' ')}` });
  }
  await Promise.all(targets.map((t) => waitForPort(t.proc, t.port)));
  for (const t of targets) await specs.find((s) => s.id === t.id)!.after?.(t.proc.pid);
  return { upstream, upstreamPorts: [upA, upB], upstreamConfig, targets };
}

function nginxCmd(dirs: C.Dirs, name: string, text: string): [string, string[], string] {
  const file = join(dirs.work, `${name}.conf`);
  writeFileSync(file, text);
  // -e: the early error log (nginx ≥ 1.19.5), so nothing is written under /var/log.
  return ['nginx', ['-e', join(dirs.work, `${name}.early.log`), '-c', file], text];
}

async function startNginx(name: string, text: string, cpus: string, dirs: C.Dirs): Promise<Started> {
  const [cmd, args] = nginxCmd(dirs, name, text);
  return startPinned(name, cmd, args, { cpus, logFile: join(dirs.work, `${name}.log`) });
}

/** The `n` child processes of `pid` (the --workers children), once they all exist. */
async function childrenOf(pid: number, n: number, timeoutMs = 30_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const kids = processTree(pid).filter((p) => p !== pid);
    if (kids.length >= n) return kids.slice(0, n);
    if (Date.now() > deadline) throw new Error(`pid ${pid}: ${kids.length} of ${n} workers after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
