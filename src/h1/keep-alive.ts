import type { Framing } from './body.js';
import type { ResponseHead } from './head.js';

const KEEP_ALIVE_TIMEOUT = /timeout=(\d+)/i;
/** A server's `Keep-Alive: timeout=N` is cut by this much, so a request never races its close. */
const HINT_MARGIN = 1000;

/**
 * How long the connection may idle after this response, in ms; 0 = close it now.
 * RFC 9112 §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive"
 * (RFC 9112 §C.2.2). A close-delimited body, HEAD or an upgrade attempt ends the connection.
 * A `Keep-Alive: timeout=N` hint (RFC 2068 §19.7.1.1, still sent by Node, nginx, Apache)
 * replaces the default with N s − 1 s, capped at `maxMs` (undici does the same).
 */
export function keepAliveMs(head: ResponseHead, framing: Framing, method: string, upgrade: boolean, defaultMs: number, maxMs: number): number {
  if (framing.kind === 'close' || upgrade) return 0;
  // Some servers send a body after HEAD anyway; on a reused connection it would be read
  // as the next response (undici closes after HEAD for the same reason, its issue #258).
  if (method === 'HEAD') return 0;
  // RFC 9112 §6.3 ¶3: Content-Length with Transfer-Encoding "ought to be handled as an
  // error": the body is read by its chunked framing, then the connection is closed.
  if (head.te && head.contentLength !== undefined) return 0;
  if (head.connection.includes('close')) return 0;
  if (head.minor === 0 && !head.connection.includes('keep-alive')) return 0;
  let ms = defaultMs;
  const raw = head.raw;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length !== 10 || name.toLowerCase() !== 'keep-alive') continue;
    const m = KEEP_ALIVE_TIMEOUT.exec(raw[i + 1]!);
    if (m !== null) ms = Math.max(0, Math.min(Number(m[1]) * 1000 - HINT_MARGIN, maxMs));
  }
  return ms;
}
