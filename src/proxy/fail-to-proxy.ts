import type { Exchange } from '../h1/index.js';
import { DetourError, isDetourError } from '../errors/index.js';
import { VIA } from './headers.js';

/**
 * The one place a gateway-made error becomes an HTTP response (Pingora's
 * fail_to_proxy). The code is in the `x-detour-error` header and the JSON body, so a
 * client, a log pipeline or a person can tell a Detour 503 from an upstream's 503.
 * Keep-alive is dropped after an error, as Pingora does ("no reuse is safest").
 */
export function failToProxy(ex: Exchange, err: unknown, requestId: string, attempts: number): number {
  const e = isDetourError(err) ? err : new DetourError('DETOUR_INTERNAL', undefined, { cause: err });
  // 499 is nginx's "client closed request": nobody is there to read a response.
  if (e.code === 'DETOUR_CLIENT_ABORTED') return 499;
  if (ex.headersSent || ex.closed) {
    ex.destroy();
    return e.status;
  }
  const body = JSON.stringify({ error: { code: e.code, message: e.message, requestId, attempts } });
  ex.keepAlive = false;
  ex.writeHead(e.status, undefined, [
    'content-type', 'application/json; charset=utf-8',
    'content-length', String(Buffer.byteLength(body)),
    'x-detour-error', e.code,
    'x-request-id', requestId,
    'cache-control', 'no-store',
    'via', VIA,
  ]);
  ex.end(body);
  return e.status;
}
