import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual, createHash } from 'node:crypto';
import { DetourError, isDetourError } from '../errors/index.js';

export type OverrideOp =
  | { action: 'drain' | 'undrain'; service: string; pool?: string; endpoint?: string }
  | { action: 'force-priority'; service: string; priority: number }
  | { action: 'clear-priority'; service: string };

/** What the admin API needs from the gateway; the gateway implements it. */
export interface AdminBackend {
  status(): unknown;
  metrics(): string;
  overrides(): unknown;
  applyOverride(op: OverrideOp, actor: string): Promise<unknown>;
}

const MAX_BODY = 64 * 1024;

/** What a feature's admin route handler gets. */
export interface AdminRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  actor: string;
  readJson(): Promise<unknown>;
  send(status: number, body: unknown): void;
}

/**
 * A route contributed by a feature (DNS, incidents, status page…). `path` is exact or
 * has `:name` segments. Routes need the admin token unless `auth` is false (only for
 * pages meant to be public, which must not show internal addresses or secrets).
 */
export interface AdminRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  auth?: boolean;
  handle(r: AdminRequest): Promise<void> | void;
}

/**
 * The admin listener: status, metrics and overrides. Every route except /healthz
 * needs `Authorization: Bearer <token>`; with no token configured, only /healthz
 * answers (an admin API without a token would let anyone drain production).
 * Writes take JSON bodies only, which a cross-site HTML form cannot send (CSRF).
 */
export class AdminServer {
  readonly #server: Server;
  readonly #tokenHash: Buffer | undefined;
  readonly #routes: Array<{ route: AdminRoute; pattern: RegExp; names: string[] }> = [];

  constructor(readonly backend: AdminBackend, token: string | undefined, routes: readonly AdminRoute[] = []) {
    for (const r of routes) this.addRoute(r);
    this.#tokenHash = token ? sha256(token) : undefined;
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((err: unknown) => sendError(res, err));
    });
  }

  addRoute(route: AdminRoute): void {
    const names: string[] = [];
    const pattern = new RegExp('^' + route.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:([A-Za-z_]+)/g, (_m, n: string) => {
      names.push(n);
      return '([^/]+)';
    }) + '$');
    this.#routes.push({ route, pattern, names });
  }

  async listen(host: string, port: number): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => resolve());
    });
    return this.#server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => {
      this.#server.close(() => r());
      this.#server.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://admin');
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /healthz') return send(res, 200, { ok: true });
    for (const r of this.#routes) {
      if (r.route.method !== req.method) continue;
      const m = r.pattern.exec(url.pathname);
      if (!m) continue;
      if (r.route.auth !== false) this.#authorize(req);
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1]!)));
      return r.route.handle({ req, res, url, params, actor: actorOf(req), readJson: () => readJson(req), send: (st, b) => send(res, st, b) });
    }
    this.#authorize(req);
    switch (route) {
      case 'GET /api/status':
        return send(res, 200, this.backend.status());
      case 'GET /metrics':
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
        res.end(this.backend.metrics());
        return;
      case 'GET /api/overrides':
        return send(res, 200, this.backend.overrides());
      case 'POST /api/overrides': {
        const op = parseOverride(await readJson(req));
        return send(res, 200, await this.backend.applyOverride(op, actorOf(req)));
      }
      default:
        throw new DetourError('DETOUR_ADMIN_NOT_FOUND', `no admin route ${route}`);
    }
  }

  #authorize(req: IncomingMessage): void {
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    // Compare hashes so the comparison is constant-time whatever the lengths.
    if (!this.#tokenHash || !given || !timingSafeEqual(sha256(given), this.#tokenHash)) {
      throw new DetourError('DETOUR_ADMIN_UNAUTHORIZED', this.#tokenHash ? 'missing or wrong bearer token' : 'admin.token is not configured; only /healthz is served');
    }
  }
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function actorOf(req: IncomingMessage): string {
  return `admin@${req.socket.remoteAddress ?? 'unknown'}`;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/json')) throw new DetourError('DETOUR_ADMIN_BAD_REQUEST', 'send the body as application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) throw new DetourError('DETOUR_ADMIN_BAD_REQUEST', `body larger than ${MAX_BODY} bytes`);
    chunks.push(c);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new DetourError('DETOUR_ADMIN_BAD_REQUEST', 'body is not valid JSON');
  }
}

function parseOverride(v: unknown): OverrideOp {
  const o = (v ?? {}) as Record<string, unknown>;
  const bad = (msg: string) => new DetourError('DETOUR_ADMIN_BAD_REQUEST', msg);
  if (typeof o.service !== 'string' || !o.service) throw bad('"service" (string) is required');
  const opt = (k: 'pool' | 'endpoint') => {
    if (o[k] === undefined) return {};
    if (typeof o[k] !== 'string') throw bad(`"${k}" must be a string`);
    return { [k]: o[k] as string };
  };
  switch (o.action) {
    case 'drain':
    case 'undrain':
      if (o.endpoint !== undefined && o.pool === undefined) throw bad('"endpoint" needs "pool"');
      return { action: o.action, service: o.service, ...opt('pool'), ...opt('endpoint') };
    case 'force-priority':
      if (!Number.isInteger(o.priority)) throw bad('"priority" (integer) is required for force-priority');
      return { action: 'force-priority', service: o.service, priority: o.priority as number };
    case 'clear-priority':
      return { action: 'clear-priority', service: o.service };
    default:
      throw bad('"action" must be one of drain, undrain, force-priority, clear-priority');
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(text);
}

function sendError(res: ServerResponse, err: unknown): void {
  const e = isDetourError(err) ? err : new DetourError('DETOUR_INTERNAL', 'internal error', { cause: err });
  if (res.headersSent) return void res.destroy();
  if (e.code === 'DETOUR_ADMIN_UNAUTHORIZED') res.setHeader('www-authenticate', 'Bearer realm="detour"');
  send(res, e.status, { error: { code: e.code, message: e.message } });
}
