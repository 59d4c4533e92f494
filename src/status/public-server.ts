import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../common/index.js';
import type { Assets } from './assets.js';
import { serveAsset } from './dashboard-routes.js';
import { pageHeaders, sendHtml, sendJson } from './http.js';
import type { LiveStatus } from './live.js';
import { publicJson } from './public-json.js';
import type { PublicPage } from './public-view.js';
import { publicPage } from './render/public.js';

const HEADERS = pageHeaders({ forms: false, cache: 'no-cache' });

/**
 * The public, read-only status page on its own address: GET and HEAD only, no cookies,
 * no forms, nothing but what `PublicPage` carries. Put it behind your CDN or expose it
 * directly; it never serves the admin API.
 */
export class PublicStatusServer {
  readonly #server: Server;

  constructor(readonly live: LiveStatus, readonly assets: Assets, readonly view: () => Promise<PublicPage>, readonly windowMs: number, readonly log: Logger) {
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((err: unknown) => {
        log.error('status page request failed', { error: String(err) });
        if (res.headersSent) return void res.destroy();
        res.writeHead(500, { ...HEADERS, 'content-type': 'text/plain; charset=utf-8' });
        res.end('internal error\n');
      });
    });
  }

  async listen(host: string, port: number): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    return this.#server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => {
      this.#server.close(() => r());
      this.#server.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...HEADERS, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('the status page is read-only\n');
      return;
    }
    const path = new URL(req.url ?? '/', 'http://status').pathname;
    if (path === '/' || path === '/index.html') {
      return sendHtml(res, 200, publicPage(await this.view(), { windowMs: this.windowMs, version: this.assets.version, preview: false }), HEADERS);
    }
    if (path === '/events') return this.live.public.open(req, res, HEADERS, await this.live.snapshot('public'));
    if (path === '/api/status.json') return sendJson(res, 200, publicJson(await this.view()), { ...HEADERS, 'access-control-allow-origin': '*' });
    if (path.startsWith('/assets/')) return serveAsset(req, res, this.assets, path.slice('/assets/'.length));
    res.writeHead(404, { ...HEADERS, 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
  }
}
