import type { Status } from '../view.js';

/** Human formats for pages. Times are UTC (one page, many viewers); the client may localise them. */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const two = (n: number): string => String(n).padStart(2, '0');

export function fmtTime(t: number): string {
  const d = new Date(t);
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

export function fmtDate(t: number): string {
  const d = new Date(t);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
}

export function fmtDateTime(t: number): string {
  const d = new Date(t);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} UTC`;
}

export function iso(t: number): string {
  return new Date(t).toISOString();
}

/** "45 s", "12 min", "1 h 27 min", "3 d 4 h". */
export function fmtDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}

export function fmtPercent(ratio: number, digits = 2): string {
  // Never round 99.996% up to a misleading 100.00%.
  const p = Math.floor(ratio * 100 * 10 ** digits) / 10 ** digits;
  return `${p.toFixed(digits)}%`;
}

export function fmtLatency(seconds: number | null): string {
  if (seconds === null) return '–';
  const ms = seconds * 1000;
  return ms < 10 ? `${ms.toFixed(1)} ms` : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function fmtRate(perSecond: number): string {
  return perSecond >= 100 ? `${Math.round(perSecond)}/s` : `${perSecond.toFixed(perSecond >= 10 ? 1 : 2)}/s`;
}

export const STATUS_LABEL: Record<Status, string> = {
  operational: 'Operational',
  degraded: 'Degraded',
  partial: 'Partial outage',
  major: 'Major outage',
  maintenance: 'Maintenance',
};

export const BANNER_TEXT: Record<Status, string> = {
  operational: 'All systems operational',
  degraded: 'Some systems are degraded',
  partial: 'Partial outage',
  major: 'Major outage',
  maintenance: 'Maintenance in progress',
};
