import { get, type Reply } from '../support/servers.js';

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** Logs in through the form as a browser would; returns the cookie header and the page's CSRF token. */
export async function login(adminUrl: string, token: string): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const r = await get(`${adminUrl}/dashboard/login`, { method: 'POST', headers: { ...FORM, origin: adminUrl }, body: new URLSearchParams({ token }).toString() });
  if (r.status !== 303) throw new Error(`login answered ${r.status}: ${r.text}`);
  const setCookie = String(r.headers['set-cookie']?.[0] ?? '');
  const cookie = setCookie.split(';')[0]!;
  const page = await get(`${adminUrl}/dashboard`, { headers: { cookie } });
  const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(page.text)?.[1];
  if (!csrf) throw new Error('no CSRF token on the dashboard');
  return { cookie, csrf, setCookie };
}

export function post(url: string, fields: Record<string, string>, headers: Record<string, string>): Promise<Reply> {
  return get(url, { method: 'POST', headers: { ...FORM, ...headers }, body: new URLSearchParams(fields).toString() });
}
