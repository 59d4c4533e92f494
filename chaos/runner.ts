import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clouds } from './clouds.js';
import { request } from 'node:http';
import { now, runLoad, type Method, type Sample } from './load.js';
import { DetourProxy } from './proxies/detour.js';
import { HaproxyProxy } from './proxies/haproxy.js';
import { NginxProxy } from './proxies/nginx.js';
import type { Observations, ProxyName, ProxySetup, ProxyUnderTest } from './proxies/types.js';
import type { Scenario } from './scenarios.js';
import { BACKUP, ENDPOINTS, PRIMARY, type LoadSpec, type Timing } from './settings.js';
import { ANSWERS, type Arrival } from './upstream/protocol.js';

/** Everything one (scenario, proxy, method) run produced, before analysis. */
export interface RunRecord {
  scenario: Scenario;
  proxy: ProxyName;
  method: Method;
  loadStart: number;
  loadEnd: number;
  /** When each step's action started, and how long it took. */
  steps: Array<{ label: string; marks?: 'fault' | 'recover'; at: number; tookMs: number }>;
  faultAt: number;
  recoverAt: number | undefined;
  samples: Sample[];
  arrivals: Arrival[];
  observations: Observations;
  configText: string;
  /** Wall time spent before the load (reset, proxy start, settle, warm-up) and after it (collect). */
  setupMs: number;
}

export function makeProxy(name: ProxyName, setup: ProxySetup): ProxyUnderTest {
  switch (name) {
    case 'detour': return new DetourProxy(setup);
    case 'nginx': return new NginxProxy(setup);
    case 'haproxy': return new HaproxyProxy(setup);
  }
}

/**
 * One run: fresh proxy process against freshly reset clouds, a constant-rate load for
 * the scenario's duration, the scenario's faults injected on schedule, then everything
 * the proxy and the upstreams recorded is collected. The proxy is stopped even when
 * the run fails.
 */
export async function runOne(o: {
  clouds: Clouds; scenario: Scenario; proxy: ProxyName; method: Method; dir: string; timing: Timing; load: LoadSpec;
}): Promise<RunRecord> {
  const runDir = join(o.dir, `${o.scenario.name}-${o.proxy}-${o.method.toLowerCase()}`);
  mkdirSync(runDir, { recursive: true });
  const t0 = now();
  await o.clouds.reset(runDir);
  const proxy = makeProxy(o.proxy, {
    dir: runDir, primary: o.clouds.targets(PRIMARY), backup: o.clouds.targets(BACKUP), timing: o.timing,
  });
  try {
    await proxy.start();
    await proxy.settle();
    await warmUp(proxy.url);
    const steps: RunRecord['steps'] = [];
    const loadStart = now();
    const setupMs = loadStart - t0;
    const tag = `${o.scenario.name}-${o.proxy}-${o.method}-${Math.floor(loadStart)}`;
    const load = runLoad({ url: proxy.url, method: o.method, rate: o.load.rate, durationMs: o.scenario.durationMs, clientTimeoutMs: o.load.clientTimeoutMs, tag });
    const faults = (async () => {
      for (const s of o.scenario.steps) {
        const wait = loadStart + s.at - now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        // The fault counts from the moment its action starts (SIGKILL, iptables, IPC): a
        // proxy may notice before the action has returned; `tookMs` says how long it took.
        const t = now();
        await s.act({ clouds: o.clouds, runDir });
        steps.push({ label: s.label, ...(s.marks ? { marks: s.marks } : {}), at: t, tookMs: now() - t });
      }
    })();
    // Wait for the load even when a fault action failed, so no request of this run
    // overlaps the next one.
    const [loaded, faulted] = await Promise.allSettled([load, faults]);
    if (faulted.status === 'rejected') throw faulted.reason;
    if (loaded.status === 'rejected') throw loaded.reason;
    const samples = loaded.value;
    const loadEnd = loadStart + o.scenario.durationMs;
    const observations = await proxy.observations();
    const faultAt = steps.find((s) => s.marks === 'fault')?.at ?? loadStart;
    const recoverAt = steps.find((s) => s.marks === 'recover')?.at;
    return {
      scenario: o.scenario, proxy: o.proxy, method: o.method, loadStart, loadEnd, steps, faultAt, recoverAt,
      samples, arrivals: readArrivals(runDir), observations, configText: proxy.configText, setupMs,
    };
  } finally {
    await proxy.stop();
  }
}

/** Every upstream's request log of this run (all incarnations of a killed process append to one file). */
export function readArrivals(runDir: string): Arrival[] {
  const out: Arrival[] = [];
  for (const endpoint of ENDPOINTS) {
    let text = '';
    try {
      text = readFileSync(join(runDir, `${endpoint}.log`), 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const [at, method, id, answer, path] = line.split('\t');
      if (at === undefined || method === undefined || id === undefined || answer === undefined || !ANSWERS.has(answer)) continue;
      out.push({ at: Number(at), endpoint, method, id, answer: answer as Arrival['answer'], path: path ?? '' });
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

/**
 * 100 GETs at concurrency 4 before the measured load: JIT, connection pools and the
 * proxies' first-request paths warm up the same way for all three.
 */
async function warmUp(url: string): Promise<void> {
  let n = 0;
  const worker = async (): Promise<void> => {
    while (n < 100) {
      const i = n++;
      await new Promise<void>((resolve) => {
        const req = request(`${url}/api/warmup/${i}`, { headers: { 'x-chaos-id': `warmup-${i}` } }, (res) => {
          res.resume();
          res.on('end', resolve);
          res.on('error', () => resolve());
        });
        req.setTimeout(5_000, () => req.destroy());
        req.on('error', () => resolve());
        req.end();
      });
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}
