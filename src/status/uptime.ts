import type { DayUptime } from './source.js';

/**
 * Per-day availability from a component's level changes. `degraded` (part of a pool out,
 * or traffic on a backup) is shown but counts as available: the service still answered.
 * Days are UTC calendar days, as the SLA month is (SLA tables are per calendar month).
 */
export type Level = 'up' | 'degraded' | 'down';

export interface LevelHistory {
  /** When observation began; earlier time is "no data". */
  since: number;
  /** Level from `since` until the first change. */
  initial: Level;
  /** Sorted by time. */
  changes: Array<{ at: number; level: Level }>;
}

export const DAY_MS = 86_400_000;

export function dayKey(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

export function dailyUptime(h: LevelHistory, days: number, now: number): DayUptime[] {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const out: DayUptime[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const start = today - i * DAY_MS;
    const from = Math.max(start, h.since);
    const to = Math.min(start + DAY_MS, now);
    out.push(to <= from ? { day: dayKey(start), availability: null, downMs: 0, degradedMs: 0 } : bucket(h, from, to, start));
  }
  return out;
}

function bucket(h: LevelHistory, from: number, to: number, dayStart: number): DayUptime {
  let downMs = 0;
  let degradedMs = 0;
  let level = h.initial;
  let segStart = h.since;
  const add = (a: number, b: number, l: Level): void => {
    const ms = Math.min(b, to) - Math.max(a, from);
    if (ms <= 0) return;
    if (l === 'down') downMs += ms;
    else if (l === 'degraded') degradedMs += ms;
  };
  for (const c of h.changes) {
    if (c.at >= to) break;
    add(segStart, c.at, level);
    segStart = c.at;
    level = c.level;
  }
  add(segStart, to, level);
  return { day: dayKey(dayStart), availability: 1 - downMs / (to - from), downMs, degradedMs };
}

/** Appends a change if it differs from the current level; drops changes older than `keepFrom`. */
export function recordLevel(h: LevelHistory, at: number, level: Level, keepFrom: number): boolean {
  const current = h.changes.length > 0 ? h.changes[h.changes.length - 1]!.level : h.initial;
  if (current === level) return false;
  h.changes.push({ at: Math.max(at, h.since), level });
  // Fold changes that fell out of the window into `initial` so history stays bounded.
  while (h.changes.length > 0 && h.changes[0]!.at <= keepFrom) {
    h.initial = h.changes.shift()!.level;
    h.since = Math.max(h.since, keepFrom);
  }
  return true;
}
