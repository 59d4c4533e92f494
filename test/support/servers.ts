import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { parseConfig } from '../../src/config/index.js';
import { Gateway, type GatewayOptions } from '../../src/gateway/index.js';
import type { DetourEvent } from '../../src/model/index.js';

/** A real HTTP server on 127.0.0.1, port 0, recording what it received. */
export interface Upstream {
  server: Server;
  url: string;
  port: number;
  hits: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }>;
  sockets: number;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export async function upstream(handler: Handler = okHandler('up')): Promise<Upstream> {
  const u = { hits: [], sockets: 0 } as unknown as Upstream;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      u.hits.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  server.on('connection', () => u.sockets++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  Object.assign(u, {
    server, port, url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }),
  });
  return u;
}

export function okHandler(name: string): Handler {
  return (req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`${name} ${req.method} ${req.url}`);
  };
}

export function tencentInternalError(): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ Response: { Error: { Code: 'InternalError', Message: 'An internal error has occurred. Retry your request, but if the problem persists, contact us.' }, RequestId: 'f3c1' } }));
  };
}

/** A port that refuses connections (a server opened then closed). */
export async function deadPort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Starts a gateway from inline YAML (listen on port 0, admin on port 0 unless the YAML says otherwise). */
export async function gateway(yaml: string, opts: GatewayOptions = {}, env: Record<string, string> = {}): Promise<TestGateway> {
  const cfg = parseConfig(yaml, 'test.yaml', env);
  const gw = await Gateway.start(cfg, opts);
  const events: DetourEvent[] = [];
  gw.bus.onAny((e) => events.push(e));
  const addr = gw.addresses();
  const port = addr.proxy[0]!.port;
  return {
    gw, events, url: `http://127.0.0.1:${port}`, port,
    adminUrl: addr.admin ? `http://127.0.0.1:${addr.admin.port}` : '',
    waitFor: ((pred: (e: DetourEvent) => boolean, ms = 10_000) => waitForEvent(gw, events, pred, ms)) as TestGateway['waitFor'],
    stop: () => gw.stop(),
  };
}

export interface TestGateway {
  gw: Gateway;
  events: DetourEvent[];
  url: string;
  port: number;
  adminUrl: string;
  /** Resolves with the first event (already seen or future) matching pred; rejects after ms (a safety net, not an assertion on time). */
  waitFor<E extends DetourEvent>(pred: (e: DetourEvent) => e is E, ms?: number): Promise<E>;
  waitFor(pred: (e: DetourEvent) => boolean, ms?: number): Promise<DetourEvent>;
  stop(): Promise<void>;
}

function waitForEvent(gw: Gateway, seen: DetourEvent[], pred: (e: DetourEvent) => boolean, ms: number): Promise<DetourEvent> {
  const hit = seen.find(pred);
  if (hit) return Promise.resolve(hit);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { sub.dispose(); reject(new Error(`event not seen within ${ms}ms`)); }, ms);
    const sub = gw.bus.onAny((e) => {
      if (!pred(e)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}

export interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  text: string;
}

/** One request with node:http (fetch forbids setting Host), body read as text. */
export function get(url: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer; agent?: Agent | false } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers ?? {}, agent: init.agent ?? keepAlive }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const keepAlive = new Agent({ keepAlive: true, maxSockets: 64 });
