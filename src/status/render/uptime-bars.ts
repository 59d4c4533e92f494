import { html, type Html } from '../html.js';
import type { DayUptime } from '../source.js';
import { uptimePercent } from '../view.js';
import { fmtDate, fmtDuration, fmtPercent } from './format.js';

export type BarLevel = 'none' | 'up' | 'degraded' | 'partial' | 'down';

/** Colour of one day: any downtime is orange, more than 0.1% of the day (86 s) red. */
export function barLevel(d: DayUptime): BarLevel {
  if (d.availability === null) return 'none';
  if (d.downMs > 0) return d.availability < 0.999 ? 'down' : 'partial';
  return d.degradedMs > 0 ? 'degraded' : 'up';
}

function tip(d: DayUptime): string {
  const date = fmtDate(Date.parse(`${d.day}T00:00:00Z`));
  if (d.availability === null) return `${date}: no data`;
  const parts = [`${date}: ${fmtPercent(d.availability)} available`];
  if (d.downMs > 0) parts.push(`down ${fmtDuration(d.downMs)}`);
  if (d.degradedMs > 0) parts.push(`degraded ${fmtDuration(d.degradedMs)}`);
  if (d.downMs === 0 && d.degradedMs === 0) parts.push('no downtime');
  return parts.join(' · ');
}

/**
 * One bar per day, oldest left (Statuspage's layout). The bars are spans with a title
 * tooltip; narrow screens hide the oldest 60 in CSS and the legend says "30 days ago".
 */
export function uptimeBars(days: readonly DayUptime[]): Html {
  const pct = uptimePercent(days);
  return html`<div class="uptime">
  <div class="bars" role="img" aria-label="${`Uptime over the last ${days.length} days: ${pct === null ? 'no data' : fmtPercent(pct / 100)}`}">${days.map(
    (d) => html`<span class="bar bar-${barLevel(d)}" title="${tip(d)}"></span>`,
  )}</div>
  <div class="uptime-legend"><span class="wide-only">${days.length} days ago</span><span class="narrow-only">30 days ago</span><span class="rule"></span><span class="uptime-pct">${pct === null ? 'No data yet' : `${fmtPercent(pct / 100)} uptime`}</span><span class="rule"></span><span>Today</span></div>
</div>`;
}
