import type { EffectiveHealth } from '../model/index.js';
import type { Level, TopologyService } from './levels.js';

/**
 * Rebuilds what a component looked like over time from the stored record: the runs
 * (when Detour was observing), the topology in force, and every endpoint health change.
 * Each run starts with every endpoint healthy (as a fresh gateway does); time outside
 * any run is "unobserved", never counted as up or down.
 */
export interface RunSpan {
  start: number;
  end: number;
}

export interface TopologyAt {
  at: number;
  services: TopologyService[];
}

export interface HealthChange {
  at: number;
  service: string;
  pool: string;
  endpoint: string;
  to: EffectiveHealth;
}

export interface History {
  runs: RunSpan[];
  topologies: TopologyAt[];
  changes: HealthChange[];
}

export interface Segment {
  start: number;
  end: number;
  level: Level | 'unobserved';
}

/** How a component's level follows from the topology and endpoint health. */
export type LevelOf = (topology: readonly TopologyService[], health: (service: string, pool: string, endpoint: string) => EffectiveHealth) => Level;

export function segments(h: History, levelOf: LevelOf, from: number, to: number): Segment[] {
  const out: Segment[] = [];
  const push = (start: number, end: number, level: Segment['level']): void => {
    const s = Math.max(start, from);
    const e = Math.min(end, to);
    if (e <= s) return;
    const last = out[out.length - 1];
    if (last && last.level === level && last.end === s) last.end = e;
    else out.push({ start: s, end: e, level });
  };
  const runs = [...h.runs].filter((r) => r.end > from && r.start < to).sort((a, b) => a.start - b.start);
  const topologies = [...h.topologies].sort((a, b) => a.at - b.at);
  const changes = [...h.changes].sort((a, b) => a.at - b.at);
  let cursor = from;
  for (const run of runs) {
    push(cursor, run.start, 'unobserved');
    const health = new Map<string, EffectiveHealth>();
    const healthOf = (s: string, p: string, e: string): EffectiveHealth => health.get(`${s}/${p}/${e}`) ?? 'healthy';
    // Points where the level may change within the run: health changes and topology changes.
    const points = [
      ...changes.filter((c) => c.at >= run.start && c.at < run.end).map((c) => ({ at: c.at, change: c })),
      ...topologies.filter((t) => t.at > run.start && t.at < run.end).map((t) => ({ at: t.at, change: undefined })),
    ].sort((a, b) => a.at - b.at);
    let start = Math.max(run.start, cursor);
    let level = levelOf(topologyAt(topologies, run.start), healthOf);
    for (const p of points) {
      if (p.change) health.set(`${p.change.service}/${p.change.pool}/${p.change.endpoint}`, p.change.to);
      const next = levelOf(topologyAt(topologies, p.at), healthOf);
      if (next === level) continue;
      push(start, p.at, level);
      start = p.at;
      level = next;
    }
    push(start, run.end, level);
    cursor = Math.max(cursor, run.end);
  }
  push(cursor, to, 'unobserved');
  return out;
}

function topologyAt(ts: readonly TopologyAt[], at: number): readonly TopologyService[] {
  let found: TopologyAt | undefined;
  for (const t of ts) {
    if (t.at <= at) found = t;
    else break;
  }
  return found?.services ?? ts[0]?.services ?? [];
}

/** Sums of a segment list inside [from, to). */
export function totals(segs: readonly Segment[], from: number, to: number): { observedMs: number; downMs: number; degradedMs: number } {
  let observedMs = 0;
  let downMs = 0;
  let degradedMs = 0;
  for (const s of segs) {
    const ms = Math.min(s.end, to) - Math.max(s.start, from);
    if (ms <= 0 || s.level === 'unobserved') continue;
    observedMs += ms;
    if (s.level === 'down') downMs += ms;
    if (s.level === 'degraded') degradedMs += ms;
  }
  return { observedMs, downMs, degradedMs };
}

const DAY = 86_400_000;

/** The last `days` UTC days ending with the one holding `now`, oldest first. */
export function dailyUptime(segs: readonly Segment[], days: number, now: number): Array<{ day: string; availability: number | null; downMs: number; degradedMs: number }> {
  const today = Math.floor(now / DAY) * DAY;
  const out = [];
  for (let i = days - 1; i >= 0; i--) {
    const start = today - i * DAY;
    const t = totals(segs, start, Math.min(start + DAY, now));
    out.push({
      day: new Date(start).toISOString().slice(0, 10),
      availability: t.observedMs === 0 ? null : 1 - t.downMs / t.observedMs,
      downMs: t.downMs, degradedMs: t.degradedMs,
    });
  }
  return out;
}
