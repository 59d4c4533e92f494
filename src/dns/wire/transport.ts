import dgram from 'node:dgram';
import net from 'node:net';

export interface Server {
  host: string;
  port: number;
}

/** Classic DNS over UDP carries 512 bytes (RFC 1035 §4.2.1); larger messages go over TCP. */
export const UDP_LIMIT = 512;

export class TransportError extends Error {
  constructor(message: string, readonly kind: 'timeout' | 'network' | 'aborted') {
    super(message);
  }
}

/**
 * One request/response over UDP, or TCP when the request is too large for UDP or the UDP
 * answer came back truncated (TC bit; RFC 1035 §4.2.1, RFC 7766 §5).
 */
export async function exchange(server: Server, wire: Buffer, timeout: number, signal: AbortSignal): Promise<Buffer> {
  if (wire.length <= UDP_LIMIT) {
    const answer = await udp(server, wire, timeout, signal);
    if ((answer.readUInt16BE(2) & 0x0200) === 0) return answer;
  }
  const session = await TcpSession.open(server, timeout, signal);
  try {
    return await session.request(wire);
  } finally {
    session.close();
  }
}

function udp(server: Server, wire: Buffer, timeout: number, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(net.isIPv6(server.host) ? 'udp6' : 'udp4');
    const id = wire.readUInt16BE(0);
    const done = (err: Error | undefined, answer?: Buffer): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.close();
      if (err) reject(err);
      else resolve(answer!);
    };
    const onAbort = (): void => done(new TransportError('aborted', 'aborted'));
    const timer = setTimeout(() => done(new TransportError(`no answer from ${server.host}:${server.port} over UDP within ${timeout}ms`, 'timeout')), timeout);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (e) => done(new TransportError(`UDP to ${server.host}:${server.port}: ${(e as NodeJS.ErrnoException).code ?? e.message}`, 'network')));
    // Only the server we asked, with our ID, may answer (RFC 5452 §9.1).
    socket.on('message', (msg, rinfo) => {
      if (msg.length >= 12 && msg.readUInt16BE(0) === id && rinfo.port === server.port) done(undefined, msg);
    });
    socket.send(wire, server.port, server.host);
  });
}

/**
 * A TCP connection carrying several queries at once, each framed by a two-byte length
 * (RFC 1035 §4.2.2); answers may come back in any order and are matched by ID (RFC 7766 §6.2.1).
 */
export class TcpSession {
  readonly #socket: net.Socket;
  readonly #pending = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>();
  readonly #timeout: number;
  #buf = Buffer.alloc(0);
  #error: Error | undefined;
  readonly #timer: NodeJS.Timeout;

  private constructor(socket: net.Socket, readonly server: Server, timeout: number, signal: AbortSignal) {
    this.#socket = socket;
    this.#timeout = timeout;
    this.#timer = setTimeout(() => this.#fail(new TransportError(`no answer from ${server.host}:${server.port} over TCP within ${timeout}ms`, 'timeout')), timeout);
    signal.addEventListener('abort', () => this.#fail(new TransportError('aborted', 'aborted')), { once: true });
    socket.on('data', (d: Buffer) => this.#onData(d));
    socket.on('error', (e: NodeJS.ErrnoException) => this.#fail(new TransportError(`TCP to ${server.host}:${server.port}: ${e.code ?? e.message}`, 'network')));
    socket.on('close', () => this.#fail(new TransportError(`${server.host}:${server.port} closed the TCP connection`, 'network')));
  }

  static open(server: Server, timeout: number, signal: AbortSignal): Promise<TcpSession> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new TransportError('aborted', 'aborted'));
      const socket = net.connect({ host: server.host, port: server.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TransportError(`TCP connect to ${server.host}:${server.port} timed out after ${timeout}ms`, 'timeout'));
      }, timeout);
      socket.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new TransportError(`TCP connect to ${server.host}:${server.port}: ${e.code ?? e.message}`, 'network'));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new TcpSession(socket, server, timeout, signal));
      });
    });
  }

  get timeout(): number {
    return this.#timeout;
  }

  request(wire: Buffer): Promise<Buffer> {
    if (this.#error) return Promise.reject(this.#error);
    const id = wire.readUInt16BE(0);
    if (this.#pending.has(id)) return Promise.reject(new Error(`DNS ID ${id} is already in use on this connection`));
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      const len = Buffer.alloc(2);
      len.writeUInt16BE(wire.length, 0);
      this.#socket.write(Buffer.concat([len, wire]));
    });
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#error ??= new TransportError('session closed', 'network');
    this.#socket.destroy();
  }

  #onData(d: Buffer): void {
    this.#buf = Buffer.concat([this.#buf, d]);
    while (this.#buf.length >= 2) {
      const len = this.#buf.readUInt16BE(0);
      if (this.#buf.length < 2 + len) break;
      const msg = this.#buf.subarray(2, 2 + len);
      this.#buf = this.#buf.subarray(2 + len);
      if (msg.length < 12) continue;
      const waiter = this.#pending.get(msg.readUInt16BE(0));
      this.#pending.delete(msg.readUInt16BE(0));
      waiter?.resolve(Buffer.from(msg));
    }
  }

  #fail(err: Error): void {
    this.#error ??= err;
    clearTimeout(this.#timer);
    for (const w of this.#pending.values()) w.reject(err);
    this.#pending.clear();
    this.#socket.destroy();
  }
}
