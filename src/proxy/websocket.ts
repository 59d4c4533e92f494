import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { Dispatcher } from 'undici';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './headers.js';
import type { ProxyEnv } from './pipeline.js';

/**
 * WebSocket (and any HTTP/1.1 Upgrade) proxying. The handshake goes through the same
 * balancer; only connect failures are retried on another endpoint (nothing was sent),
 * since an upgrade request is a GET with side effects on the connection state.
 * After `101 Switching Protocols` the two sockets are piped both ways.
 */
export function handleUpgrade(env: ProxyEnv, req: IncomingMessage, socket: Duplex, head: Buffer, tunnels: Set<Duplex>): void {
  const service = env.router().match(req.headers.host, req.url ?? '/');
  if (!service) return refuse(socket, 404, 'DETOUR_NO_ROUTE');
  if (head.length > 0) socket.unshift(head);
  const tried = new Set<import('../model/index.js').Endpoint>();
  const tryNext = (attempt: number): void => {
    const sel = service.balancer.select(tried);
    if (sel.kind === 'none' || attempt >= service.config.retry.attempts) return refuse(socket, 503, 'DETOUR_NO_HEALTHY_UPSTREAM');
    tried.add(sel.endpoint);
    const headers = upstreamRequestHeaders(req.rawHeaders, {
      clientIp: req.socket.remoteAddress ?? '',
      proto: (req.socket as TLSSocket).encrypted ? 'https' : 'http',
      host: req.headers.host ?? '',
      hostOverride: sel.pool.hostHeader,
      // undici writes Connection/Upgrade itself from the `upgrade` option and refuses them as headers.
      upgrade: undefined,
    });
    const pool = env.upstreams.get(sel.endpoint, service.upstream.get(sel.pool.name)!);
    dispatchUpgrade(pool, req, headers, socket, tunnels, (connectFailed) => {
      service.passive?.record(sel.endpoint, { ok: false, kind: 'connect-failure', evidence: { errorCode: 'DETOUR_UPSTREAM_CONNECT' } });
      if (connectFailed && !socket.destroyed) tryNext(attempt + 1);
      else refuse(socket, 502, 'DETOUR_UPSTREAM_RESET');
    });
  };
  tryNext(0);
}

function dispatchUpgrade(pool: Dispatcher, req: IncomingMessage, headers: string[], client: Duplex, tunnels: Set<Duplex>, onFail: (connectFailed: boolean) => void): void {
  let status = 0;
  let head: string[] = [];
  const chunks: Buffer[] = [];
  const handler = {
    onConnect() {},
    onUpgrade(statusCode: number, raw: Buffer[] | null, upstream: Duplex) {
      const { headers: h } = downstreamResponseHeaders(raw ?? [], true);
      let out = `HTTP/1.1 ${statusCode} Switching Protocols\r\n`;
      for (let i = 0; i < h.length; i += 2) out += `${h[i]}: ${h[i + 1]}\r\n`;
      client.write(out + '\r\n');
      tunnel(client, upstream, tunnels);
    },
    // The endpoint refused the upgrade with an ordinary response: relay it as is.
    onHeaders(statusCode: number, raw: Buffer[]) {
      status = statusCode;
      head = downstreamResponseHeaders(raw).headers;
      return true;
    },
    onData(chunk: Buffer) {
      chunks.push(chunk);
      return true;
    },
    onComplete() {
      const body = Buffer.concat(chunks);
      let out = `HTTP/1.1 ${status} Upgrade Refused\r\n`;
      for (let i = 0; i < head.length; i += 2) if (!/^content-length$/i.test(head[i]!)) out += `${head[i]}: ${head[i + 1]}\r\n`;
      client.end(`${out}content-length: ${body.length}\r\nconnection: close\r\n\r\n${body.toString('latin1')}`, 'latin1');
    },
    onError(err: Error) {
      const code = (err as { code?: string }).code ?? '';
      onFail(code === 'ECONNREFUSED' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH');
    },
  };
  pool.dispatch({ method: 'GET', path: req.url ?? '/', headers, upgrade: req.headers.upgrade ?? 'websocket' }, handler as unknown as Dispatcher.DispatchHandler);
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
