import { readFileSync } from 'node:fs';

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Busy and total jiffies of one CPU from /proc/stat (proc(5): user nice system idle iowait irq softirq steal). */
export interface CoreTimes {
  busy: number;
  total: number;
}

export function parseProcStat(text: string): Map<string, CoreTimes> {
  const out = new Map<string, CoreTimes>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('cpu')) continue;
    const [name, ...rest] = line.trim().split(/\s+/);
    const v = rest.slice(0, 8).map(Number);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    const total = v.reduce((a, b) => a + b, 0);
    out.set(name!, { busy: total - idle, total });
  }
  return out;
}

export function coreTimes(): Map<string, CoreTimes> {
  return parseProcStat(readFileSync('/proc/stat', 'utf8'));
}

/** Share (0..100) of a core that was busy between two snapshots. */
export function busyPct(before: Map<string, CoreTimes>, after: Map<string, CoreTimes>, core: string): number {
  const b = before.get(core);
  const a = after.get(core);
  if (!a || !b || a.total === b.total) return 0;
  return (100 * (a.busy - b.busy)) / (a.total - b.total);
}
