import { html, raw, type Html } from '../html.js';
import { fmtDuration } from './format.js';

export interface ChartSeries {
  name: string;
  /** CSS class giving the colour (stroke/fill come from the stylesheet, never inline styles, for the CSP). */
  cls: string;
  values: ReadonlyArray<readonly [number, number | null]>;
  area?: boolean;
}

export interface ChartOptions {
  title: string;
  series: ChartSeries[];
  from: number;
  to: number;
  format: (v: number) => string;
  /** Smallest top of the y axis, so a quiet service does not draw noise as a cliff. */
  floor: number;
}

const W = 600;
const H = 140;

/** 1, 2 or 5 × 10^k at or above v: round axis tops. */
export function niceCeil(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/**
 * A small inline SVG line chart (no chart library). The SVG stretches to its box
 * (preserveAspectRatio none) and strokes use vector-effect so lines keep their width;
 * all text is HTML around it, so it never stretches.
 */
export function lineChart(o: ChartOptions): Html {
  const values = o.series.flatMap((s) => s.values.map(([, v]) => v)).filter((v): v is number => v !== null);
  const top = niceCeil(Math.max(o.floor, ...values));
  const x = (t: number) => ((t - o.from) / Math.max(1, o.to - o.from)) * W;
  const y = (v: number) => H - (Math.min(v, top) / top) * (H - 4);
  const last = (s: ChartSeries) => [...s.values].reverse().find(([, v]) => v !== null)?.[1] ?? null;
  const paths = o.series.map((s) => {
    const segs = segments(s.values.filter(([t]) => t >= o.from && t <= o.to));
    const d = segs.map((seg) => {
      const pts = seg.length === 1 ? [[seg[0]![0] - (o.to - o.from) / 200, seg[0]![1]] as const, seg[0]!] : seg;
      return pts.map(([t, v], i) => `${i === 0 ? 'M' : 'L'}${x(t).toFixed(1)} ${y(v).toFixed(1)}`).join(' ');
    });
    const area = s.area === true ? segs.map((seg) => {
      if (seg.length < 2) return '';
      const line = seg.map(([t, v], i) => `${i === 0 ? 'M' : 'L'}${x(t).toFixed(1)} ${y(v).toFixed(1)}`).join(' ');
      return `${line} L${x(seg[seg.length - 1]![0]).toFixed(1)} ${H} L${x(seg[0]![0]).toFixed(1)} ${H} Z`;
    }).join(' ') : '';
    return html`${area ? html`<path class="area ${s.cls}" d="${area}"></path>` : ''}<path class="line ${s.cls}" d="${d.join(' ')}" vector-effect="non-scaling-stroke"></path>`;
  });
  const grid = [0.25, 0.5, 0.75].map((f) => html`<line class="grid" x1="0" x2="${W}" y1="${(H - f * (H - 4)).toFixed(1)}" y2="${(H - f * (H - 4)).toFixed(1)}" vector-effect="non-scaling-stroke"></line>`);
  return html`<figure class="chart">
  <figcaption><span class="chart-title">${o.title}</span><span class="chart-legend">${o.series.map((s) => {
    const v = last(s);
    return html`<span class="legend-item"><i class="key ${s.cls}"></i>${s.name} <b>${v === null ? '–' : o.format(v)}</b></span>`;
  })}</span></figcaption>
  <div class="chart-plot"><span class="chart-ymax">${o.format(top)}</span>
    <svg viewBox="0 0 ${W} ${H}" preserveAspectRatio="none" role="img" aria-label="${o.title}">${grid}${raw('<line class="axis" x1="0" x2="600" y1="140" y2="140" vector-effect="non-scaling-stroke"></line>')}${paths}</svg>
    ${values.length === 0 ? html`<span class="chart-empty">No traffic in this period</span>` : ''}
  </div>
  <div class="chart-x"><span>${fmtDuration(o.to - o.from)} ago</span><span>now</span></div>
</figure>`;
}

function segments(values: ReadonlyArray<readonly [number, number | null]>): Array<Array<readonly [number, number]>> {
  const out: Array<Array<readonly [number, number]>> = [];
  let cur: Array<readonly [number, number]> = [];
  for (const [t, v] of values) {
    if (v === null) {
      if (cur.length > 0) out.push(cur);
      cur = [];
    } else cur.push([t, v]);
  }
  if (cur.length > 0) out.push(cur);
  return out;
}
