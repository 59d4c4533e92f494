import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Small stand-ins for "clouds" used by `npm start` (detour start --demo): each cloud
 * is a set of real HTTP servers answering JSON, and a control listener lets you break
 * one the way clouds break:
 *   down            listeners closed: connection refused
 *   internal-error  HTTP 200 with Tencent API 3.0's `Response.Error.Code = InternalError`
 *   slow            answers after 3 s
 *   ok              back to normal
 */
export type CloudMode = 'ok' | 'down' | 'internal-error' | 'slow';

export interface DemoCloudSpec {
  name: string;
  region: string;
  ports: number[];
}

export class DemoCloud {
  mode: CloudMode = 'ok';
  readonly #servers = new Map<number, Server>();
  requests = 0;
  constructor(readonly spec: DemoCloudSpec, readonly host = '127.0.0.1') {}

  async start(): Promise<number[]> {
    const ports: number[] = [];
    for (const port of this.spec.ports) ports.push(await this.#listen(port));
    return ports;
  }

  async setMode(mode: CloudMode): Promise<void> {
    this.mode = mode;
    if (mode === 'down') await this.#closeAll();
    else if (this.#servers.size === 0) for (const p of this.spec.ports) await this.#listen(p);
  }

  async stop(): Promise<void> {
    await this.#closeAll();
  }

  #listen(port: number): Promise<number> {
    const server = createServer((req, res) => {
      this.requests++;
      const reply = (): void => {
        if (this.mode === 'internal-error') {
          const body = JSON.stringify({ Response: { Error: { Code: 'InternalError', Message: 'An internal error has occurred. Retry your request, but if the problem persists, contact us.' }, RequestId: cryptoId() } });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(body);
          return;
        }
        const body = JSON.stringify({ cloud: this.spec.name, region: this.spec.region, port, method: req.method, path: req.url, time: new Date().toISOString() });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body + '\n');
      };
      req.resume();
      if (this.mode === 'slow') setTimeout(reply, 3000).unref();
      else reply();
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => {
        const actual = (server.address() as AddressInfo).port;
        this.#servers.set(actual, server);
        resolve(actual);
      });
    });
  }

  async #closeAll(): Promise<void> {
    const all = [...this.#servers.values()];
    this.#servers.clear();
    await Promise.all(all.map((s) => new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections(); })));
  }
}

function cryptoId(): string {
  return Math.random().toString(16).slice(2, 10) + '-' + Math.random().toString(16).slice(2, 6);
}

/** The control listener: POST /clouds/<name>/<mode>, GET /clouds. */
export function startDemoControl(clouds: DemoCloud[], host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const m = /^\/clouds\/([^/]+)\/(ok|down|internal-error|slow)$/.exec(req.url ?? '');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body) + '\n');
    };
    if (req.method === 'GET' && req.url === '/clouds') return send(200, clouds.map((c) => ({ name: c.spec.name, mode: c.mode, requests: c.requests })));
    if (req.method !== 'POST' || !m) return send(404, { error: 'use POST /clouds/<name>/<ok|down|internal-error|slow> or GET /clouds' });
    const cloud = clouds.find((c) => c.spec.name === m[1]);
    if (!cloud) return send(404, { error: `no demo cloud "${m[1]}"` });
    cloud.setMode(m[2] as CloudMode).then(() => send(200, { name: cloud.spec.name, mode: cloud.mode }), (e: unknown) => send(500, { error: String(e) }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
