import { html, type Html } from '../html.js';
import type { IncidentStatus, TimelineKind } from '../source.js';
import { fmtDate, fmtDateTime, fmtDuration, fmtTime, iso } from './format.js';
import { ago } from './time.js';

/** What an incident card shows; the dashboard and the public page fill it differently. */
export interface IncidentCard {
  id: string;
  title: string;
  status: IncidentStatus;
  startedAt: number;
  resolvedAt: number | null;
  facts: Array<[string, string]>;
  timeline: Array<{ at: number; kind: TimelineKind; label: string; text: string }>;
}

export const INCIDENT_LABEL: Record<IncidentStatus, string> = {
  detected: 'Investigating',
  mitigated: 'Mitigated',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

/**
 * An incident with its timeline, newest entry first. Resolved incidents are folded into a
 * <details> summary line so a long history stays scannable; open ones are shown in full.
 */
export function incidentCard(c: IncidentCard, extra: Html | string = ''): Html {
  const sameDay = (t: number) => fmtDate(t) === fmtDate(c.startedAt);
  const span = c.resolvedAt === null ? ago(c.startedAt, 'ongoing for {}') : `lasted ${fmtDuration(c.resolvedAt - c.startedAt)}`;
  const head = html`<div class="incident-head">
    <div>
      <h3>${c.title}</h3>
      <p class="muted"><time datetime="${iso(c.startedAt)}">${fmtDateTime(c.startedAt)}</time> · ${span}</p>
    </div>
    <span class="pill pill-incident-${c.status}">${INCIDENT_LABEL[c.status]}</span>
  </div>`;
  const detail = html`${c.facts.length > 0 ? html`<dl class="facts">${c.facts.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>` : ''}
  <ol class="timeline">${[...c.timeline].reverse().map((t) => html`<li class="tl tl-${t.kind}">
    <time datetime="${iso(t.at)}">${sameDay(t.at) ? fmtTime(t.at) : fmtDateTime(t.at)}</time>
    <span class="tl-label">${t.label}</span><span class="tl-text">${t.text}</span>
  </li>`)}</ol>
  ${extra}`;
  if (c.status === 'resolved') {
    return html`<details class="incident incident-resolved" data-incident="${c.id}" data-status="${c.status}"><summary>${head}</summary>${detail}</details>`;
  }
  return html`<article class="incident incident-${c.status}" data-incident="${c.id}" data-status="${c.status}">${head}${detail}</article>`;
}

export function incidentList(cards: Html[], empty: string): Html {
  return cards.length === 0 ? html`<p class="empty">${empty}</p>` : html`${cards}`;
}
