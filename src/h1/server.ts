import { createServer as createNet, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTls, type TlsOptions } from 'node:tls';
import { ServerConnection, type ServerHandlers } from './server-conn.js';

export interface H1ServerOptions {
  tls?: Pick<TlsOptions, 'cert' | 'key'>;
  /** Idle time between requests before a keep-alive connection is closed. */
  keepAliveTimeout: number;
  /** Time allowed to receive a complete request head (slowloris bound). */
  headersTimeout: number;
  /** Largest request head accepted; larger gets 431 (default 32 KiB). */
  maxHeadBytes?: number;
}

/** How often idle and slow connections are looked at: one timer per server, not per socket. */
const SWEEP_MS = 1_000;

/**
 * An HTTP/1.1 server (plain or TLS) built on net sockets, for the proxy's listeners.
 * Compared with node:http it has no IncomingMessage/ServerResponse streams and no
 * per-request timers; idle and header timeouts are enforced by one periodic sweep.
 */
export class H1Server {
  readonly #server: Server;
  readonly #conns = new Set<ServerConnection>();
  readonly #opts: H1ServerOptions;
  #sweep: NodeJS.Timeout | undefined;

  constructor(opts: H1ServerOptions, handlers: ServerHandlers) {
    this.#opts = opts;
    const maxHead = opts.maxHeadBytes ?? 32 * 1024;
    const accept = (socket: Socket, encrypted: boolean) => {
      const conn = new ServerConnection(socket, encrypted, handlers, maxHead, Date.now());
      this.#conns.add(conn);
      socket.once('close', () => this.#conns.delete(conn));
    };
    if (opts.tls) {
      const server = createTls({ ...opts.tls, ALPNProtocols: ['http/1.1'], allowHalfOpen: true }, (s) => accept(s, true));
      // A failed handshake is the client's problem; the tls server already dropped the socket.
      server.on('tlsClientError', () => {});
      this.#server = server;
    } else {
      this.#server = createNet({ noDelay: true, allowHalfOpen: true }, (s) => accept(s, false));
    }
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        this.#sweep = setInterval(() => this.#sweepNow(), SWEEP_MS).unref();
        resolve(this.#server.address() as AddressInfo);
      });
    });
  }

  get connections(): number {
    return this.#conns.size;
  }

  /** Stops accepting; resolves when every connection has closed (see drain / closeAll). */
  close(): Promise<void> {
    clearInterval(this.#sweep);
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  /** Every connection closes after its current exchange; idle ones close now. */
  drain(): void {
    for (const c of this.#conns) c.drain();
  }

  closeIdleConnections(): void {
    for (const c of this.#conns) if (!c.busy) c.socket.destroy();
  }

  closeAllConnections(): void {
    for (const c of this.#conns) c.socket.destroy();
  }

  #sweepNow(): void {
    const now = Date.now();
    const { keepAliveTimeout, headersTimeout } = this.#opts;
    for (const c of this.#conns) {
      if (!c.busy && c.headSince > 0 && now - c.headSince > headersTimeout) c.socket.destroy();
      else if (!c.busy && c.idleSince > 0 && now - c.idleSince > keepAliveTimeout) c.socket.destroy();
    }
  }
}
