// Shared helpers for the wire tests (no tests here): real servers on 127.0.0.1 port 0, a raw
// client, and a recording pool handler that checks the handler contract while it records.
// test/proxy-wire.test.ts uses them too.
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ResponseHead } from './head.js';
import type { DispatchOptions, Pool, UpstreamHandler } from './pool.js';

export interface TestServer {
  url: string;
  port: number;
  /** Connections accepted so far. */
  connections: number;
  sockets: Set<Socket>;
  close(): Promise<void>;
}

async function listen(server: Server | ReturnType<typeof createNetServer>, track: TestServer): Promise<TestServer> {
  server.on('connection', (s: Socket) => {
    track.connections++;
    track.sockets.add(s);
    s.on('close', () => track.sockets.delete(s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  track.port = (server.address() as AddressInfo).port;
  track.url = `http://127.0.0.1:${track.port}`;
  track.close = () =>
    new Promise<void>((resolve) => {
      for (const s of track.sockets) s.destroy();
      server.close(() => resolve());
    });
  return track;
}

function blank(): TestServer {
  return { url: '', port: 0, connections: 0, sockets: new Set(), close: async () => {} };
}

/** A node:http server. */
export function httpServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  return listen(createHttpServer({ keepAliveTimeout: 30_000 }, handler), blank());
}

/** A raw TCP server: the test writes exactly the bytes it wants. */
export function rawServer(onSocket: (socket: Socket) => void): Promise<TestServer> {
  const server = createNetServer({ allowHalfOpen: true }, onSocket);
  return listen(server, blank());
}

/** Reads from `socket` until `count` request heads have arrived (bodies not included); resolves with the text. */
export function readHeads(socket: Socket, count = 1): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (c: Buffer) => {
      text += c.toString('latin1');
      if (text.split('\r\n\r\n').length - 1 >= count) {
        socket.off('data', onData);
        resolve(text);
      }
    };
    socket.on('data', onData);
  });
}

/** Calls `onRequest` for every request head a raw server socket receives (requests without bodies). */
export function onRequests(socket: Socket, onRequest: (head: string, index: number) => void): void {
  let buf = '';
  let n = 0;
  socket.on('data', (c: Buffer) => {
    buf += c.toString('latin1');
    for (let i = buf.indexOf('\r\n\r\n'); i >= 0; i = buf.indexOf('\r\n\r\n')) {
      const head = buf.slice(0, i);
      buf = buf.slice(i + 4);
      onRequest(head, n++);
    }
  });
}

export type Code = Error & { code?: string };

export interface Outcome {
  head: ResponseHead | undefined;
  body: Buffer;
  /** Body bytes received so far (kept up to date, unlike `body`, which is filled at the end). */
  bytes: number;
  error: Code | undefined;
  upgrade: { socket: Duplex; rest: Buffer } | undefined;
  /** 'connect', 'headers', 'data', 'complete', 'error', 'upgrade', and 'VIOLATION …' when the contract broke. */
  events: string[];
  abort: (err: Error) => void;
  resume: () => void;
}

export interface Hooks {
  onHeaders?: (o: Outcome) => boolean;
  onData?: (o: Outcome, chunk: Buffer) => boolean;
  withUpgrade?: boolean;
  /** Count body bytes without keeping them (large bodies). */
  discard?: boolean;
}

/** Dispatches and resolves on the first terminal callback (complete, error or upgrade). */
export function exchange(pool: Pool, opts: DispatchOptions, hooks: Hooks = {}): Promise<Outcome> & { outcome: Outcome } {
  const chunks: Buffer[] = [];
  const o: Outcome = { head: undefined, body: Buffer.alloc(0), bytes: 0, error: undefined, upgrade: undefined, events: [], abort: () => {}, resume: () => {} };
  let settle!: (o: Outcome) => void;
  const p = new Promise<Outcome>((r) => (settle = r)) as Promise<Outcome> & { outcome: Outcome };
  p.outcome = o;
  let ended = false;
  const end = (what: string) => {
    if (ended) o.events.push(`VIOLATION ${what} after the end`);
    ended = true;
    o.events.push(what);
    o.body = Buffer.concat(chunks);
    settle(o);
  };
  const handler: UpstreamHandler = {
    onConnect(abort) {
      o.events.push('connect');
      o.abort = abort;
    },
    onHeaders(head, resume) {
      if (ended) o.events.push('VIOLATION headers after the end');
      o.events.push('headers');
      o.head = head;
      o.resume = resume;
      return hooks.onHeaders ? hooks.onHeaders(o) : true;
    },
    onData(chunk) {
      if (ended) o.events.push('VIOLATION data after the end');
      if (o.events.at(-1) !== 'data') o.events.push('data');
      o.bytes += chunk.length;
      if (!hooks.discard) chunks.push(Buffer.from(chunk));
      return hooks.onData ? hooks.onData(o, chunk) : true;
    },
    onComplete: () => end('complete'),
    onError(err) {
      o.error = err;
      end('error');
    },
  };
  if (hooks.withUpgrade) {
    handler.onUpgrade = (head, socket, rest) => {
      o.head = head;
      o.upgrade = { socket, rest };
      end('upgrade');
    };
  }
  pool.dispatch(opts, handler);
  return p;
}

export function get(path = '/', headers: string[] = ['host', 'test']): DispatchOptions {
  return { method: 'GET', path, headers };
}

/** Rejects if `p` takes longer than `ms` (a safety net against hangs, never a timing assertion). */
export function within<T>(p: Promise<T>, ms = 10_000, what = 'the event'): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    }),
  ]);
}

/** Resolves when `cond()` holds, checking on every event-loop turn. */
export async function until(cond: () => boolean, what = 'the condition', ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function* bodyOf(...parts: Array<string | Buffer>): AsyncIterable<Buffer> {
  for (const p of parts) yield typeof p === 'string' ? Buffer.from(p) : p;
}

/**
 * A raw client: writes `bytes` (several parts: one after another, each after the previous
 * was flushed) and collects what comes back until the server closes or `done(text)` holds.
 * `onData` sees the text so far and the socket (to answer a 100 Continue, say).
 */
export function sendRaw(port: number, bytes: string | readonly string[], done?: (text: string) => boolean, onData?: (text: string, s: Socket) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let text = '';
    s.on('data', (d) => {
      text += d.toString('latin1');
      onData?.(text, s);
      if (done?.(text)) {
        s.destroy();
        resolve(text);
      }
    });
    s.on('close', () => resolve(text));
    s.on('error', reject);
    const parts = typeof bytes === 'string' ? [bytes] : bytes;
    let i = 0;
    const next = (): void => {
      if (i < parts.length) s.write(parts[i++]!, 'latin1', () => setImmediate(next));
    };
    next();
  });
}
