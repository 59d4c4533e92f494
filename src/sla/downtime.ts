import type { Segment } from './history.js';

export interface UnavailableRule {
  /** Outages this long or shorter are not counted (Tencent CVM: 60 s). */
  minOutageMs: number;
  /** `up`: each outage counts as whole minutes, rounded up (Tencent: 1 min 01 s = 2 min); `exact`: as measured. */
  rounding: 'up' | 'exact';
}

export interface Outage {
  start: number;
  end: number;
  /** Minutes it counts for under the rule (0 when too short). */
  minutes: number;
}

/**
 * An endpoint whose ejection time is served returns at once when there are no active
 * checks, and is ejected again by the next failing requests: a still-broken cloud shows
 * as down stretches a few seconds apart. Stretches separated by less than this (and no
 * unobserved time) are one outage, as the provider's "start of failure to recovery" is.
 */
export const FLAP_GAP_MS = 60_000;

/**
 * Unavailable minutes in [from, to) under a provider's definition: each outage (down
 * stretches joined over flaps) is measured from its start to its recovery and then
 * filtered and rounded as the provider's SLA says. An outage crossing the month edge
 * counts in each month for its part inside.
 */
export function unavailable(segs: readonly Segment[], from: number, to: number, rule: UnavailableRule, flapGapMs = FLAP_GAP_MS): { minutes: number; outages: Outage[] } {
  const outages: Outage[] = [];
  let unobservedSince = -Infinity; // the latest unobserved time seen, so no outage is joined across it
  for (const s of segs) {
    if (s.level === 'unobserved') unobservedSince = s.end;
    if (s.level !== 'down') continue;
    const start = Math.max(s.start, from);
    const end = Math.min(s.end, to);
    if (end <= start) continue;
    const last = outages[outages.length - 1];
    if (last && start - last.end <= flapGapMs && unobservedSince <= last.end) last.end = end;
    else outages.push({ start, end, minutes: 0 });
  }
  let minutes = 0;
  for (const o of outages) {
    const ms = o.end - o.start;
    o.minutes = ms <= rule.minOutageMs ? 0 : rule.rounding === 'up' ? Math.ceil(ms / 60_000) : ms / 60_000;
    minutes += o.minutes;
  }
  return { minutes, outages };
}

/** Availability as a fraction of the month: 1 − unavailable / total minutes. */
export function availability(unavailableMinutes: number, totalMinutes: number): number {
  return totalMinutes <= 0 ? 1 : Math.max(0, 1 - unavailableMinutes / totalMinutes);
}

/** Percent with two decimals, as SLA texts print it (0.997986 → "99.80"). */
export function pct(fraction: number, digits = 2): string {
  return (fraction * 100).toFixed(digits);
}
