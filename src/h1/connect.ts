import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, createSecureContext, type ConnectionOptions } from 'node:tls';
import type { PoolOptions } from './pool.js';

/** Where and how a pool connects; parsed once per pool from its origin. */
export interface Origin {
  tls: boolean;
  /** Host to connect to (IPv6 without brackets). */
  hostname: string;
  port: number;
  /** Host field value when the caller's headers carry none (RFC 9112 §3.2). */
  hostHeader: string;
  tlsOptions: ConnectionOptions | undefined;
  /** Last TLS session ticket seen, offered on the next handshake (saves a round trip). */
  session: Buffer | undefined;
}

export function parseOrigin(origin: string, opts: PoolOptions): Origin {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new TypeError(`Pool: invalid origin ${JSON.stringify(origin)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`Pool: origin must be http: or https:, got ${url.protocol}`);
  if (url.pathname !== '/' || url.search || url.username) throw new TypeError(`Pool: origin must be scheme://host:port only, got ${JSON.stringify(origin)}`);
  const tls = url.protocol === 'https:';
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  let tlsOptions: ConnectionOptions | undefined;
  if (tls) {
    // RFC 6066 §3: SNI carries a DNS name, never an IP literal.
    const servername = opts.servername ?? (isIP(hostname) ? undefined : hostname);
    tlsOptions = {
      rejectUnauthorized: opts.rejectUnauthorized ?? true,
      ALPNProtocols: ['http/1.1'],
      // One context per pool: parsing the CA PEM per connection would cost a handshake's worth of CPU.
      secureContext: createSecureContext(opts.ca !== undefined ? { ca: opts.ca } : {}),
      ...(servername !== undefined ? { servername } : {}),
    };
  }
  return { tls, hostname, port: Number(url.port) || (tls ? 443 : 80), hostHeader: url.host, tlsOptions, session: undefined };
}

/** Bytes per upstream read; also the most a connection holds of a response body at a time. */
export const READ_BUFFER = 64 * 1024;

/**
 * Receives each read: `n` bytes at the start of `buf`, which is reused for the next read.
 * Returning false stops reading until the socket's stream machinery asks for more (what
 * Node's own read path does when push() returns false); pause()/resume() work as usual.
 */
export type OnRead = (n: number, buf: Buffer) => boolean;

/**
 * Opens the TCP (or TLS) socket, delivering reads to `onRead`.
 *
 * Plain TCP reads into one buffer per connection (net's `onread` option) instead of a fresh
 * 64 KiB allocation per read: with 1 MiB bodies those allocations, freed later by the GC,
 * made glibc trim and re-fault its heap, and the proxy ran at half speed in some processes
 * (measured: minor faults 175k–350k vs 25k per 10 s). The reader must therefore treat each
 * chunk as borrowed (see UpstreamHandler.onData). TLS sockets do not support `onread`; their
 * 'data' chunks are delivered the same way. allowHalfOpen: the connection decides itself what a FIN
 * means (end of a close-delimited body, RFC 9112 §6.3), and an upgraded socket keeps
 * half-close semantics for the tunnel that takes it over.
 */
export function openSocket(o: Origin, onRead: OnRead): Socket {
  let socket: Socket;
  if (o.tlsOptions !== undefined) {
    // tls.connect honours allowHalfOpen (passed on to the TLSSocket); @types/node omits it.
    const options: ConnectionOptions & { allowHalfOpen: boolean } = { ...o.tlsOptions, host: o.hostname, port: o.port, allowHalfOpen: true };
    if (o.session !== undefined) options.session = o.session;
    socket = tlsConnect(options);
    socket.on('session', (s: Buffer) => {
      o.session = s;
    });
    socket.on('data', (chunk: Buffer) => onRead(chunk.length, chunk));
  } else {
    const onread = { buffer: Buffer.allocUnsafeSlow(READ_BUFFER), callback: (n: number, buf: Uint8Array) => onRead(n, buf as Buffer) };
    socket = netConnect({ host: o.hostname, port: o.port, allowHalfOpen: true, onread });
  }
  // Heads and small bodies go out in one write each; Nagle would only hold them back.
  socket.setNoDelay(true);
  return socket;
}
