import type { StatusPageConfig } from '../config/status-page.js';
import type { DayUptime, IncidentStatus, TimelineEntry, TimelineKind } from './source.js';
import type { PageView, ServiceView, Status } from './view.js';
import { worst } from './view.js';

/**
 * What customers may see: configured components by their customer-facing names, states,
 * uptime, latency and error *rates*, and incidents worded here from structured fields.
 * There is deliberately no field for an endpoint URL, a reason, a request count or an
 * operator note: the public renderer takes only this type, so it cannot show them.
 */
export interface PublicPoint {
  at: number;
  p50: number | null;
  p95: number | null;
  errorRate: number | null;
}

export interface PublicComponent {
  key: string;
  label: string;
  description: string | undefined;
  status: Status;
  uptime: DayUptime[];
  children: Array<{ key: string; label: string; status: Status }>;
  series: PublicPoint[];
}

export interface PublicIncident {
  id: string;
  title: string;
  status: IncidentStatus;
  startedAt: number;
  mitigatedAt: number | null;
  resolvedAt: number | null;
  updates: Array<{ at: number; kind: TimelineKind; label: string; text: string }>;
}

export interface PublicPage {
  title: string;
  now: number;
  /** Time of the last metrics sample: the right edge of the charts. */
  sampledAt: number;
  overall: Status;
  charts: boolean;
  components: PublicComponent[];
  incidents: PublicIncident[];
  /** False when incident history could not be read: the page must not claim there were no incidents. */
  history: boolean;
}

export function publicView(v: PageView, cfg: StatusPageConfig): PublicPage {
  const components: PublicComponent[] = [];
  const shown = new Map<string, { c: StatusPageConfig['components'][number]; s: ServiceView }>();
  for (const c of cfg.components) {
    const s = v.services.find((x) => x.name === c.service);
    if (!s) continue;
    shown.set(s.name, { c, s });
    components.push({
      key: s.key, label: c.name, description: c.description, status: s.status, uptime: s.uptime,
      children: c.pools === false ? [] : s.pools.map((p) => ({ key: p.key, label: (c.pools || {})[p.name] ?? p.name, status: p.status })),
      series: cfg.charts ? s.series.map((p) => ({ at: p.at, p50: p.p50, p95: p.p95, errorRate: p.requests === 0 ? null : p.errors / p.requests })) : [],
    });
  }
  const incidents: PublicIncident[] = [];
  for (const i of v.incidents) {
    const m = shown.get(i.service);
    if (!m) continue;
    const poolLabel = (pool: string | undefined): string | undefined => (m.c.pools === false || pool === undefined ? undefined : m.c.pools[pool]);
    const updates = i.timeline.flatMap((t) => {
      const u = publicUpdate(t, m.c.name, poolLabel(t.pool));
      return u ? [{ at: t.at, kind: t.kind, ...u }] : [];
    });
    const places = m.c.pools === false ? [] : i.pools.map((p) => poolLabel(p) ?? p);
    const outage = i.timeline.some((t) => t.kind === 'all-down');
    incidents.push({
      id: i.id, status: i.status, startedAt: i.startedAt, mitigatedAt: i.mitigatedAt, resolvedAt: i.resolvedAt, updates,
      title: `${m.c.name}: ${outage ? 'outage' : 'elevated errors'}${places.length > 0 ? ` in ${places.join(', ')}` : ''}`,
    });
  }
  return { title: cfg.title, now: v.now, sampledAt: v.sampledAt, overall: worst(components.map((c) => c.status)), charts: cfg.charts, components, incidents, history: v.problems.length === 0 };
}

/** Customer wording for a timeline entry, or nothing for entries that are internal detail. */
function publicUpdate(t: TimelineEntry, component: string, pool: string | undefined): { label: string; text: string } | undefined {
  switch (t.kind) {
    case 'detected':
      return { label: 'Investigating', text: `We detected errors affecting ${pool ?? component} and are investigating.` };
    case 'failover':
      return { label: 'Mitigated', text: `Traffic was moved automatically to ${pool ?? 'a backup location'}; ${component} keeps serving requests.` };
    case 'failback':
      return { label: 'Update', text: `Traffic returned to ${pool ?? 'the primary location'}.` };
    case 'all-down':
      return { label: 'Outage', text: `${component} is unavailable.` };
    case 'mitigated':
      return { label: 'Mitigated', text: `The impact on ${component} has been mitigated.` };
    case 'monitoring':
      return { label: 'Monitoring', text: 'The affected systems have recovered. We are monitoring.' };
    case 'resolved':
      return { label: 'Resolved', text: 'This incident has been resolved.' };
    case 'endpoint-down':
    case 'endpoint-up':
    case 'override':
    case 'note':
      return undefined;
    default: {
      const never: never = t.kind;
      return never;
    }
  }
}
