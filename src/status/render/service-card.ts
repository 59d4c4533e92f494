import { cls, html, type Html } from '../html.js';
import type { EndpointView, PoolView, ServiceView } from '../view.js';
import { uptimePercent } from '../view.js';
import { STATUS_LABEL, fmtPercent } from './format.js';
import { ago } from './time.js';
import { uptimeBars } from './uptime-bars.js';

export interface CardOptions {
  csrf: string;
}

/** The dashboard's view of one service: every pool and endpoint, with reasons and actions. */
export function serviceCard(s: ServiceView, o: CardOptions): Html {
  const serving = s.activePools.length > 0 ? `served by ${s.activePools.join(', ')}` : 'no pool is serving';
  return html`<section class="card service" data-key="${s.key}" data-state="${s.status}">
  <header class="card-head">
    <div class="card-title">
      <h3>${s.label}${s.label !== s.name ? html` <span class="muted mono">${s.name}</span>` : ''}</h3>
      <p class="muted">${serving}${s.onBackup ? html` <span class="badge badge-warn">on backup</span>` : ''}${s.forcedPriority !== null ? html` <span class="badge badge-info">priority forced to ${s.forcedPriority}</span>` : ''}</p>
    </div>
    <span class="pill pill-${s.status}">${STATUS_LABEL[s.status]}</span>
  </header>
  ${uptimeBars(s.uptime)}
  <div class="pools">${s.pools.map((p) => poolBlock(s, p, o))}</div>
</section>`;
}

function poolBlock(s: ServiceView, p: PoolView, o: CardOptions): Html {
  const healthy = p.endpoints.filter((e) => e.health === 'healthy').length;
  const pct = uptimePercent(p.uptime);
  const where = [p.provider, p.region].filter((x): x is string => x !== null).join(' · ');
  return html`<div class="pool" data-key="${p.key}" data-state="${p.status}">
  <div class="pool-head">
    <span class="dot dot-${p.status}" title="${STATUS_LABEL[p.status]}"></span>
    <strong class="mono">${p.name}</strong>
    ${where ? html`<span class="muted">${where}</span>` : ''}
    <span class="badge">priority ${p.priority}</span>
    ${p.active ? html`<span class="badge badge-ok">serving</span>` : ''}
    <span class="pool-meta muted">${healthy}/${p.endpoints.length} healthy${pct === null ? '' : ` · ${fmtPercent(pct / 100)} (90 d)`}</span>
  </div>
  <table class="endpoints">
    <colgroup><col class="c-url"><col class="c-state"><col class="c-for"><col class="c-reason wide-only"><col class="c-num"><col class="c-num"><col class="c-act"></colgroup>
    <thead><tr><th>Endpoint</th><th>State</th><th>For</th><th class="wide-only">Reason</th><th class="num">Weight</th><th class="num">In flight</th><th></th></tr></thead>
    <tbody>${p.endpoints.map((e) => endpointRow(s, p, e, o))}</tbody>
  </table>
</div>`;
}

function endpointRow(s: ServiceView, p: PoolView, e: EndpointView, o: CardOptions): Html {
  const drain = e.health === 'drained' ? 'undrain' : 'drain';
  return html`<tr data-key="${e.key}" data-state="${e.status}" class="${cls('endpoint', `row-${e.status}`)}">
  <td class="mono">${e.url}</td>
  <td><span class="state state-${e.status}"><span class="dot dot-${e.status}"></span>${e.health}</span>${e.ejections > 0 ? html` <span class="muted small">(${e.ejections}× ejected)</span>` : ''}</td>
  <td>${ago(e.since)}</td>
  <td class="reason wide-only" title="${e.reason}">${e.reason}</td>
  <td class="num">${e.weight}</td>
  <td class="num">${e.inflight}</td>
  <td class="actions"><form method="post" action="/dashboard/action">
    <input type="hidden" name="csrf" value="${o.csrf}"><input type="hidden" name="action" value="${drain}">
    <input type="hidden" name="service" value="${s.name}"><input type="hidden" name="pool" value="${p.name}"><input type="hidden" name="endpoint" value="${e.url}">
    <button class="btn btn-small${drain === 'drain' ? '' : ' btn-primary'}" type="submit">${drain === 'drain' ? 'Drain' : 'Undrain'}</button>
  </form></td>
</tr>`;
}
