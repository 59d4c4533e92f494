import type { AdminRequest, AdminRoute } from '../admin/index.js';
import type { DetourConfig } from '../config/types.js';
import { DetourError } from '../errors/index.js';
import { buildReport, formatReport, parseMonth } from '../sla/index.js';
import { renderPostmortem } from './postmortem.js';
import { INCIDENT_STATUSES, type IncidentLog, type IncidentStatus } from './types.js';

const bad = (msg: string) => new DetourError('DETOUR_ADMIN_BAD_REQUEST', msg);

/**
 * The record's admin routes. All need the admin token (AdminServer's default); writes
 * take JSON bodies only, which a cross-site form cannot send.
 */
export function recordRoutes(log: () => IncidentLog, status: () => unknown, config: () => DetourConfig): AdminRoute[] {
  return [
    {
      method: 'GET', path: '/api/events',
      handle: async (r) => {
        const q = r.url.searchParams;
        const types = q.get('types') ?? q.get('type');
        r.send(200, await log().events({
          ...opt('since', time(q.get('since'), 'since')), ...opt('until', time(q.get('until'), 'until')),
          ...opt('afterId', int(q.get('afterId'), 'afterId')), ...opt('limit', int(q.get('limit'), 'limit')),
          ...opt('service', q.get('service') ?? undefined), ...(types ? { types: types.split(',') } : {}),
        }));
      },
    },
    {
      method: 'GET', path: '/api/incidents',
      handle: async (r) => {
        const q = r.url.searchParams;
        const st = q.get('status');
        if (st !== null && !['open', 'resolved', 'all'].includes(st)) throw bad('"status" must be open, resolved or all');
        r.send(200, await log().incidents({
          ...opt('limit', int(q.get('limit'), 'limit')), ...opt('since', time(q.get('since'), 'since')),
          ...opt('service', q.get('service') ?? undefined), ...(st ? { status: st as 'open' | 'resolved' | 'all' } : {}),
        }));
      },
    },
    {
      method: 'GET', path: '/api/incidents/:id',
      handle: async (r) => r.send(200, await found(log(), r.params['id']!)),
    },
    {
      method: 'GET', path: '/api/incidents/:id/postmortem',
      handle: async (r) => {
        const md = renderPostmortem(await found(log(), r.params['id']!), { now: Date.now() });
        r.res.writeHead(200, { 'content-type': 'text/markdown; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
        r.res.end(md);
      },
    },
    {
      method: 'POST', path: '/api/incidents/:id/notes',
      handle: async (r) => {
        const body = object(await r.readJson());
        if (typeof body['text'] !== 'string') throw bad('"text" (string) is required');
        r.send(201, await log().addNote(r.params['id']!, body['text'], r.actor));
      },
    },
    {
      method: 'POST', path: '/api/incidents/:id/status',
      handle: async (r) => {
        const body = object(await r.readJson());
        const st = body['status'];
        if (typeof st !== 'string' || !(INCIDENT_STATUSES as readonly string[]).includes(st)) throw bad(`"status" must be one of ${INCIDENT_STATUSES.join(', ')}`);
        if (body['note'] !== undefined && typeof body['note'] !== 'string') throw bad('"note" must be a string');
        r.send(200, await log().setStatus(r.params['id']!, st as IncidentStatus, r.actor, body['note'] as string | undefined));
      },
    },
    { method: 'GET', path: '/api/store', handle: (r) => r.send(200, status()) },
    {
      method: 'GET', path: '/api/sla',
      handle: async (r) => report(r, log(), config()),
    },
  ];
}

async function report(r: AdminRequest, log: IncidentLog, cfg: DetourConfig): Promise<void> {
  const q = r.url.searchParams;
  const thisMonth = new Date(Date.now() + cfg.sla.utcOffsetMinutes * 60_000).toISOString().slice(0, 7);
  const month = parseMonth(q.get('month') ?? thisMonth, cfg.sla.utcOffsetMinutes);
  if (!month) throw bad('"month" must be YYYY-MM');
  const format = q.get('format') ?? 'json';
  if (!['json', 'md', 'csv'].includes(format)) throw bad('"format" must be json, md or csv');
  const rep = await buildReport(log, cfg, month, Date.now());
  const type = format === 'json' ? 'application/json' : format === 'md' ? 'text/markdown' : 'text/csv';
  r.res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  r.res.end(formatReport(rep, format as 'json' | 'md' | 'csv'));
}

async function found(log: IncidentLog, id: string) {
  const d = await log.incident(id);
  if (!d) throw new DetourError('DETOUR_ADMIN_NOT_FOUND', `no incident ${id}`);
  return d;
}

function object(v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad('send a JSON object');
  return v as Record<string, unknown>;
}

/** `since=2026-04-01T00:00:00Z` or epoch milliseconds. */
function time(v: string | null, name: string): number | undefined {
  if (v === null || v === '') return undefined;
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(n)) throw bad(`"${name}" must be an ISO 8601 time or epoch milliseconds`);
  return n;
}

function int(v: string | null, name: string): number | undefined {
  if (v === null || v === '') return undefined;
  if (!/^\d+$/.test(v)) throw bad(`"${name}" must be a whole number`);
  return Number(v);
}

function opt<K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [k]: v }) as { [P in K]?: V };
}
