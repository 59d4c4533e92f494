import { html, type Html } from '../html.js';
import type { Incident, TimelineKind } from '../source.js';
import type { PageView, ServiceView } from '../view.js';
import { uptimePercent } from '../view.js';
import { lineChart } from './charts.js';
import { STATUS_LABEL, fmtDuration, fmtLatency, fmtPercent, fmtRate } from './format.js';
import { INCIDENT_LABEL, incidentCard, incidentList } from './incidents.js';
import { LOGO, banner, page, region } from './layout.js';
import { serviceCard } from './service-card.js';

export interface DashboardOptions {
  csrf: string;
  /** The chart window (the sampler's history) and the time between two points. */
  windowMs: number;
  intervalMs: number;
  /** What the incident source lets operators do from the page. */
  canNote: boolean;
  canSetStatus: boolean;
  version: string;
}

const KIND_LABEL: Record<TimelineKind, string> = {
  detected: 'Detected', 'endpoint-down': 'Endpoint out', 'endpoint-up': 'Endpoint back', failover: 'Failover',
  failback: 'Failback', 'all-down': 'All down', mitigated: 'Mitigated', monitoring: 'Monitoring', resolved: 'Resolved',
  override: 'Operator', note: 'Note',
};

/** The regions the live stream replaces, by element id. */
export function dashboardRegions(v: PageView, o: DashboardOptions): Record<string, Html> {
  const open = v.incidents.filter((i) => i.status !== 'resolved').length;
  const detail = open > 0 ? `${open} open incident${open > 1 ? 's' : ''}` : `${v.services.length} service${v.services.length === 1 ? '' : 's'} monitored from ${v.observer}`;
  return {
    'r-banner': html`${banner(v.overall, detail)}${v.problems.map((p) => html`<p class="notice notice-error problem" role="alert">Incident history unavailable: ${p}</p>`)}`,
    'r-summary': summary(v, o),
    'r-providers': providers(v),
    'r-services': html`${v.services.map((s) => serviceCard(s, { csrf: o.csrf }))}`,
    'r-charts': html`${v.services.map((s) => charts(s, v.sampledAt, o.windowMs))}`,
    'r-incidents': incidentList(v.incidents.map((i) => incidentCard(card(i, v), noteForm(i, o))), 'No incidents recorded. Detour opens one automatically when an endpoint leaves service.'),
  };
}

export function dashboardPage(v: PageView, o: DashboardOptions): Html {
  const r = dashboardRegions(v, o);
  const body = html`<header class="topbar">
  <div class="topbar-inner">
    <a class="brand" href="/dashboard">${LOGO}<span>Detour</span><span class="brand-sub">${v.title}</span></a>
    <nav class="topnav">
      <span class="live" id="live" data-live="connecting"><i></i><span>Live</span></span>
      <a href="/dashboard/public-preview">Public page</a>
      <form method="post" action="/dashboard/logout"><input type="hidden" name="csrf" value="${o.csrf}"><button class="btn btn-ghost" type="submit">Log out</button></form>
    </nav>
  </div>
</header>
<main class="container">
  ${region('r-banner', r['r-banner']!)}
  ${region('r-summary', r['r-summary']!, 'div', 'stats')}
  <h2 class="section-title">Providers</h2>
  ${region('r-providers', r['r-providers']!, 'div', 'providers')}
  <h2 class="section-title">Services</h2>
  ${region('r-services', r['r-services']!)}
  <h2 class="section-title">Latency and errors <span class="muted">last ${fmtDuration(o.windowMs)}</span></h2>
  ${region('r-charts', r['r-charts']!, 'div', 'charts')}
  <h2 class="section-title">Incidents</h2>
  ${region('r-incidents', r['r-incidents']!)}
</main>
<footer class="footer">Detour · observer <span class="mono">${v.observer}</span> · up since ${new Date(v.startedAt).toISOString().replace('T', ' ').slice(0, 19)} UTC</footer>`;
  return page({ title: `${v.title} · Detour dashboard`, assets: '/dashboard/assets', events: '/dashboard/events', version: o.version, bodyClass: 'dashboard', csrf: o.csrf, now: v.now, body });
}

function summary(v: PageView, o: DashboardOptions): Html {
  const eps = v.services.flatMap((s) => s.pools.flatMap((p) => p.endpoints));
  // Rates over the last minute (or the whole chart window when it is shorter).
  const span = Math.min(60_000, o.windowMs);
  const recent = v.services.flatMap((s) => s.series.filter((p) => p.at > v.sampledAt - span));
  const req = recent.reduce((n, p) => n + p.requests, 0);
  const err = recent.reduce((n, p) => n + p.errors, 0);
  const p95 = recent.filter((p) => p.p95 !== null).sort((a, b) => a.at - b.at).map((p) => p.p95!);
  const rate = req / (span / 1000);
  const spanText = `last ${fmtDuration(span)}`;
  const stat = (label: string, value: string, note: string, state = '') => html`<div class="stat ${state}"><span class="stat-label">${label}</span><span class="stat-value">${value}</span><span class="stat-note">${note}</span></div>`;
  const okServices = v.services.filter((s) => s.status === 'operational').length;
  const healthy = eps.filter((e) => e.health === 'healthy').length;
  const open = v.incidents.filter((i) => i.status !== 'resolved').length;
  return html`${stat('Services', `${okServices}/${v.services.length}`, 'operational', okServices === v.services.length ? '' : 'stat-warn')}
${stat('Endpoints', `${healthy}/${eps.length}`, 'healthy', healthy === eps.length ? '' : 'stat-bad')}
${stat('Open incidents', String(open), open === 0 ? 'none' : 'see below', open === 0 ? '' : 'stat-bad')}
${stat('Requests', fmtRate(rate), spanText)}
${stat('Error rate', req === 0 ? '–' : fmtPercent(err / req), `5xx to clients, ${spanText}`, err > 0 ? 'stat-warn' : '')}
${stat('Latency p95', p95.length === 0 ? '–' : fmtLatency(Math.max(...p95.slice(-3))), 'upstream, latest')}`;
}

function providers(v: PageView): Html {
  if (v.providers.length === 0) return html`<p class="empty">No pool has a <code>provider</code> label.</p>`;
  return html`${v.providers.map((p) => {
    const pct = uptimePercent(p.uptime);
    return html`<div class="provider" data-key="${p.key}" data-state="${p.status}">
  <span class="dot dot-${p.status}"></span>
  <div><strong>${p.label}</strong><span class="muted small">${pct === null ? 'no data' : `${fmtPercent(pct / 100)} · 90 days`}</span></div>
  <span class="status-text status-${p.status}">${STATUS_LABEL[p.status]}</span>
</div>`;
  })}`;
}

function charts(s: ServiceView, now: number, windowMs: number): Html {
  const from = now - windowMs;
  const pts = s.series.filter((p) => p.at >= from);
  return html`<div class="card chart-card"><h3>${s.label}</h3><div class="chart-pair">
${lineChart({
  title: 'Upstream latency', from, to: now, floor: 0.01, format: fmtLatency,
  series: [
    { name: 'p50', cls: 's-p50', values: pts.map((p) => [p.at, p.p50] as const) },
    { name: 'p95', cls: 's-p95', values: pts.map((p) => [p.at, p.p95] as const) },
  ],
})}
${lineChart({
  title: 'Error rate (5xx to clients)', from, to: now, floor: 0.01, format: (x) => fmtPercent(x, x < 0.1 ? 2 : 1),
  series: [{ name: '5xx', cls: 's-err', area: true, values: pts.map((p) => [p.at, p.requests === 0 ? null : p.errors / p.requests] as const) }],
})}
</div></div>`;
}

function card(i: Incident, v: PageView) {
  const label = v.services.find((s) => s.name === i.service)?.label ?? i.service;
  const where = [i.provider, i.region].filter((x): x is string => x !== null).join(' ');
  const facts: Array<[string, string]> = [['Incident', i.id]];
  if (i.pools.length > 0) facts.push(['Pools', i.pools.join(', ') + (where ? ` (${where})` : '')]);
  facts.push(['Time to mitigate', i.mitigatedAt === null ? 'not mitigated' : fmtDuration(i.mitigatedAt - i.startedAt)]);
  facts.push(['Client errors', String(i.clientErrors)]);
  return {
    id: i.id, title: i.title ?? `${label}: ${i.pools.length > 0 ? i.pools.join(', ') : 'service'} ${i.timeline.some((t) => t.kind === 'all-down') ? 'down' : 'degraded'}`,
    status: i.status, startedAt: i.startedAt, resolvedAt: i.resolvedAt, facts,
    timeline: i.timeline.map((t) => ({ at: t.at, kind: t.kind, label: KIND_LABEL[t.kind], text: t.text })),
  };
}

function noteForm(i: Incident, o: DashboardOptions): Html | string {
  if (!o.canNote && !o.canSetStatus) return '';
  const statuses = INCIDENT_STATUSES.filter((s) => s !== i.status);
  return html`<form class="note-form" method="post" action="/dashboard/incidents/${encodeURIComponent(i.id)}/notes">
  <input type="hidden" name="csrf" value="${o.csrf}">
  ${o.canSetStatus ? html`<select class="input select" name="status" aria-label="Status"><option value="">Keep status</option>${statuses.map((s) => html`<option value="${s}">Set ${INCIDENT_LABEL[s]}</option>`)}</select>` : ''}
  <input class="input" name="text" maxlength="2000" ${o.canSetStatus ? '' : 'required'} placeholder="Add a note to the timeline" aria-label="Note">
  <button class="btn" type="submit">Post update</button>
</form>`;
}

const INCIDENT_STATUSES = ['detected', 'mitigated', 'monitoring', 'resolved'] as const;
