import { formatDuration } from '../common/index.js';
import type { NotifyOn } from '../config/record.js';
import type { DetourEvent } from '../model/index.js';

type IncidentChanged = Extract<DetourEvent, { type: 'incident.changed' }>;
type SloBurn = Extract<DetourEvent, { type: 'slo.burn' }>;

/** One message to send: an incident's changes (coalesced over a short window) or a burn-rate alert. */
export type Notice =
  | { kind: 'incident'; on: Extract<NotifyOn, `incident.${string}`>; at: number; id: string; status: IncidentChanged['status'];
      service: string; provider: string | null; region: string | null; changes: Array<{ at: number; text: string; actor?: string }> }
  | { kind: 'burn'; on: 'slo.burn'; at: number; event: SloBurn };

/** Changes of one incident within the batch window become one notice. */
export function incidentNotice(events: readonly IncidentChanged[]): Notice {
  const last = events[events.length - 1]!;
  const on = events.some((e) => e.change === 'opened') ? 'incident.opened' : last.status === 'resolved' ? 'incident.resolved' : 'incident.updated';
  return {
    kind: 'incident', on, at: last.at, id: last.id, status: last.status, service: last.service, provider: last.provider, region: last.region,
    changes: events.map((e) => ({ at: e.at, text: e.text, ...(e.actor !== undefined ? { actor: e.actor } : {}) })),
  };
}

export function burnNotice(e: SloBurn): Notice {
  return { kind: 'burn', on: 'slo.burn', at: e.at, event: e };
}

export interface Rendered {
  title: string;
  /** Plain text lines (Feishu text, the webhook's `text`). */
  lines: string[];
}

const ICON: Record<string, string> = { detected: '🔴', mitigated: '🟠', monitoring: '🟡', resolved: '🟢' };

export function render(n: Notice): Rendered {
  switch (n.kind) {
    case 'incident': {
      const where = [n.provider, n.region].filter(Boolean).join(' ');
      const verb = n.on === 'incident.opened' ? 'opened' : n.on === 'incident.resolved' ? 'resolved' : 'updated';
      return {
        title: `${ICON[n.status] ?? ''} Detour incident ${n.id} ${verb}: ${n.service}${where ? ` on ${where}` : ''} is ${n.status}`.trim(),
        lines: n.changes.map((c) => `${new Date(c.at).toISOString()} ${c.actor ? `${c.actor}: ` : ''}${c.text}`),
      };
    }
    case 'burn': {
      const e = n.event;
      const scope = e.pool ? `${e.service}/${e.pool}${e.provider ? ` (${e.provider}${e.region ? ` ${e.region}` : ''})` : ''}` : e.service;
      return {
        title: `${e.state === 'firing' ? '🔥' : '✅'} Detour ${e.severity} alert ${e.state}: ${scope} error budget burning ${e.state === 'firing' ? 'fast' : 'normally again'}`,
        lines: [
          `${e.alert} burn: ${e.longBurn.toFixed(1)}× over ${formatDuration(e.longWindowMs)} and ${e.shortBurn.toFixed(1)}× over ${formatDuration(e.shortWindowMs)} (threshold ${e.threshold}×, objective ${(e.objective * 100).toFixed(3).replace(/\.?0+$/, '')}%)`,
        ],
      };
    }
    default: {
      const never: never = n;
      return never;
    }
  }
}

/** The generic webhook's JSON: stable, versioned, everything a receiver needs to act. */
export function webhookBody(n: Notice, deliveryId: string): Record<string, unknown> {
  const r = render(n);
  const base = { version: 1, id: deliveryId, type: n.on, at: new Date(n.at).toISOString(), title: r.title, text: r.lines.join('\n') };
  switch (n.kind) {
    case 'incident':
      return { ...base, incident: { id: n.id, status: n.status, service: n.service, provider: n.provider, region: n.region, changes: n.changes } };
    case 'burn': {
      const { type: _t, observer: _o, ...alert } = n.event;
      return { ...base, alert };
    }
    default: {
      const never: never = n;
      return never;
    }
  }
}
