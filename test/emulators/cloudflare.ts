/**
 * Cloudflare API v4 emulator for the calls the adapter uses: GET /zones/{id}/dns_records (paged)
 * and POST /zones/{id}/dns_records/batch.
 *
 * Envelope: {"success","errors":[{"code","message"}],"messages":[],"result","result_info"}.
 * Auth: `Authorization: Bearer <token>`; a header that is not a well-formed token (40 characters
 * of [A-Za-z0-9_-]) gets 400 code 6003 "Invalid request headers" with error_chain 6111 "Invalid
 * format for Authorization header"; a well-formed unknown token, or one without access to the
 * zone, gets 403 code 10000 "Authentication error" (both as returned by the live API in public
 * issue reports, e.g. Ultimate-Multisite/ultimate-multisite#73, hieunc229/mailflare#1). A zone id
 * that is not 32 hex digits gets 400 codes 7003/7000 "Could not route to …".
 *
 * Batch: executed "in a single database transaction" in the documented order deletes, patches,
 * puts, posts; any failing operation fails the whole batch with nothing changed. Validation
 * codes: 9021 invalid TTL (1 = automatic, else 60–86400, or from 30 on Enterprise), 9005/9006
 * invalid A/AAAA content, 9004 record type cannot be proxied, 81053 A/AAAA/CNAME name conflict,
 * 81058 identical record exists, 81044 record does not exist.
 *
 * Faults: `throttle` is 429 code 971; `internal-error` is HTTP 500 with an error envelope. Cloudflare
 * does not document the codes of its 5xx envelopes; the code used here (10001) is illustrative,
 * and the adapter decides on the status alone (as external-dns does since its PR #4931).
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { applyTransportFault, sendJson, startHttpEmulator, type HttpEmulator } from './server.js';
import { mergeSnapshot, type SnapshotSet } from './snapshot.js';

export interface CfRecord {
  id: string;
  zone_id: string;
  zone_name: string;
  name: string;
  type: string;
  content: string;
  proxiable: boolean;
  proxied: boolean;
  ttl: number;
  settings: Record<string, never>;
  meta: Record<string, never>;
  comment: null;
  tags: string[];
  created_on: string;
  modified_on: string;
}

export interface CloudflareEmulator extends HttpEmulator {
  /** The API base URL to give the SDK (…/client/v4). */
  readonly baseURL: string;
  records(zoneId: string): CfRecord[];
  rrsets(zoneId: string): SnapshotSet[];
  seed(zoneId: string, r: { name: string; type: string; content: string; ttl?: number; proxied?: boolean }): string;
}

type CfError = { code: number; message: string; error_chain?: Array<{ code: number; message: string }> };
class Refused extends Error {
  constructor(readonly status: number, readonly errors: CfError[]) {
    super(errors[0]?.message);
  }
}

const PROXIABLE = ['A', 'AAAA', 'CNAME'];

export async function startCloudflareEmulator(opts: {
  /** token → zone ids it may edit */
  tokens: Record<string, string[]>;
  /** zone id → zone name */
  zones: Record<string, string>;
  minTtl?: number;
}): Promise<CloudflareEmulator> {
  const minTtl = opts.minTtl ?? 60;
  const zones = new Map<string, CfRecord[]>(Object.keys(opts.zones).map((id) => [id, []]));

  const emu = await startHttpEmulator((req, body, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/client\/v4\/zones\/([^/]+)\/dns_records(\/batch)?\/?$/.exec(url.pathname);
    const action = m === null ? `${req.method} ${url.pathname}` : m[2] ? 'BatchDNSRecords' : 'ListDNSRecords';
    let params: Record<string, unknown> = Object.fromEntries(url.searchParams);
    if (body.length > 0) {
      try {
        params = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      } catch {
        params = { invalidJson: true };
      }
    }
    const fault = emu.faults.take(action);
    emu.calls.push({ action, outcome: fault ?? 200, params });
    const reply = (status: number, result: unknown, extra: Record<string, unknown> = {}, errors: CfError[] = []): void =>
      sendJson(res, status, { success: status < 400, errors, messages: [], result, ...extra }, { 'cf-ray': randomBytes(8).toString('hex') });
    if (fault !== undefined) {
      if (applyTransportFault(fault, res)) return;
      if (fault === 'throttle') return reply(429, null, {}, [{ code: 971, message: 'Please wait and consider throttling your request speed' }]);
      return reply(500, null, {}, [{ code: 10001, message: 'Internal Server Error' }]);
    }
    try {
      const auth = String(req.headers.authorization ?? '');
      const token = /^Bearer ([A-Za-z0-9_-]{40})$/.exec(auth)?.[1];
      if (token === undefined) {
        throw new Refused(400, [{ code: 6003, message: 'Invalid request headers', error_chain: [{ code: 6111, message: 'Invalid format for Authorization header' }] }]);
      }
      if (m === null) throw new Refused(400, [{ code: 7000, message: 'No route for that URI' }]);
      const zoneId = m[1]!;
      if (!/^[0-9a-f]{32}$/.test(zoneId)) {
        throw new Refused(400, [{ code: 7003, message: `Could not route to ${url.pathname}, perhaps your object identifier is invalid?` }, { code: 7000, message: 'No route for that URI' }]);
      }
      const zone = zones.get(zoneId);
      if (zone === undefined || !(opts.tokens[token] ?? []).includes(zoneId)) throw new Refused(403, [{ code: 10000, message: 'Authentication error' }]);
      if (action === 'ListDNSRecords' && req.method === 'GET') return list(zone, url.searchParams, reply);
      if (action === 'BatchDNSRecords' && req.method === 'POST') {
        const next = zone.map((r) => ({ ...r }));
        const result = batch(zoneId, next, params);
        zones.set(zoneId, next); // only reached when every operation passed: one transaction
        return reply(200, result);
      }
      throw new Refused(405, [{ code: 10405, message: 'Method not allowed for this endpoint' }]);
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
      reply(e.status, null, {}, e.errors);
    }
  });

  function list(zone: CfRecord[], q: URLSearchParams, reply: (s: number, r: unknown, extra?: Record<string, unknown>) => void): void {
    const perPage = Number(q.get('per_page') ?? 100);
    const page = Number(q.get('page') ?? 1);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 5_000_000 || !Number.isInteger(page) || page < 1) {
      throw new Refused(400, [{ code: 1004, message: 'DNS Validation Error', error_chain: [{ code: 9500, message: 'invalid page or per_page' }] }]);
    }
    let rows = [...zone].sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type.localeCompare(b.type)));
    const type = q.get('type');
    if (type !== null) rows = rows.filter((r) => r.type === type);
    const exact = q.get('name.exact') ?? q.get('name');
    if (exact !== null) rows = rows.filter((r) => r.name === exact.toLowerCase());
    const slice = rows.slice((page - 1) * perPage, page * perPage);
    reply(200, slice, { result_info: { page, per_page: perPage, count: slice.length, total_count: rows.length, total_pages: Math.ceil(rows.length / perPage) } });
  }

  function batch(zoneId: string, zone: CfRecord[], p: Record<string, unknown>): Record<string, CfRecord[]> {
    const arr = (k: string): Array<Record<string, unknown>> => (Array.isArray(p[k]) ? (p[k] as Array<Record<string, unknown>>) : []);
    const out: Record<string, CfRecord[]> = { deletes: [], patches: [], puts: [], posts: [] };
    const find = (id: unknown): CfRecord => {
      const r = zone.find((x) => x.id === id);
      if (r === undefined) throw new Refused(404, [{ code: 81044, message: 'Record does not exist.' }]);
      return r;
    };
    for (const d of arr('deletes')) {
      const r = find(d.id);
      zone.splice(zone.indexOf(r), 1);
      out.deletes!.push(r);
    }
    for (const kind of ['patches', 'puts'] as const) {
      for (const u of arr(kind)) {
        const r = find(u.id);
        const merged = kind === 'patches' ? { ...r, ...u } : { ...u, id: r.id };
        Object.assign(r, check(zoneId, zone, merged, r), { modified_on: new Date().toISOString() });
        out[kind]!.push({ ...r });
      }
    }
    for (const c of arr('posts')) {
      const now = new Date().toISOString();
      const r: CfRecord = { ...check(zoneId, zone, c, undefined), id: randomBytes(16).toString('hex'), created_on: now, modified_on: now };
      zone.push(r);
      out.posts!.push({ ...r });
    }
    return out;
  }

  function check(zoneId: string, zone: CfRecord[], r: Record<string, unknown>, self: CfRecord | undefined): Omit<CfRecord, 'id' | 'created_on' | 'modified_on'> {
    const zoneName = opts.zones[zoneId]!;
    const name = String(r.name ?? '').toLowerCase().replace(/\.$/, '');
    const type = String(r.type ?? '');
    const content = String(r.content ?? '');
    const ttl = r.ttl === undefined ? 1 : Number(r.ttl);
    const proxied = r.proxied === true;
    if (name !== zoneName && !name.endsWith(`.${zoneName}`)) throw validation(9007, `Record name ${name} is not in the zone.`);
    if (!(ttl === 1 || (Number.isInteger(ttl) && ttl >= minTtl && ttl <= 86400))) {
      throw validation(9021, `Invalid TTL. Must be between ${minTtl} and 86400 seconds, or 1 for automatic.`);
    }
    if (type === 'A' && isIP(content) !== 4) throw validation(9005, 'Content for A record must be a valid IPv4 address.');
    if (type === 'AAAA' && isIP(content) !== 6) throw validation(9006, 'Content for AAAA record must be a valid IPv6 address.');
    if (proxied && !PROXIABLE.includes(type)) throw validation(9004, 'This record type cannot be proxied.');
    const others = zone.filter((x) => x !== self && x.name === name);
    if (others.some((x) => x.type === type && x.content === content)) throw new Refused(400, [{ code: 81058, message: 'An identical record already exists.' }]);
    if (PROXIABLE.includes(type) && others.some((x) => PROXIABLE.includes(x.type) && (x.type === 'CNAME' || type === 'CNAME'))) {
      throw new Refused(400, [{ code: 81053, message: 'An A, AAAA, or CNAME record with that host already exists.' }]);
    }
    return { zone_id: zoneId, zone_name: zoneName, name, type, content, ttl, proxied, proxiable: PROXIABLE.includes(type), settings: {}, meta: {}, comment: null, tags: [] };
  }

  const records = (zoneId: string): CfRecord[] => (zones.get(zoneId) ?? []).map((r) => ({ ...r }));
  return Object.assign(emu, {
    baseURL: `${emu.url}/client/v4`,
    records,
    rrsets: (zoneId: string) =>
      mergeSnapshot(
        records(zoneId)
          .filter((r) => !r.proxied)
          .map((r) => ({ name: r.name, type: r.type, ttl: r.ttl === 1 ? 300 : r.ttl, value: r.type === 'TXT' ? unquote(r.content) : r.content })),
      ),
    seed: (zoneId: string, r: { name: string; type: string; content: string; ttl?: number; proxied?: boolean }) => {
      const zone = zones.get(zoneId);
      if (zone === undefined) throw new Error(`no zone ${zoneId}`);
      const now = new Date().toISOString();
      const rec: CfRecord = { ...check(zoneId, zone, { ttl: 1, ...r }, undefined), id: randomBytes(16).toString('hex'), created_on: now, modified_on: now };
      zone.push(rec);
      return rec.id;
    },
  }) satisfies CloudflareEmulator;
}

function validation(code: number, message: string): Refused {
  return new Refused(400, [{ code: 1004, message: 'DNS Validation Error', error_chain: [{ code, message }] }, { code, message }]);
}

/** `"a" "b"` → "ab" (RFC 1035 character-strings joined), unquoted text unchanged. */
function unquote(content: string): string {
  const parts = content.match(/"((?:[^"\\]|\\.)*)"/g);
  return parts === null ? content : parts.map((p) => p.slice(1, -1).replace(/\\(.)/g, '$1')).join('');
}
