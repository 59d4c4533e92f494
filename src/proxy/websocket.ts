import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Exchange, Pool, ResponseHead, UpstreamHandler } from '../h1/index.js';
import type { Endpoint } from '../model/index.js';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './headers.js';
import type { ProxyEnv } from './pipeline.js';

/**
 * WebSocket (and any HTTP/1.1 Upgrade) proxying. The handshake goes through the same
 * balancer; only connect failures are retried on another endpoint (nothing was sent),
 * since an upgrade request is a GET with side effects on the connection state.
 * After `101 Switching Protocols` the two sockets are piped both ways.
 */
export function handleUpgrade(env: ProxyEnv, ex: Exchange, socket: Socket, rest: Buffer, tunnels: Set<Duplex>): void {
  const { head } = ex;
  const service = env.router().match(head.host, head.target);
  if (!service) return refuse(socket, 404, 'DETOUR_NO_ROUTE');
  // Bytes the client sent after the handshake (a first frame) go upstream after the 101.
  if (rest.length > 0) socket.unshift(rest);
  const tried = new Set<Endpoint>();
  const tryNext = (attempt: number): void => {
    const sel = service.balancer.select(tried);
    if (sel.kind === 'none' || attempt >= service.config.retry.attempts) return refuse(socket, 503, 'DETOUR_NO_HEALTHY_UPSTREAM');
    tried.add(sel.endpoint);
    const headers = upstreamRequestHeaders(head, {
      clientIp: ex.remoteAddress,
      proto: ex.encrypted ? 'https' : 'http',
      host: head.host ?? '',
      hostOverride: sel.pool.hostHeader,
      // The pool writes Connection/Upgrade itself from the `upgrade` option.
      upgrade: undefined,
    });
    const pool = env.upstreams.get(sel.endpoint, service.upstream.get(sel.pool.name)!);
    dispatchUpgrade(pool, ex, headers, socket, tunnels, (connectFailed) => {
      service.passive?.record(sel.endpoint, { ok: false, kind: 'connect-failure', evidence: { errorCode: 'DETOUR_UPSTREAM_CONNECT' } });
      if (connectFailed && !socket.destroyed) tryNext(attempt + 1);
      else refuse(socket, 502, 'DETOUR_UPSTREAM_RESET');
    });
  };
  tryNext(0);
}

function dispatchUpgrade(pool: Pool, ex: Exchange, headers: string[], client: Socket, tunnels: Set<Duplex>, onFail: (connectFailed: boolean) => void): void {
  let status = 0;
  let reason = '';
  let head: string[] = [];
  const chunks: Buffer[] = [];
  const handler: UpstreamHandler = {
    onConnect() {},
    onUpgrade(res: ResponseHead, upstream: Duplex, rest: Buffer) {
      const { headers: h } = downstreamResponseHeaders(res, true);
      let out = `HTTP/1.1 ${res.status} ${res.reason || 'Switching Protocols'}\r\n`;
      for (let i = 0; i < h.length; i += 2) out += `${h[i]}: ${h[i + 1]}\r\n`;
      client.write(out + '\r\n', 'latin1');
      if (rest.length > 0) client.write(rest);
      tunnel(client, upstream, tunnels);
    },
    // The endpoint refused the upgrade with an ordinary response: relay it as is.
    onHeaders(res: ResponseHead) {
      status = res.status;
      reason = res.reason;
      head = downstreamResponseHeaders(res, false, true).headers; // Content-Length is re-added below
      return true;
    },
    onData(chunk: Buffer) {
      chunks.push(Buffer.from(chunk)); // borrowed from the pool's read buffer
      return true;
    },
    onComplete() {
      const body = Buffer.concat(chunks);
      let out = `HTTP/1.1 ${status} ${reason || 'Upgrade Refused'}\r\n`;
      for (let i = 0; i < head.length; i += 2) out += `${head[i]}: ${head[i + 1]}\r\n`;
      client.end(`${out}content-length: ${body.length}\r\nconnection: close\r\n\r\n${body.toString('latin1')}`, 'latin1');
    },
    onError(err: Error) {
      const code = (err as { code?: string }).code ?? '';
      onFail(code === 'ECONNREFUSED' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH');
    },
  };
  pool.dispatch({ method: 'GET', path: ex.head.target, headers, upgrade: ex.head.upgrade ?? 'websocket' }, handler);
}

function refuse(socket: Duplex, status: number, code: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: { code } });
  socket.end(`HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : status === 503 ? 'Service Unavailable' : 'Bad Gateway'}\r\ncontent-type: application/json\r\nx-detour-error: ${code}\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
}

/** How long a half-closed tunnel may linger before both sides are destroyed. */
const HALF_CLOSE_GRACE_MS = 5_000;

/**
 * Pipes the two sockets both ways. Both sides were opened with allowHalfOpen, so an
 * `end` from one side is passed on and, if the other does not close within a grace
 * period, both are destroyed: a tunnel never outlives its peers (nginx does the same).
 */
function tunnel(client: Duplex, upstream: Duplex, tunnels: Set<Duplex>): void {
  tunnels.add(client);
  upstream.pipe(client);
  client.pipe(upstream);
  let timer: NodeJS.Timeout | undefined;
  const destroy = () => {
    clearTimeout(timer);
    tunnels.delete(client);
    upstream.destroy();
    client.destroy();
  };
  const halfClosed = () => {
    timer ??= setTimeout(destroy, HALF_CLOSE_GRACE_MS).unref();
  };
  upstream.on('end', halfClosed).on('error', destroy).on('close', destroy);
  client.on('end', halfClosed).on('error', destroy).on('close', destroy);
}
