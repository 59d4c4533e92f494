import { html, type Html } from '../html.js';
import type { PublicComponent, PublicPage } from '../public-view.js';
import { lineChart } from './charts.js';
import { STATUS_LABEL, fmtDuration, fmtLatency, fmtPercent } from './format.js';
import { incidentCard, incidentList } from './incidents.js';
import { banner, page, region, statusIcon } from './layout.js';
import { uptimeBars } from './uptime-bars.js';

export interface PublicOptions {
  windowMs: number;
  version: string;
  /** Served under the admin listener as a preview: assets and stream live there. */
  preview: boolean;
}

export function publicRegions(p: PublicPage, o: Pick<PublicOptions, 'windowMs'>): Record<string, Html> {
  const open = p.incidents.filter((i) => i.status !== 'resolved').length;
  return {
    'r-banner': banner(p.overall, open > 0 ? `${open} active incident${open > 1 ? 's' : ''}, details below` : 'Live status, updated as it changes'),
    'r-components': html`${p.components.map(component)}`,
    'r-charts': p.charts ? html`${p.components.map((c) => charts(c, p.sampledAt, o.windowMs))}` : html``,
    'r-incidents': incidentList(p.incidents.map((i) => incidentCard({
      id: i.id, title: i.title, status: i.status, startedAt: i.startedAt, resolvedAt: i.resolvedAt, facts: [], timeline: i.updates,
    })), p.history ? 'No incidents reported.' : 'Incident history is temporarily unavailable.'),
  };
}

export function publicPage(p: PublicPage, o: PublicOptions): Html {
  const r = publicRegions(p, o);
  const body = html`<header class="public-header"><div class="container narrow">
  <h1 class="public-title">${p.title}</h1>
  <span class="live" id="live" data-live="connecting"><i></i><span>Live</span></span>
</div></header>
<main class="container narrow">
  ${o.preview ? html`<p class="preview-note">Preview of the public page, as customers see it. <a href="/dashboard">Back to the dashboard</a></p>` : ''}
  ${region('r-banner', r['r-banner']!)}
  <section class="card components">${region('r-components', r['r-components']!)}</section>
  ${p.charts ? html`<h2 class="section-title">Performance <span class="muted">last ${fmtDuration(o.windowMs)}</span></h2>${region('r-charts', r['r-charts']!, 'div', 'charts')}` : ''}
  <h2 class="section-title">Incidents</h2>
  ${region('r-incidents', r['r-incidents']!)}
</main>
<footer class="footer">Powered by Detour${o.preview ? '' : html` · <a href="/api/status.json">JSON</a>`}</footer>`;
  return page({
    title: p.title, assets: o.preview ? '/dashboard/assets' : '/assets',
    events: o.preview ? '/dashboard/public-preview/events' : '/events', version: o.version, bodyClass: 'public', now: p.now, body,
  });
}

function component(c: PublicComponent): Html {
  return html`<div class="component" data-key="${c.key}" data-state="${c.status}">
  <div class="component-head">
    <div><span class="component-name">${c.label}</span>${c.description ? html`<span class="component-desc">${c.description}</span>` : ''}</div>
    <span class="status-text status-${c.status}">${statusIcon(c.status)}${STATUS_LABEL[c.status]}</span>
  </div>
  ${uptimeBars(c.uptime)}
  ${c.children.length > 0 ? html`<ul class="children">${c.children.map((ch) => html`<li data-key="${ch.key}" data-state="${ch.status}"><span class="dot dot-${ch.status}"></span><span>${ch.label}</span><span class="status-text status-${ch.status}">${STATUS_LABEL[ch.status]}</span></li>`)}</ul>` : ''}
</div>`;
}

function charts(c: PublicComponent, now: number, windowMs: number): Html {
  const from = now - windowMs;
  const pts = c.series.filter((p) => p.at >= from);
  return html`<div class="card chart-card"><h3>${c.label}</h3><div class="chart-pair">
${lineChart({
  title: 'Response time', from, to: now, floor: 0.01, format: fmtLatency,
  series: [
    { name: 'median', cls: 's-p50', values: pts.map((p) => [p.at, p.p50] as const) },
    { name: 'p95', cls: 's-p95', values: pts.map((p) => [p.at, p.p95] as const) },
  ],
})}
${lineChart({
  title: 'Error rate', from, to: now, floor: 0.01, format: (x) => fmtPercent(x, x < 0.1 ? 2 : 1),
  series: [{ name: 'errors', cls: 's-err', area: true, values: pts.map((p) => [p.at, p.errorRate] as const) }],
})}
</div></div>`;
}
