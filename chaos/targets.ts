import { grayCounts, type RunResult } from './metrics.js';
import type { Timing } from './settings.js';

export type Verdict = 'pass' | 'fail' | 'tie';

export interface TargetCheck {
  /** The target as the issue states it. */
  target: string;
  scenario: string;
  method: string;
  verdict: Verdict;
  /** What was measured, in words and numbers. */
  measured: string;
}

/**
 * README hysteresis arithmetic for a flapping cloud: ejection n lasts baseEjection × n,
 * and a new ejection can only start after the previous one ended (an ejected endpoint
 * gets no traffic, so no evidence). Within a window W an endpoint can therefore be
 * ejected at most k times where baseEjection × (1 + 2 + … + (k−1)) < W, and each
 * ejection causes at most one failover and one failback.
 */
export function flapBound(windowMs: number, t: Timing): { maxEjections: number; maxSwitches: number; arithmetic: string } {
  let k = 0;
  while (t.ejectMs * ((k * (k + 1)) / 2) < windowMs) k++;
  const sums = Array.from({ length: k }, (_, i) => (t.ejectMs / 1000) * ((i * (i + 1)) / 2));
  return {
    maxEjections: k,
    maxSwitches: 2 * k,
    arithmetic: `ejections can start at ≥ ${sums.map((s) => `${s}s`).join(', ')} after the first (baseEjection ${t.ejectMs / 1000}s × 1, 2, …); `
      + `the next would start at ≥ ${(t.ejectMs / 1000) * ((k * (k + 1)) / 2)}s > window ${(windowMs / 1000).toFixed(1)}s, so ≤ ${k} ejections per endpoint and ≤ ${2 * k} pool switches`,
  };
}

const ms = (x: number | null): string => (x === null ? 'never' : `${x} ms`);

export function evaluate(results: readonly RunResult[], t: Timing, flapWindowMs: number | undefined): TargetCheck[] {
  const out: TargetCheck[] = [];
  const get = (scenario: string, proxy: string, method = 'GET'): RunResult | undefined =>
    results.find((r) => r.scenario === scenario && r.proxy === proxy && r.method === method);
  const add = (target: string, r: RunResult, pass: boolean, measured: string): void => {
    out.push({ target, scenario: r.scenario, method: r.method, verdict: pass ? 'pass' : 'fail', measured });
  };
  const gray = ['gray-tencent', 'gray-aliyun', 'gray-aws'];
  for (const s of ['kill', 'partial', ...gray]) {
    const r = get(s, 'detour');
    if (!r) continue;
    add('0 client-visible errors (idempotent GETs)', r, r.errors === 0, `${r.errors} errors of ${r.requests}${r.errors ? ` (${kinds(r)})` : ''}`);
    add('full switch ≤ 1 s after detection', r,
      r.fullSwitchMs !== null && r.fullSwitchMs <= (r.detectMs ?? 0) + 1000,
      `detection ${ms(r.detectMs)}, full switch ${ms(r.fullSwitchMs)} after the fault`);
  }
  for (const s of gray) {
    const r = get(s, 'detour');
    if (!r) continue;
    add('gray failure detected within 5 failing responses', r, r.detectMs !== null && (r.failingBeforeDetect ?? Infinity) <= 5,
      r.detectMs === null ? `never detected (${r.failingTotal} failing responses)`
        : `failing responses the detector needed before it took the endpoint out: ${grayCounts(r)}`);
  }
  for (const s of ['blackhole', 'hang']) {
    const r = get(s, 'detour');
    if (!r) continue;
    const limit = t.connectMs + t.perTryMs;
    add(`switch within connect + one per-try timeout (${limit} ms)`, r, r.fullSwitchMs !== null && r.fullSwitchMs <= limit,
      `full switch ${ms(r.fullSwitchMs)} (detection ${ms(r.detectMs)})`);
  }
  for (const r of results.filter((x) => x.proxy === 'detour' && ['blackhole', 'hang', 'slow'].includes(x.scenario))) {
    add(`no request beyond the total deadline (${t.totalMs} ms)`, r, r.overDeadline === 0, `${r.overDeadline} requests over; slowest ${ms(r.maxMs)}`);
  }
  for (const r of results.filter((x) => x.proxy === 'detour' && x.post !== null)) {
    const p = r.post!;
    add('POST never sent twice', r, p.duplicates === 0, `${p.duplicates} POST ids arrived twice (${p.arrived} arrived)`);
    add('POST: at most the in-flight ones fail', r, (p.failedUnsent ?? 0) === 0,
      `${r.errors} failed: ${p.failedArrived} had reached an upstream, ${p.failedNeverArrived - (p.failedUnsent ?? 0)} were sent into the fault, ${p.failedUnsent ?? 0} failed although nothing was sent`);
  }
  const flap = get('flap', 'detour');
  if (flap && flapWindowMs !== undefined) {
    const b = flapBound(flapWindowMs, t);
    const sw = flap.proxySwitches ?? 0;
    const ejectionsInFlap = Math.max(0, ...Object.values(flap.ejections ?? {}));
    add('flap: pool switches bounded by the hysteresis arithmetic', flap, sw <= b.maxSwitches && ejectionsInFlap <= b.maxEjections,
      `${sw} pool switches, at most ${ejectionsInFlap} ejections of one endpoint; bound: ${b.arithmetic}`);
  }
  const rec = get('recovery', 'detour');
  if (rec) {
    add('recovery: clean failback (no errors, one switch back)', rec,
      rec.errorsAfterRecovery === 0 && (rec.proxySwitchesAfterRecovery ?? 0) <= 1 && rec.failbackFullMs !== null,
      `${rec.errorsAfterRecovery} errors after recovery, ${rec.proxySwitchesAfterRecovery} pool switches after recovery, all traffic back after ${ms(rec.failbackFullMs)}`);
  }
  for (const s of ['kill', ...gray]) {
    const d = get(s, 'detour');
    const n = get(s, 'nginx');
    const h = get(s, 'haproxy');
    if (!d || !n || !h) continue;
    const best = Math.min(n.errors, h.errors);
    out.push({
      target: 'Detour beats nginx and HAProxy on client-visible errors', scenario: s, method: 'GET',
      verdict: d.errors < best ? 'pass' : d.errors === best ? 'tie' : 'fail',
      measured: `Detour ${d.errors}, nginx ${n.errors}, HAProxy ${h.errors}`,
    });
  }
  return out;
}

function kinds(r: RunResult): string {
  return Object.entries(r.errorKinds).map(([k, v]) => `${v}× ${k}`).join(', ');
}
