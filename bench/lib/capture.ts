import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startPinned, stop, waitForPort } from './procs.js';
import { summariseProfile, type CpuProfile, type ProfileSummary } from './profile.js';
import { runWrk } from './wrk.js';

export interface CaptureArgs {
  repo: string;
  work: string;
  name: string;
  /** Detour YAML for a given listen port. */
  yaml: (port: number) => string;
  path: string;
  connections: number;
  seconds: number;
  proxyCpu: string;
  loadCpu: string;
  /** More `detour start` arguments (`--workers 2`). */
  args?: readonly string[];
}

/**
 * Starts a separate Detour with `--cpu-prof`, warms it up, loads it with wrk, stops it with SIGTERM
 * (V8 writes the profile when the process exits normally, which `detour start` does
 * after draining) and summarises the profile from the end of the warm-up on. With `--workers`,
 * every process writes its own profile (cluster.fork passes --cpu-prof on): the busiest come first.
 */
export async function captureProfile(a: CaptureArgs): Promise<ProfileSummary[]> {
  const dir = join(a.work, `prof-${a.name}`);
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const cfg = join(a.work, `${a.name}-profile.yaml`);
  writeFileSync(cfg, a.yaml(port));
  const spawned = Date.now();
  const proc = startPinned(`${a.name}-profile`, process.execPath,
    ['--cpu-prof', '--cpu-prof-dir', dir, '--max-semi-space-size=32', join(a.repo, 'dist/cli/main.js'), 'start', '--config', cfg, ...(a.args ?? [])],
    { cpus: a.proxyCpu, logFile: join(a.work, `${a.name}-profile.log`), cwd: a.repo });
  let skipMs = 0;
  try {
    await waitForPort(proc, port);
    const url = `http://127.0.0.1:${port}${a.path}`;
    await runWrk({ url, connections: a.connections, seconds: 3, cpus: a.loadCpu }); // start-up and JIT warm-up: not profiled
    skipMs = Date.now() - spawned;
    await runWrk({ url, connections: a.connections, seconds: a.seconds, cpus: a.loadCpu });
  } finally {
    await stop(proc, 10_000);
  }
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no .cpuprofile written in ${dir} (did Detour exit cleanly on SIGTERM?)\n${proc.tail()}`);
  // The profile clock starts a little after spawn, so this skips slightly more than the warm-up: harmless.
  const all = files.map((f) => summariseProfile(JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile, 15, skipMs * 1000));
  const busy = (s: ProfileSummary) => s.totalMs * (1 - s.idlePct / 100);
  return all.sort((x, y) => busy(y) - busy(x));
}
