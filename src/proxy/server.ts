import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ListenerConfig } from '../config/types.js';
import { H1Server, type Exchange } from '../h1/index.js';
import { handleRequest, type ProxyEnv } from './pipeline.js';
import { handleUpgrade } from './websocket.js';

interface Listener {
  key: string;
  config: ListenerConfig;
  server: H1Server;
  address: AddressInfo;
}

/**
 * The downstream side: one HTTP(S) server per listen address, all feeding the same
 * pipeline. Tracks requests in flight so shutdown can wait for them (nothing is
 * dropped), and reconciles listen addresses on config reload.
 */
export class ProxyServer {
  readonly #env: ProxyEnv;
  readonly #listeners = new Map<string, Listener>();
  #inflight = 0;
  #draining = false;
  #idleWaiters: Array<() => void> = [];
  #closing: H1Server[] = [];
  /** Client sockets of open WebSocket/upgrade tunnels (closed at shutdown). */
  readonly #tunnels = new Set<Duplex>();

  constructor(env: ProxyEnv) {
    this.#env = env;
  }

  get inflight(): number {
    return this.#inflight;
  }

  addresses(): Array<AddressInfo & { tls: boolean }> {
    return [...this.#listeners.values()].map((l) => ({ ...l.address, tls: l.config.tls !== undefined }));
  }

  /**
   * Opens listeners that are new, then closes the ones no longer configured (in that
   * order, so a reload never leaves a moment with nothing listening). A configured
   * port 0 matches the port it was given, so a reload of the same file keeps it.
   */
  async reconcile(configs: readonly ListenerConfig[]): Promise<void> {
    const keep = new Set<Listener>();
    const open: ListenerConfig[] = [];
    for (const c of configs) {
      const same = [...this.#listeners.values()].find((l) => !keep.has(l) && sameListener(l, c));
      if (same) keep.add(same);
      else open.push(c);
    }
    const stale = [...this.#listeners.values()].filter((l) => !keep.has(l));
    for (const c of open) {
      const server = this.#create(c);
      const address = await server.listen(c.port, c.host);
      this.#listeners.set(`${keyOf(c)}#${address.port}`, { key: keyOf(c), config: c, server, address });
    }
    for (const l of stale) {
      for (const [k, v] of this.#listeners) if (v === l) this.#listeners.delete(k);
      await closeServer(l.server, 0);
    }
  }

  #create(c: ListenerConfig): H1Server {
    // No request timeout: long uploads/downloads are the upstream's business; deadlines are per service.
    return new H1Server({
      ...(c.tls ? { tls: { cert: readFileSync(c.tls.cert), key: readFileSync(c.tls.key) } } : {}),
      keepAliveTimeout: 65_000, // longer than common client/LB idle timeouts (60s) to avoid races
      headersTimeout: 66_000,
    }, {
      request: (ex) => this.#onRequest(ex),
      upgrade: (ex, socket, rest) => handleUpgrade(this.#env, ex, socket, rest, this.#tunnels),
    });
  }

  /** One handler for every exchange (no closure per request). */
  readonly #exchangeClosed = (): void => {
    this.#inflight--;
    if (this.#draining) {
      for (const s of this.#closing) s.closeIdleConnections();
      if (this.#inflight === 0) for (const w of this.#idleWaiters.splice(0)) w();
    }
  };

  #onRequest(ex: Exchange): void {
    this.#inflight++;
    if (this.#draining) ex.keepAlive = false;
    ex.onClose(this.#exchangeClosed);
    void handleRequest(this.#env, ex);
  }

  /**
   * Graceful stop: stop accepting, let every request in flight finish (up to
   * `drainTimeout`), close idle keep-alive connections as they become idle, then
   * force-close what is left.
   */
  async close(drainTimeout: number): Promise<void> {
    this.#draining = true;
    const servers = [...this.#listeners.values()].map((l) => l.server);
    this.#closing = servers;
    this.#listeners.clear();
    const closed = servers.map((s) => closeServer(s, drainTimeout));
    if (this.#inflight > 0) {
      await Promise.race([
        new Promise<void>((r) => this.#idleWaiters.push(r)),
        new Promise<void>((r) => setTimeout(r, drainTimeout).unref()),
      ]);
    }
    for (const s of servers) s.closeAllConnections();
    for (const t of this.#tunnels) t.destroy();
    await Promise.all(closed);
  }
}

function sameListener(l: Listener, c: ListenerConfig): boolean {
  const tls = (x: ListenerConfig) => (x.tls ? `${x.tls.cert}|${x.tls.key}` : '');
  return l.config.host === c.host && tls(l.config) === tls(c) && (l.config.port === c.port || l.address.port === c.port);
}

function keyOf(c: ListenerConfig): string {
  return `${c.host}:${c.port}:${c.tls ? `${c.tls.cert}|${c.tls.key}` : ''}`;
}

function closeServer(server: H1Server, graceMs: number): Promise<void> {
  const closed = server.close();
  server.drain();
  if (graceMs === 0) server.closeAllConnections();
  return closed;
}
