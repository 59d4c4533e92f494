import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ClientEvent } from '../src/client/index.js';

// detour/client in a real browser: headless Chromium (Debian's `chromium`) loads a page that uses the
// built browser bundle against two API "domains" (two ports on 127.0.0.1, so cross-origin with CORS).
// The primary is SIGKILLed mid-session; after a reload the page must start on the backup without
// touching the primary. Proof comes from the servers and the library's own events, never from timing.

const CHROMIUM = '/usr/bin/chromium';
const root = fileURLToPath(new URL('..', import.meta.url));
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface Api {
  name: string;
  proc: ChildProcess;
  url: string;
  port: number;
  log: Array<{ method: string; url: string; key: string | null }>;
}

/** Starts test/browser/api-server.mjs as its own process (so it can be killed for real). */
async function startApi(name: string): Promise<Api> {
  const proc = spawn(process.execPath, [join(root, 'test/browser/api-server.mjs'), name], { stdio: ['ignore', 'pipe', 'inherit'] });
  const log: Api['log'] = [];
  const lines = createInterface({ input: proc.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${name} API server did not start`)), 10_000);
    proc.once('exit', (code) => reject(new Error(`${name} API server exited (${code})`)));
    lines.on('line', (line) => {
      const m = JSON.parse(line) as { port?: number } & Api['log'][number];
      if (m.port !== undefined) {
        clearTimeout(t);
        resolve(m.port);
      } else log.push(m);
    });
  });
  return { name, proc, port, url: `http://127.0.0.1:${port}`, log };
}

let work: string;
let browser: Browser | undefined;
let site: Server;
let siteUrl: string;
let primary: Api;
let backup: Api;
let tarpit: TcpServer | undefined;

before(async () => {
  if (!existsSync(CHROMIUM)) {
    assert.fail(`${CHROMIUM} not found: this test needs Debian's Chromium (apt-get install -y chromium)`);
  }
  work = mkdtempSync(join(tmpdir(), 'detour-client-browser-'));
  const built = spawnSync(process.execPath, [join(root, 'scripts/build-client.mjs'), '--outdir', work], { encoding: 'utf8' });
  assert.equal(built.status, 0, `scripts/build-client.mjs failed:\n${built.stderr}`);
  const files: Record<string, [string, string]> = {
    '/': [join(root, 'test/browser/index.html'), 'text/html; charset=utf-8'],
    '/detour-client.js': [join(work, 'detour-client.js'), 'text/javascript'],
  };
  site = createServer((req, res) => {
    const f = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (!f) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': f[1], 'cache-control': 'no-store' });
    res.end(readFileSync(f[0]));
  });
  site.listen(0, '127.0.0.1');
  await once(site, 'listening');
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  [primary, backup] = await Promise.all([startApi('primary'), startApi('backup')]);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

after(async () => {
  await browser?.close();
  for (const api of [primary, backup]) if (api && api.proc.exitCode === null && api.proc.signalCode === null) api.proc.kill('SIGKILL');
  tarpit?.close();
  site?.closeAllConnections();
  site?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** What test/browser/index.html puts on `window` (this file is compiled without DOM types). The functions
 * given to page.evaluate are serialised into the page, so each one names globalThis itself. */
interface PageGlobals {
  ready?: boolean;
  call(path: string, init?: RequestInit): Promise<{ status: number; text: string }>;
  events: ClientEvent[];
  hostStates(): Array<{ state: string }>;
  localStorage: { getItem(key: string): string | null };
}
const call = (page: Page, path: string, init?: RequestInit) => page.evaluate(([p, i]) => (globalThis as unknown as PageGlobals).call(p, i), [path, init] as const);
const events = (page: Page) => page.evaluate(() => (globalThis as unknown as PageGlobals).events.splice(0));
const ready = (page: Page) => page.waitForFunction(() => (globalThis as unknown as PageGlobals).ready === true, undefined, { timeout: 30_000 });

describe('detour/client in headless Chromium', () => {
  it('keeps the page working when the primary dies, and starts on the backup after a reload', async () => {
    const context = await browser!.newContext(); // a fresh profile: empty localStorage
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${siteUrl}/?primary=${encodeURIComponent(primary.url)}&backup=${encodeURIComponent(backup.url)}`);
    await ready(page);

    // 1. Healthy: the primary answers, including a cross-origin POST (CORS preflight for the Idempotency-Key).
    assert.deepEqual(await call(page, '/v1/hello'), { status: 200, text: 'primary GET /v1/hello' });
    assert.deepEqual(await call(page, '/v1/orders', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }), {
      status: 200, text: 'primary POST /v1/orders',
    });
    assert.deepEqual(primary.log.map((l) => l.method), ['GET', 'OPTIONS', 'POST']);
    assert.match(primary.log[2]!.key ?? '', /^[0-9a-f-]{36}$/, 'the library added an Idempotency-Key in the browser');
    assert.deepEqual((await events(page)).map((e) => e.type), ['attempt', 'attempt']);

    // 2. Kill the primary mid-session: the page keeps working on the backup.
    primary.proc.kill('SIGKILL');
    await once(primary.proc, 'exit');
    assert.deepEqual(await call(page, '/v1/hello'), { status: 200, text: 'backup GET /v1/hello' });
    const failover = await events(page);
    assert.deepEqual(failover.map((e) => [e.type, 'host' in e ? e.host : e.type === 'retry' ? e.to : '']), [
      ['attempt', primary.url],
      ['failure', primary.url],
      ['host.down', primary.url],
      ['retry', backup.url],
      ['attempt', backup.url],
    ]);
    const failure = failover[1] as Extract<ClientEvent, { type: 'failure' }>;
    assert.equal(failure.failure.kind, 'network', 'a browser only says "Failed to fetch"');
    assert.deepEqual(await call(page, '/v1/next'), { status: 200, text: 'backup GET /v1/next' });
    assert.deepEqual(await events(page), [{ type: 'attempt', host: backup.url, attempt: 1, hedge: false, probe: false }]);
    const stored = await page.evaluate((k) => (globalThis as unknown as PageGlobals).localStorage.getItem(k), `detour:${primary.url}`);
    assert.ok(stored && JSON.parse(stored).strikes === 1, `the primary's state is in localStorage: ${stored}`);

    // 3. Something now listens on the dead primary's port and records every connection without ever
    //    answering: if the reloaded page tried the primary first, it would show here (and hang).
    const knocks: string[] = [];
    tarpit = createTcpServer((s) => {
      knocks.push(`${s.remoteAddress}:${s.remotePort}`);
      s.on('error', () => {});
    });
    tarpit.listen(primary.port, '127.0.0.1');
    await once(tarpit, 'listening');

    await page.reload();
    await ready(page);
    const seenByBackup = backup.log.length;
    assert.deepEqual(await call(page, '/v1/after-reload'), { status: 200, text: 'backup GET /v1/after-reload' });
    assert.deepEqual(await events(page), [{ type: 'attempt', host: backup.url, attempt: 1, hedge: false, probe: false }]);
    assert.deepEqual(backup.log.slice(seenByBackup).map((l) => l.url), ['/v1/after-reload']);
    assert.deepEqual(knocks, [], 'the reloaded page never connected to the dead primary');
    const states = await page.evaluate(() => (globalThis as unknown as PageGlobals).hostStates());
    assert.deepEqual(states.map((s) => s.state), ['down', 'up']);
    await context.close();
  });
});
