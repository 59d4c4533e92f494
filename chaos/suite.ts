import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Clouds } from './clouds.js';
import type { Method } from './load.js';
import { analyze, type RunResult } from './metrics.js';
import { cleanupNow, onCleanup, pendingCleanups } from './net/cleanup.js';
import { PROXIES, type ProxyName } from './proxies/types.js';
import { describeMachine } from './report/machine.js';
import type { SuiteReport } from './report/types.js';
import { runOne } from './runner.js';
import { FULL, scenarios, type ScenarioName, type Shape } from './scenarios.js';
import { LOAD, TIMING, type LoadSpec, type Timing } from './settings.js';
import { evaluate } from './targets.js';

export interface SuiteOptions {
  scenarios?: readonly ScenarioName[];
  proxies?: readonly ProxyName[];
  /** Run the POST variants of the scenarios that have one (default true). */
  post?: boolean;
  shape?: Shape;
  timing?: Timing;
  load?: LoadSpec;
  forceLoopback?: boolean;
  /** Fail instead of falling back to loopback (CI runs as root and must use namespaces). */
  requireNetns?: boolean;
  /** Keep the work directory (logs of every upstream and proxy) instead of deleting it. */
  keep?: boolean;
  log?: (line: string) => void;
}

/**
 * Runs every (scenario × proxy × method) once, in that order, so the three proxies see
 * a scenario close together in time; returns the full report. Every namespace, rule
 * and process is removed before it returns or throws.
 */
export async function runSuite(o: SuiteOptions = {}): Promise<SuiteReport> {
  const log = o.log ?? ((l: string) => process.stdout.write(l + '\n'));
  const shape = o.shape ?? FULL;
  const timing = o.timing ?? TIMING;
  const load = o.load ?? LOAD;
  const proxies = o.proxies ?? PROXIES;
  const all = scenarios(shape);
  const chosen = o.scenarios ? all.filter((s) => o.scenarios!.includes(s.name)) : all;
  const started = Date.now();
  const machine = await describeMachine();
  const dir = mkdtempSync(join(tmpdir(), 'detour-chaos-'));
  const forgetDir = onCleanup(`work directory ${dir}`, () => {
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
  });
  const results: RunResult[] = [];
  const failures: SuiteReport['failures'] = [];
  const configs: SuiteReport['configs'] = {};
  const detectionSources: SuiteReport['detectionSources'] = {};
  const clouds = await Clouds.start(dir, { ...(o.forceLoopback ? { forceLoopback: true } : {}), ...(o.requireNetns ? { requireNetns: true } : {}) });
  const lab = clouds.lab;
  if (lab.mode === 'loopback') {
    log('');
    log('!!! chaos: NETWORK NAMESPACES UNAVAILABLE: ' + lab.why);
    log('!!! chaos: falling back to 127.0.0.1; black holes are approximated by SIGSTOP. Run as root for real results.');
    log('');
  } else {
    log(`chaos: clouds in network namespaces ${[...lab.clouds.values()].map((c) => `${c.ns} (${c.address})`).join(', ')}`);
  }
  try {
    for (const s of chosen) {
      const methods: Method[] = s.post && o.post !== false ? ['GET', 'POST'] : ['GET'];
      for (const method of methods) {
        for (const proxy of proxies) {
          machine.loadAverageRuns.push(Math.round((loadavg()[0] ?? 0) * 100) / 100);
          try {
            const rec = await runOne({ clouds, scenario: s, proxy, method, dir, timing, load });
            const res = analyze(rec, timing);
            results.push(res);
            configs[proxy] ??= rec.configText;
            detectionSources[proxy] ??= rec.observations.source;
            log(summary(res));
          } catch (err) {
            const msg = (err as Error).message;
            failures.push({ scenario: s.name, proxy, method, error: msg });
            log(`chaos: ${s.name} / ${proxy} / ${method} FAILED: ${msg}`);
          }
        }
      }
    }
  } finally {
    await clouds.stop();
    forgetDir();
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
    else log(`chaos: logs kept in ${dir}`);
    const left = pendingCleanups();
    if (left.length > 0) {
      log(`chaos: still pending after stop, removing now: ${left.join(', ')}`);
      cleanupNow(log);
    }
  }
  machine.loadAverageEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  const flap = chosen.find((s) => s.name === 'flap');
  return {
    machine,
    lab: { mode: lab.mode, why: lab.why, subnet: lab.subnet ?? null, clouds: [...lab.clouds.values()].map((c) => ({ name: c.name, ns: c.ns ?? null, address: c.address })) },
    timing, load, shape,
    scenarios: chosen.map((s) => ({ name: s.name, title: s.title, fault: s.fault, durationMs: s.durationMs, faulted: s.faulted, post: s.post })),
    results,
    targets: evaluate(results, timing, flap ? flap.durationMs - shape.warmMs : undefined),
    configs, detectionSources, failures,
    durationMs: Date.now() - started,
  };
}

function summary(r: RunResult): string {
  const f = (x: number | null): string => (x === null ? '—' : String(x));
  return `chaos: ${r.scenario.padEnd(12)} ${r.proxy.padEnd(7)} ${r.method.padEnd(4)} errors ${String(r.errors).padStart(4)}/${r.requests}`
    + ` lost ${r.lost} detect ${f(r.detectMs)} ms switch ${f(r.fullSwitchMs)} ms p99 ${f(r.p99Ms)} ms`
    + (r.post ? ` POST dup ${r.post.duplicates}` : '') + ` (setup ${r.setupMs} ms)` + (r.failingTotal !== null ? ` gray before-out ${f(r.failingBeforeDetect)}` : '');
}
