/**
 * The HTTP side shared by the cloud DNS emulators: a real server on 127.0.0.1, port 0, a call log,
 * and fault injection. Each emulator (cloudflare.ts, dnspod.ts, alidns.ts, route53.ts) decides how
 * a fault looks in its provider's wire format; this file only decides *which* call fails.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

/**
 * - `timeout`: the request is accepted and never answered (the client's deadline must fire).
 * - `http-5xx`: HTTP 503 with a non-API body, as a load balancer in front of the API answers.
 * - `internal-error`: the provider's own server-error envelope (DNSPod `InternalError` in HTTP 200,
 *   Alidns/Route 53/Cloudflare JSON or XML with a 5xx status).
 * - `throttle`: the provider's rate-limit envelope.
 * - `reset`: the connection is destroyed before any answer.
 */
export type FaultKind = 'timeout' | 'http-5xx' | 'internal-error' | 'throttle' | 'reset';

interface FaultRule {
  kind: FaultKind;
  remaining: number;
  skip: number;
  actions: readonly string[] | undefined;
}

export class Faults {
  #rules: FaultRule[] = [];

  /**
   * The next `count` calls fail with `kind`. With `action` (one or several), only those calls count, and
   * `skip` of them pass first (so a change can fail half-way: `{ action: 'CreateRecord', skip: 1 }`).
   */
  failNext(count: number, kind: FaultKind, opts: { action?: string | readonly string[]; skip?: number } = {}): void {
    const actions = opts.action === undefined ? undefined : typeof opts.action === 'string' ? [opts.action] : opts.action;
    this.#rules.push({ kind, remaining: count, skip: opts.skip ?? 0, actions });
  }

  clear(): void {
    this.#rules = [];
  }

  /** Pending injected failures. */
  get pending(): number {
    return this.#rules.reduce((n, r) => n + r.remaining, 0);
  }

  /** Called once per request with its action; returns the fault to inject, if any. */
  take(action: string): FaultKind | undefined {
    for (const r of this.#rules) {
      if (r.remaining <= 0 || (r.actions !== undefined && !r.actions.includes(action))) continue;
      if (r.skip > 0) {
        r.skip--;
        continue;
      }
      r.remaining--;
      this.#rules = this.#rules.filter((x) => x.remaining > 0);
      return r.kind;
    }
    return undefined;
  }
}

export interface Call {
  action: string;
  /** What the emulator answered: an HTTP status, or the injected fault. */
  outcome: number | FaultKind;
  /** Decoded parameters, for assertions on paging and batching. */
  params: Record<string, unknown>;
}

export interface HttpEmulator {
  readonly url: string;
  readonly port: number;
  readonly calls: Call[];
  readonly faults: Faults;
  callsOf(action: string): Call[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void | Promise<void>;

export async function startHttpEmulator(handler: Handler): Promise<HttpEmulator & { server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      Promise.resolve(handler(req, Buffer.concat(chunks), res)).catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`emulator bug: ${e instanceof Error ? e.stack : String(e)}`);
      });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const calls: Call[] = [];
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    port,
    calls,
    faults: new Faults(),
    callsOf: (action) => calls.filter((c) => c.action === action),
    close: async () => {
      server.closeAllConnections(); // also ends requests held open by a `timeout` fault
      server.close();
      await once(server, 'close');
    },
  };
}

/**
 * Applies the generic part of a fault. Returns true when the request is finished (answered,
 * held open or reset); for `internal-error` and `throttle` the emulator writes its own envelope.
 */
export function applyTransportFault(kind: FaultKind, res: ServerResponse): boolean {
  switch (kind) {
    case 'timeout':
      return true; // never answered; the server's close() ends it
    case 'reset':
      res.socket?.destroy();
      return true;
    case 'http-5xx':
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>');
      return true;
    case 'internal-error':
    case 'throttle':
      return false;
    default: {
      const never: never = kind;
      return never;
    }
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendXml(res: ServerResponse, status: number, xml: string, headers: Record<string, string> = {}): void {
  const text = `<?xml version="1.0"?>\n${xml}`;
  res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

let seq = 0;
/** A request id in the UUID shape providers use. */
export function requestId(): string {
  seq++;
  const hex = (n: number, w: number): string => n.toString(16).padStart(w, '0').slice(-w);
  return `${hex(Date.now(), 8)}-${hex(seq, 4)}-4${hex(seq >> 4, 3)}-8${hex(process.pid, 3)}-${hex(seq * 7919, 12)}`;
}

/** Polls `cond` on the event loop until it holds; fails after `ms` (a safety net, not a timing assertion). */
export async function waitUntil(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
