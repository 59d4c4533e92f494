import type { IncomingMessage, ServerResponse } from 'node:http';
import { DetourError } from '../errors/index.js';
import type { Html } from './html.js';

/**
 * Response headers for every page. The CSP allows only this origin's script and style
 * (no inline script or style attribute anywhere), no framing (clickjacking, CSP Level 3
 * frame-ancestors with X-Frame-Options for older browsers) and forms posting only here.
 */
export function pageHeaders(opts: { forms: boolean; cache: 'no-store' | 'no-cache' }): Record<string, string> {
  const csp = [
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
    `form-action ${opts.forms ? "'self'" : "'none'"}`, "frame-ancestors 'none'", "base-uri 'none'",
  ].join('; ');
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    // same-origin, not no-referrer: with no-referrer a browser posts forms with `Origin: null`.
    'referrer-policy': 'same-origin',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': opts.cache,
  };
}

export function sendHtml(res: ServerResponse, status: number, body: Html, headers: Record<string, string>): void {
  const text = '<!doctype html>\n' + body.value;
  res.writeHead(status, { ...headers, 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/** 303 See Other: the browser follows with GET, so a reload never re-posts a form (PRG). */
export function redirect(res: ServerResponse, location: string, headers: Record<string, string> = {}): void {
  res.writeHead(303, { ...headers, location, 'cache-control': 'no-store', 'content-length': '0' });
  res.end();
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

const MAX_FORM = 16 * 1024;

/** An application/x-www-form-urlencoded body (what an HTML form posts), at most 16 KiB. */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) {
    throw new DetourError('DETOUR_ADMIN_BAD_REQUEST', 'send the form as application/x-www-form-urlencoded');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_FORM) throw new DetourError('DETOUR_ADMIN_BAD_REQUEST', `form larger than ${MAX_FORM} bytes`);
    chunks.push(c);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * A state-changing request must come from this origin: `Sec-Fetch-Site: same-origin`
 * (Fetch Metadata) when the browser sends it, else `Origin` compared with `Host`. Requests with neither
 * (old browsers, curl) fall back to the CSRF token alone.
 */
export function sameOrigin(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin';
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const host = req.headers.host;
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}
