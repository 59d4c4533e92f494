/**
 * Pure parsers for the value formats of the config. They return a reason on failure but
 * never echo the input: the caller decides how to show it (values from the environment
 * must not be shown at all).
 */
import { isIP } from 'node:net';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

const SIZE_UNITS: Record<string, number> = {
  b: 1, k: 1024, kb: 1000, kib: 1024, m: 1024 ** 2, mb: 1000 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1000 ** 3, gib: 1024 ** 3,
};

/** "65536", "64KiB", "1 MiB", "8KB" (KB/MB/GB are decimal, KiB/K binary) → bytes. */
export function parseSize(input: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(input.trim());
  if (!m) return undefined;
  const unit = SIZE_UNITS[(m[2] ?? '').toLowerCase() || 'b'];
  if (unit === undefined) return undefined;
  const n = Number(m[1]) * unit;
  return Number.isSafeInteger(n) ? n : undefined;
}

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/i;

/** A DNS name (underscores tolerated: internal zones use them) or an IPv4 address. */
export function isHostname(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  if (isIP(host) === 4) return true;
  const labels = (host.endsWith('.') ? host.slice(0, -1) : host).split('.');
  return labels.every((l) => LABEL.test(l)) && !/^\d+$/.test(labels[labels.length - 1] ?? '');
}

/** A host as sent in a Host header: name, IPv4 or [IPv6], optionally with :port. */
export function parseHostHeader(input: string): Parsed<string> {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(input);
  const host = m?.[1] ?? '';
  const port = m?.[2];
  const hostOk = host.startsWith('[') ? isIP(host.slice(1, -1)) === 6 : isHostname(host);
  if (!hostOk) return fail('expected a host name, IPv4 or [IPv6] address, optionally with :port');
  if (port !== undefined && Number(port) > 65535) return fail('port must be from 0 to 65535');
  return ok(input.toLowerCase());
}

/** "host:port" or "[v6]:port" → host (brackets removed, as net.Server.listen wants it) and port. */
export function parseListenAddress(input: string): Parsed<{ host: string; port: number }> {
  const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d+)$/.exec(input.trim());
  if (!m) return fail('expected "host:port" such as "127.0.0.1:8080", or "[::1]:8080" for IPv6');
  const v6 = m[1];
  const host = v6 ?? m[2] ?? '';
  if (v6 !== undefined ? isIP(v6) !== 6 : !isHostname(host)) return fail('expected "host:port" with a valid host name or IP address');
  const port = Number(m[3]);
  if (port > 65535) return fail('port must be from 0 to 65535');
  return ok({ host, port });
}

/**
 * An endpoint URL reduced to its origin. Only http and https, and nothing after the
 * authority but "/": a path would be silently dropped when proxying, so it is refused.
 */
export function parseEndpointUrl(input: string): Parsed<{ origin: string; hostname: string; https: boolean }> {
  if (!/^https?:\/\/[^/]/i.test(input)) return fail('expected http:// or https://');
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return fail('expected http://host:port or https://host:port');
  }
  if (url.username !== '' || url.password !== '') return fail('credentials in endpoint URLs are not supported');
  if (url.pathname !== '/') return fail('endpoint URLs take no path; the client\'s path is forwarded as is');
  if (input.includes('?') || input.includes('#')) return fail('endpoint URLs take no query or fragment');
  return ok({ origin: url.origin, hostname: url.hostname.replace(/^\[|\]$/g, ''), https: url.protocol === 'https:' });
}

/** 200, "200-399", "200,204,300-399" → inclusive ranges. */
export function parseStatusRanges(input: string | number): Parsed<Array<[number, number]>> {
  const out: Array<[number, number]> = [];
  for (const part of String(input).split(',')) {
    const m = /^\s*(\d{3})\s*(?:-\s*(\d{3})\s*)?$/.exec(part);
    if (!m) return fail('expected status codes such as 200, "200-399" or "200,204,300-399"');
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo < 100 || hi > 599) return fail('status codes must be from 100 to 599');
    if (lo > hi) return fail(`range ${lo}-${hi} is reversed`);
    out.push([lo, hi]);
  }
  return ok(out);
}

/** `$`, `$.a.b`, `$.items[0].code`: the subset of JSONPath the classifier implements (same pattern as classify/rules.ts). */
export function isSimpleJsonPath(input: string): boolean {
  return /^\$(?:\.[^.[\]]+|\[\d+\])*$/.test(input);
}
