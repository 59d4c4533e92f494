import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdminRequest, AdminRoute, OverrideOp } from '../admin/index.js';
import type { Logger } from '../common/index.js';
import { DetourError, isDetourError } from '../errors/index.js';
import type { Assets } from './assets.js';
import { html } from './html.js';
import { cookie, pageHeaders, readForm, redirect, sameOrigin, sendHtml } from './http.js';
import type { LiveStatus } from './live.js';
import { publicView } from './public-view.js';
import { dashboardPage } from './render/dashboard.js';
import { page } from './render/layout.js';
import { loginPage, type LoginNotice } from './render/login.js';
import { publicPage } from './render/public.js';
import type { LoginThrottle, Session, Sessions } from './session.js';
import type { IncidentSource, IncidentStatus } from './source.js';
import type { PageView } from './view.js';
import type { StatusPageConfig } from '../config/status-page.js';

export interface DashboardDeps {
  sessions: Sessions;
  throttle: LoginThrottle;
  live: LiveStatus;
  assets: Assets;
  source: IncidentSource;
  view: () => Promise<PageView>;
  config: () => StatusPageConfig;
  applyOverride: (op: OverrideOp, actor: string) => Promise<unknown>;
  now: () => number;
  windowMs: number;
  intervalMs: number;
  log: Logger;
}

const COOKIE = 'detour_session';
const HEADERS = pageHeaders({ forms: true, cache: 'no-store' });

/**
 * The dashboard on the admin listener. These routes opt out of the admin API's bearer
 * check (a browser cannot send that header when it navigates) and use a session cookie
 * instead: HttpOnly (no script reads it), SameSite=Strict (never sent on a cross-site
 * request) and Path=/dashboard (never sent to the JSON API). Every POST also needs the
 * session's CSRF token and a same-origin Fetch Metadata / Origin header.
 */
export function dashboardRoutes(d: DashboardDeps): AdminRoute[] {
  const route = (method: AdminRoute['method'], path: string, handle: (r: AdminRequest) => Promise<void>): AdminRoute => ({
    method, path, auth: false, handle: (r) => handle(r).catch((err: unknown) => fail(r.res, err, d.log)),
  });
  const guard = (r: AdminRequest): Session | undefined => {
    const s = d.sessions.verify(cookie(r.req, COOKIE));
    if (!s) {
      if (r.req.method === 'GET' && !r.url.pathname.endsWith('/events')) redirect(r.res, '/dashboard/login', HEADERS);
      else fail(r.res, new DetourError('DETOUR_ADMIN_UNAUTHORIZED', 'log in to the dashboard first'), d.log);
    }
    return s;
  };
  const write = async (r: AdminRequest): Promise<{ s: Session; form: URLSearchParams } | undefined> => {
    const s = guard(r);
    if (!s) return undefined;
    const form = await readForm(r.req);
    if (!sameOrigin(r.req) || !d.sessions.csrfMatches(s, form.get('csrf'))) {
      throw new DetourError('DETOUR_ADMIN_FORBIDDEN', 'this form was not sent from the dashboard (missing or wrong CSRF token, or another origin); reload the page and try again');
    }
    return { s, form };
  };
  const actor = (req: IncomingMessage) => `dashboard@${req.socket.remoteAddress ?? 'unknown'}`;

  return [
    route('GET', '/dashboard', async (r) => {
      const s = guard(r);
      if (!s) return;
      const v = await d.view();
      const body = dashboardPage(v, {
        csrf: d.sessions.csrf(s), windowMs: d.windowMs, intervalMs: d.intervalMs, version: d.assets.version,
        canNote: d.source.addNote !== undefined, canSetStatus: d.source.setStatus !== undefined,
      });
      sendHtml(r.res, 200, body, HEADERS);
    }),
    route('GET', '/dashboard/login', async (r) => {
      if (d.sessions.verify(cookie(r.req, COOKIE))) return redirect(r.res, '/dashboard', HEADERS);
      const notice: LoginNotice = !d.sessions.enabled ? 'no-token' : r.url.searchParams.has('expired') ? 'expired' : 'none';
      sendHtml(r.res, 200, loginPage(d.config().title, notice, d.assets.version), HEADERS);
    }),
    route('POST', '/dashboard/login', async (r) => {
      const client = r.req.socket.remoteAddress ?? 'unknown';
      const title = d.config().title;
      if (!d.sessions.enabled) return sendHtml(r.res, 403, loginPage(title, 'no-token', d.assets.version), HEADERS);
      if (d.throttle.blocked(client)) return sendHtml(r.res, 429, loginPage(title, 'throttled', d.assets.version), { ...HEADERS, 'retry-after': '300' });
      const form = await readForm(r.req);
      if (!sameOrigin(r.req)) throw new DetourError('DETOUR_ADMIN_FORBIDDEN', 'the login form must be posted from this origin');
      if (!d.sessions.tokenMatches(form.get('token') ?? '')) {
        d.throttle.failed(client);
        d.log.warn('dashboard login refused', { client });
        return sendHtml(r.res, 401, loginPage(title, 'wrong-token', d.assets.version), HEADERS);
      }
      d.throttle.succeeded(client);
      const { value } = d.sessions.issue();
      d.log.info('dashboard login', { client });
      redirect(r.res, '/dashboard', { ...HEADERS, 'set-cookie': sessionCookie(r.req, value, Math.floor(d.sessions.ttl / 1000)) });
    }),
    route('POST', '/dashboard/logout', async (r) => {
      const w = await write(r);
      if (!w) return;
      d.sessions.revoke(w.s);
      redirect(r.res, '/dashboard/login', { ...HEADERS, 'set-cookie': sessionCookie(r.req, '', 0) });
    }),
    route('GET', '/dashboard/events', async (r) => {
      if (!guard(r)) return;
      d.live.dashboard.open(r.req, r.res, HEADERS, await d.live.snapshot('dashboard'));
    }),
    route('GET', '/dashboard/public-preview', async (r) => {
      if (!guard(r)) return;
      const p = publicView(await d.view(), d.config());
      sendHtml(r.res, 200, publicPage(p, { windowMs: d.windowMs, version: d.assets.version, preview: true }), HEADERS);
    }),
    route('GET', '/dashboard/public-preview/events', async (r) => {
      if (!guard(r)) return;
      d.live.preview.open(r.req, r.res, HEADERS, await d.live.snapshot('public'));
    }),
    route('POST', '/dashboard/action', async (r) => {
      const w = await write(r);
      if (!w) return;
      const op = parseAction(w.form);
      await d.applyOverride(op, actor(r.req));
      redirect(r.res, '/dashboard', HEADERS);
    }),
    route('POST', '/dashboard/incidents/:id/notes', async (r) => {
      const w = await write(r);
      if (!w) return;
      const id = r.params.id ?? '';
      const text = (w.form.get('text') ?? '').trim();
      const status = w.form.get('status') ?? '';
      if (text.length > 2000) throw new DetourError('DETOUR_ADMIN_BAD_REQUEST', 'a note has at most 2000 characters');
      if (status !== '') {
        if (!isStatus(status)) throw new DetourError('DETOUR_ADMIN_BAD_REQUEST', 'status must be detected, mitigated, monitoring or resolved');
        if (!d.source.setStatus) throw new DetourError('DETOUR_ADMIN_NOT_FOUND', 'this incident source does not take status changes');
        await d.source.setStatus(id, status, actor(r.req), text === '' ? undefined : text);
      } else {
        if (text === '') throw new DetourError('DETOUR_ADMIN_BAD_REQUEST', 'write a note or choose a status');
        if (!d.source.addNote) throw new DetourError('DETOUR_ADMIN_NOT_FOUND', 'this incident source does not take notes');
        await d.source.addNote(id, text, actor(r.req), d.now());
      }
      redirect(r.res, '/dashboard#r-incidents', HEADERS);
    }),
    route('GET', '/dashboard/assets/:file', async (r) => serveAsset(r.req, r.res, d.assets, r.params.file ?? '')),
  ];
}

function isStatus(s: string): s is IncidentStatus {
  return s === 'detected' || s === 'mitigated' || s === 'monitoring' || s === 'resolved';
}

/** Only drain and undrain are offered on the page; the JSON admin API has the rest. */
function parseAction(form: URLSearchParams): OverrideOp {
  const action = form.get('action');
  const service = form.get('service') ?? '';
  const pool = form.get('pool');
  const endpoint = form.get('endpoint');
  if (action !== 'drain' && action !== 'undrain') throw new DetourError('DETOUR_ADMIN_BAD_REQUEST', 'action must be drain or undrain');
  if (service === '') throw new DetourError('DETOUR_ADMIN_BAD_REQUEST', 'service is required');
  if (endpoint !== null && pool === null) throw new DetourError('DETOUR_ADMIN_BAD_REQUEST', 'endpoint needs pool');
  return { action, service, ...(pool !== null ? { pool } : {}), ...(endpoint !== null ? { endpoint } : {}) };
}

function sessionCookie(req: IncomingMessage, value: string, maxAge: number): string {
  // Secure only when this hop is TLS: over plain HTTP a Secure cookie would never be sent back.
  const secure = 'encrypted' in req.socket && req.socket.encrypted === true ? '; Secure' : '';
  return `${COOKIE}=${value}; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure}`;
}

export function serveAsset(req: IncomingMessage, res: ServerResponse, assets: Assets, name: string): void {
  const a = assets.get(name);
  if (!a) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
    res.end('not found\n');
    return;
  }
  const headers = { 'content-type': a.type, etag: a.etag, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff', 'cross-origin-resource-policy': 'same-origin' };
  if (req.headers['if-none-match'] === a.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': String(a.body.length) });
  res.end(req.method === 'HEAD' ? undefined : a.body);
}

function fail(res: ServerResponse, err: unknown, log: Logger): void {
  const e = isDetourError(err) ? err : new DetourError('DETOUR_INTERNAL', 'internal error', { cause: err });
  if (e.code === 'DETOUR_INTERNAL') log.error('dashboard request failed', { error: String(err) });
  if (res.headersSent) return void res.destroy();
  const body = html`<main class="login"><div class="login-card card"><h1>${e.status} · ${e.code}</h1><p class="muted">${e.message}</p><p><a href="/dashboard">Back to the dashboard</a></p></div></main>`;
  sendHtml(res, e.status, page({ title: 'Detour', assets: '/dashboard/assets', events: '', version: '', bodyClass: 'login-page', now: Date.now(), body }), HEADERS);
}
