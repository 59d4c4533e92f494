import type { PublicPage } from './public-view.js';
import { uptimePercent } from './view.js';

/**
 * GET /api/status.json on the public page: the same facts as the HTML, for customers'
 * own monitors (shaped like Statuspage's summary.json: page, status, components, incidents).
 */
export function publicJson(p: PublicPage) {
  return {
    page: { name: p.title, updatedAt: new Date(p.now).toISOString() },
    status: p.overall,
    components: p.components.map((c) => ({
      id: c.key, name: c.label, description: c.description ?? null, status: c.status,
      uptime90d: uptimePercent(c.uptime),
      children: c.children.map((ch) => ({ id: ch.key, name: ch.label, status: ch.status })),
    })),
    incidents: p.incidents.map((i) => ({
      id: i.id, name: i.title, status: i.status,
      startedAt: new Date(i.startedAt).toISOString(),
      mitigatedAt: i.mitigatedAt === null ? null : new Date(i.mitigatedAt).toISOString(),
      resolvedAt: i.resolvedAt === null ? null : new Date(i.resolvedAt).toISOString(),
      updates: i.updates.map((u) => ({ at: new Date(u.at).toISOString(), status: u.label, body: u.text })),
    })),
  };
}
