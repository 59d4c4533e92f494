import { SMALL_BODY } from './configs.js';
import type { Target, TargetId } from './lineup.js';
import { treeUsage } from './procfs.js';
import { busyPct, coreTimes, median } from './stats.js';
import { errorCount, runWrk } from './wrk.js';

export type ScenarioId = 'small-c10' | 'small-c50' | 'big-c10';

export interface Scenario {
  id: ScenarioId;
  title: string;
  path: string;
  connections: number;
}

export const SCENARIOS: readonly Scenario[] = [
  { id: 'small-c10', title: `small JSON body (${SMALL_BODY.length} B), 10 connections`, path: '/', connections: 10 },
  { id: 'small-c50', title: `small JSON body (${SMALL_BODY.length} B), 50 connections`, path: '/', connections: 50 },
  { id: 'big-c10', title: '1 MiB body, 10 connections', path: '/big', connections: 10 },
];

/** One wrk run against one target. */
export interface Sample {
  rps: number;
  p50Us: number;
  p99Us: number;
  /** CPU time of the proxy's process tree per request, µs. */
  cpuUsPerReq: number;
  rssBytes: number;
  errors: number;
  /** Busy share of the proxy's core not explained by the proxy itself: other engineers' load. */
  foreignPct: number;
  /** The busiest process's share of the tree's CPU time (1 for one process; ~0.5 for two even workers). */
  topProcessShare: number;
}

/** One target in one scenario: its samples, summarised in the Sample fields (medians; RSS the max, errors the sum). */
export interface Cell extends Sample {
  target: TargetId;
  scenario: ScenarioId;
  samples: Sample[];
}

export async function measure(t: Target, s: Scenario, seconds: number, loadCpu: string): Promise<Sample> {
  const before = treeUsage(t.proc.pid);
  const coresBefore = coreTimes();
  const r = await runWrk({ url: `http://127.0.0.1:${t.port}${s.path}`, connections: s.connections, seconds, cpus: loadCpu });
  const coresAfter = coreTimes();
  const after = treeUsage(t.proc.pid);
  const secs = r.durationUs / 1e6;
  const cpu = Math.max(0, after.cpuSeconds - before.cpuSeconds);
  // Only meaningful when the target has its core to itself (not for the 2-core worker mode).
  const proxyCore = `cpu${t.cpus}`;
  const foreign = /^\d+$/.test(t.cpus) ? Math.max(0, busyPct(coresBefore, coresAfter, proxyCore) - (100 * cpu) / secs) : Number.NaN;
  return {
    rps: r.requests / secs,
    p50Us: r.latencyUs.p50,
    p99Us: r.latencyUs.p99,
    cpuUsPerReq: r.requests > 0 ? (cpu * 1e6) / r.requests : Number.NaN,
    rssBytes: after.rssBytes,
    errors: errorCount(r),
    foreignPct: foreign,
    topProcessShare: topShare(before.cpuByPid, after.cpuByPid),
  };
}

function topShare(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  let top = 0;
  for (const [pid, t] of after) {
    const d = t - (before.get(pid) ?? 0);
    total += d;
    top = Math.max(top, d);
  }
  return total > 0 ? top / total : 1;
}

export function toCell(target: TargetId, scenario: ScenarioId, samples: Sample[]): Cell {
  const m = (f: (s: Sample) => number) => median(samples.map(f));
  return {
    target, scenario, samples,
    rps: m((s) => s.rps), p50Us: m((s) => s.p50Us), p99Us: m((s) => s.p99Us),
    cpuUsPerReq: m((s) => s.cpuUsPerReq),
    rssBytes: Math.max(...samples.map((s) => s.rssBytes)),
    errors: samples.reduce((a, s) => a + s.errors, 0),
    foreignPct: m((s) => s.foreignPct),
    topProcessShare: m((s) => s.topProcessShare),
  };
}

/**
 * Round r visits the targets starting at a different offset, so no target is always
 * measured first (cold) or right after the heaviest one: position effects spread evenly.
 */
export function rotation<T>(xs: readonly T[], r: number): T[] {
  if (xs.length === 0) return [];
  const k = r % xs.length;
  return [...xs.slice(k), ...xs.slice(0, k)];
}
