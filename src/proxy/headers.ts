import type { Fields } from '../h1/index.js';

/**
 * Header rewriting for both directions. RFC 9110 §7.6.1: a proxy removes the
 * Connection header, every field it names, and the hop-by-hop fields
 * Proxy-Connection, Keep-Alive, TE, Transfer-Encoding and Upgrade, because they
 * describe one connection, not the message.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'upgrade', 'trailer', 'http2-settings']);

export const VIA = '1.1 detour';

export interface ForwardInfo {
  clientIp: string;
  proto: 'http' | 'https';
  /** The Host the client asked for. */
  host: string;
  /** Host to send upstream (pool hostHeader), or undefined to keep the client's. */
  hostOverride: string | undefined;
  /** Keep Connection: upgrade / Upgrade (WebSocket handshake). */
  upgrade: string | undefined;
}

/**
 * A message head as src/h1 parsed it: the raw fields and the Connection tokens, which the
 * parser already split, trimmed and lower-cased (fields named there are hop-by-hop too,
 * RFC 9110 §7.6.1).
 */
type Head = Pick<Fields, 'raw' | 'connection'>;

/** Builds the flat [name, value, …] header list sent upstream from the client's raw headers. */
export function upstreamRequestHeaders(head: Head, info: ForwardInfo): string[] {
  const { raw, connection: named } = head;
  const out: string[] = [];
  let xff: string | undefined;
  let via: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || named.includes(lower)) continue;
    switch (lower) {
      case 'host':
        continue; // re-added below, once
      case 'x-forwarded-for':
        xff = xff ? `${xff}, ${raw[i + 1]}` : raw[i + 1]!;
        continue;
      case 'x-forwarded-proto':
      case 'x-forwarded-host':
        continue; // overwritten with what Detour saw: a client must not spoof them
      case 'via':
        via = via ? `${via}, ${raw[i + 1]}` : raw[i + 1]!;
        continue;
      default:
        out.push(name, raw[i + 1]!);
    }
  }
  out.push('host', info.hostOverride ?? info.host);
  out.push('x-forwarded-for', xff ? `${xff}, ${info.clientIp}` : info.clientIp);
  out.push('x-forwarded-proto', info.proto);
  out.push('x-forwarded-host', info.host);
  out.push('via', via ? `${via}, ${VIA}` : VIA);
  if (info.upgrade !== undefined) out.push('connection', 'upgrade', 'upgrade', info.upgrade);
  return out;
}

/**
 * Filters the upstream response's raw headers (as parsed by src/h1) into the flat
 * list written to the client, dropping hop-by-hop fields and adding Via. Content-Length
 * is dropped when Transfer-Encoding framed the response (it overrides the length,
 * RFC 9112 §6.3) or when the caller frames the body itself (`dropLength`).
 * Returns the content-type too, so the classifier need not search again.
 */
export function downstreamResponseHeaders(
  head: Head & Pick<Fields, 'te'>, keepUpgrade = false, dropLength = head.te,
): { headers: string[]; contentType: string | undefined } {
  const { raw: strs, connection: named } = head;
  const headers: string[] = [];
  let contentType: string | undefined;
  let via: string | undefined;
  for (let i = 0; i < strs.length; i += 2) {
    const name = strs[i]!;
    const lower = name.toLowerCase();
    if (keepUpgrade && (lower === 'connection' || lower === 'upgrade')) {
      headers.push(name, strs[i + 1]!);
      continue;
    }
    if (HOP_BY_HOP.has(lower) || named.includes(lower)) continue;
    if (lower === 'via') {
      via = via ? `${via}, ${strs[i + 1]}` : strs[i + 1]!;
      continue;
    }
    if (lower === 'content-type') contentType = strs[i + 1];
    else if (dropLength && lower === 'content-length') continue;
    headers.push(name, strs[i + 1]!);
  }
  headers.push('via', via ? `${via}, ${VIA}` : VIA);
  return { headers, contentType };
}

/** RFC 9110 §9.2.2 idempotent methods, the default set retried after bytes were sent. */
export function isRetrySafe(method: string, rawHeaders: readonly string[], idempotent: readonly string[]): boolean {
  if (idempotent.includes(method)) return true;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.length === 15 && rawHeaders[i]!.toLowerCase() === 'idempotency-key') return true;
  }
  return false;
}
