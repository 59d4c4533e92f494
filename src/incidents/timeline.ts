import { formatDuration } from '../common/index.js';
import type { DetourEvent, Evidence } from '../model/index.js';
import type { IncidentNote, StoredEvent, TimelineEntry, TimelineKind } from './types.js';

const ACTION_KINDS: ReadonlySet<TimelineKind> = new Set(['endpoint-down', 'endpoint-up', 'failover', 'failback', 'all-down']);

/** The incident's timeline: its events and notes in time order (ties: events first, in commit order). */
export function timeline(events: readonly StoredEvent[], notes: readonly IncidentNote[], service: string): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  let prev: DetourEvent | undefined;
  for (const s of events) {
    const e = entry(s, service, prev);
    prev = s.event;
    if (e) out.push(e);
  }
  for (const n of notes) {
    // A status change through the API is already an incident.changed event; its note text is kept here.
    out.push({ at: n.at, kind: 'note', service, text: n.status ? `${n.text} (status → ${n.status})` : n.text, actor: n.actor, automatic: false });
  }
  return out.sort((a, b) => a.at - b.at || (a.eventId ?? Infinity) - (b.eventId ?? Infinity));
}

/** What Detour did by itself: ejections, returns, failovers, failbacks, DNS answer changes. */
export function actions(entries: readonly TimelineEntry[]): TimelineEntry[] {
  return entries.filter((e) => e.automatic && ACTION_KINDS.has(e.kind));
}

function entry(s: StoredEvent, service: string, prev: DetourEvent | undefined): TimelineEntry | undefined {
  const e = s.event;
  const base = { at: e.at, eventId: s.id, service: s.service ?? service, ...(s.evidence ? { evidence: s.evidence } : {}) };
  const auto = (kind: TimelineKind, text: string, pool?: string | null): TimelineEntry =>
    ({ ...base, kind, text, actor: 'detour', automatic: true, ...(pool ? { pool } : {}) });
  switch (e.type) {
    case 'endpoint.health': {
      const where = `${e.pool} ${e.endpoint}`;
      if (e.to === 'healthy') return auto('endpoint-up', `${where} healthy again (${e.reason})`, e.pool);
      if (e.to === 'drained' || e.source === 'admin') {
        return { ...base, pool: e.pool, kind: 'override', text: `${where} ${e.to} by an operator`, actor: 'operator', automatic: false };
      }
      // The ejection right before says the same with more detail.
      if (prev?.type === 'outlier.ejection' && prev.enforced && prev.endpoint === e.endpoint && e.to === 'ejected') return undefined;
      return auto('endpoint-down', `${where} taken out of service: ${e.to} (${e.reason}${evidence(e.evidence)})`, e.pool);
    }
    case 'outlier.ejection':
      return e.enforced
        ? auto('endpoint-down', `${e.pool} ${e.endpoint} ejected for ${formatDuration(e.durationMs)} (ejection ${e.ejections}: ${e.reason}${evidence(e.evidence)})`, e.pool)
        : auto('endpoint-down', `${e.pool} ${e.endpoint} failing but not ejected: maxEjectionPercent reached (${e.reason}${evidence(e.evidence)})`, e.pool);
    case 'pool.active': {
      if (e.to === null) return auto('all-down', `no pool of ${e.service} is routable (${e.reason})`);
      const failover = e.from === null || e.to.priority > e.from.priority;
      return auto(failover ? 'failover' : 'failback', `traffic ${failover ? 'moved' : 'returned'} to ${e.to.pool}${e.from ? ` from ${e.from.pool}` : ''} (${e.reason})`, e.to.pool);
    }
    case 'service.all-down':
      return auto('all-down', `${e.service} has no routable endpoint; allDown ${e.policy}`);
    case 'override.changed':
      return {
        ...base, kind: 'override', actor: 'operator', automatic: false, ...(e.pool ? { pool: e.pool } : {}),
        text: `operator: ${e.action} ${[e.pool, e.endpoint, e.priority].filter((x) => x !== undefined).join(' ')}`.trim(),
      };
    case 'config.reload':
      return { ...base, kind: 'override', actor: 'operator', automatic: false, text: e.ok ? 'configuration reloaded' : `configuration reload refused: ${e.error ?? ''}` };
    case 'dns.answer':
      return auto('failover', `DNS ${e.record} ${e.rrtype}: ${e.from.join(', ') || '(none)'} → ${e.to.join(', ') || '(none)'} (${e.reason})`);
    case 'dns.alert':
      return auto(e.kind === 'all-down' ? 'all-down' : 'note', `DNS: ${e.message}`);
    case 'incident.changed':
      return {
        ...base, kind: e.change === 'opened' ? 'detected' : e.change === 'note' ? 'note' : e.status,
        text: e.text, actor: e.actor ?? 'detour', automatic: e.actor === undefined,
      };
    case 'slo.burn':
      return auto('note', `${e.alert} burn-rate alert ${e.state}: ${e.longBurn.toFixed(1)}× over ${formatDuration(e.longWindowMs)}, ${e.shortBurn.toFixed(1)}× over ${formatDuration(e.shortWindowMs)} (threshold ${e.threshold}×)`);
    case 'store.health':
      return auto('note', e.ok ? 'event store committing again' : `event store failing: ${e.error ?? ''}`);
    case 'dns.observation':
    case 'dns.provider':
      return undefined;
    default: {
      const never: never = e;
      return never;
    }
  }
}

function evidence(ev: Evidence | undefined): string {
  if (!ev) return '';
  // The cloud's RequestId is what its support desk asks for when the incident becomes a ticket or an SLA claim.
  const parts = [ev.status !== undefined ? `HTTP ${ev.status}` : undefined, ev.errorCode, ev.message, ev.requestId && `RequestId ${ev.requestId}`]
    .filter((x): x is string => !!x);
  return parts.length ? `; ${parts.join(', ')}` : '';
}
