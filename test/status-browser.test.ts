import { mkdtempSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { parseConfig } from '../src/config/index.js';
import { MemoryIncidentSource, StatusFeature, topologyOf } from '../src/status/index.js';
import { launch } from './browser-status/browser.js';
import { scriptedHistory } from './browser-status/history.js';
import { gateway, get, upstream, type TestGateway, type Upstream } from './support/servers.js';

const TOKEN = 'browser-test-admin-token-7f3a';
// Screenshots go to docs/screenshots/ only when asked (DETOUR_SCREENSHOTS=1), so that
// `npm test` leaves the committed ones alone; otherwise to a temp folder.
const SHOTS = process.env.DETOUR_SCREENSHOTS === '1'
  ? new URL('../docs/screenshots/', import.meta.url)
  : new URL(`file://${mkdtempSync(join(tmpdir(), 'detour-shots-'))}/`);
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

/** An upstream answering in 5–35 ms (health checks too), so latency charts have a shape. */
async function cloud(): Promise<Upstream> {
  const u = await upstream((req, res) => {
    setTimeout(() => {
      const fail = req.method === 'POST' && req.url === '/v1/orders/fail';
      res.writeHead(fail ? 500 : 200, { 'content-type': 'application/json' });
      res.end(fail ? '{"error":"boom"}' : '{"ok":true}');
    }, 5 + Math.random() * 30);
  });
  cleanups.push(() => u.close());
  return u;
}

function yaml(u: Record<string, Upstream>, dir: string): string {
  return `
listen: 127.0.0.1:0
admin: { listen: 127.0.0.1:0, token: \${TOKEN}, stateFile: ${join(dir, 'state.json')} }
statusPage:
  listen: 127.0.0.1:0
  title: Acme Cloud status
  components:
    - service: api
      name: Public API
      description: REST API at api.acme.example
      pools: { tencent-gz: Primary (Tencent Cloud Guangzhou), aliyun-hz: Backup (Alibaba Cloud Hangzhou) }
    - service: console
      name: Web console
      pools: false
services:
  - name: api
    match: { pathPrefix: /v1 }
    pools:
      - { name: tencent-gz, provider: tencent, region: ap-guangzhou, endpoints: [${u.a1!.url}, ${u.a2!.url}] }
      - { name: aliyun-hz, provider: aliyun, region: cn-hangzhou, endpoints: [${u.b1!.url}] }
    health:
      active: { interval: 500ms, timeout: 400ms, unhealthyThreshold: 2, healthyThreshold: 1, jitter: 0 }
    slowStart: 0ms
  - name: console
    pools:
      - { name: tencent-sh, provider: tencent, region: ap-shanghai, endpoints: [${u.c1!.url}] }
      - { name: aws-tokyo, provider: aws, region: ap-northeast-1, endpoints: [${u.d1!.url}] }
    slowStart: 0ms
`;
}

/**
 * Light load in the background so the charts have a shape: 2 clients, ~30 requests/s, 1 in 200 a POST
 * that fails; bounded by `count` requests and `ms` milliseconds, or until stop().
 */
function traffic(g: TestGateway, count: number, ms: number): { stop(): Promise<void> } {
  const end = Date.now() + ms;
  let n = 0;
  let stopped = false;
  const worker = async () => {
    while (!stopped && n < count && Date.now() < end) {
      const i = n++;
      if (i % 200 === 199) await get(`${g.url}/v1/orders/fail`, { method: 'POST', body: '{}' });
      else await get(i % 3 === 0 ? `${g.url}/console` : `${g.url}/v1/items/${i}`);
      await new Promise((r) => setTimeout(r, 40));
    }
  };
  const done = Promise.all([worker(), worker()]).then(() => {});
  return { stop: () => ((stopped = true), done) };
}

/**
 * Records, in the page, when the element with data-key first shows one of `states` (epoch ms).
 * A string, not a function: tsx compiles functions with a `__name` helper the page does not have.
 */
async function watchState(page: Page, key: string, states: string[]): Promise<void> {
  await page.evaluate(`(() => {
    const key = ${JSON.stringify(key)}, states = ${JSON.stringify(states)};
    delete window.__changedAt;
    const check = () => {
      const el = [...document.querySelectorAll('[data-key]')].find((e) => e.getAttribute('data-key') === key);
      if (window.__changedAt === undefined && el && states.includes(el.getAttribute('data-state'))) window.__changedAt = Date.now();
    };
    new MutationObserver(check).observe(document.body, { subtree: true, childList: true, attributes: true });
  })()`);
}

async function changedAt(page: Page): Promise<number> {
  // Polled from here: waitForFunction with a string needs eval, which the page's CSP forbids.
  const end = Date.now() + 15_000;
  while (Date.now() < end) {
    const at = await page.evaluate('window.__changedAt');
    if (typeof at === 'number') return at;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the page did not show the change within 15 s');
}

describe('status page and dashboard in headless Chromium', () => {
  let g: TestGateway;
  let ups: Record<string, Upstream>;
  let publicUrl: string;
  let browser: Awaited<ReturnType<typeof launch>>;
  let load: ReturnType<typeof traffic>;
  const dialogs: string[] = [];

  before(async () => {
    browser = await launch();
    cleanups.push(() => browser.close());
    await mkdir(SHOTS, { recursive: true });
    ups = { a1: await cloud(), a2: await cloud(), b1: await cloud(), c1: await cloud(), d1: await cloud() };
    const dir = await mkdtemp(join(tmpdir(), 'detour-status-'));
    const text = yaml(ups, dir);
    const now = Date.now();
    const source = new MemoryIncidentSource(topologyOf(parseConfig(text, 'test.yaml', { TOKEN })), { observedSince: now - 90 * 86_400_000 });
    for (const e of scriptedHistory(now, { api: { primary: [ups.a1!.url, ups.a2!.url], backup: ups.b1!.url }, console: { primary: ups.c1!.url, backup: ups.d1!.url } })) source.record(e);
    const feature = new StatusFeature({ source, sampleInterval: 400, samples: 30 });
    g = await gateway(text, { features: [feature], observer: 'gz-edge-1' }, { TOKEN });
    cleanups.push(() => g.stop());
    publicUrl = `http://127.0.0.1:${feature.publicAddress!.port}`;
    browser.context.on('page', (p) => {
      p.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
      if (process.env.DEBUG_BROWSER) {
        p.on('console', (m) => console.log('console', m.type(), m.text()));
        p.on('pageerror', (e) => console.log('pageerror', e.message));
        p.on('response', (r) => console.log('resp', r.status(), r.url()));
      }
    });
    load = traffic(g, 6000, 90_000);
    cleanups.push(() => load.stop());
    await new Promise((r) => setTimeout(r, 8_000)); // most of the 12 s chart window
  });

  it('logs in to the dashboard with the admin token through the form and shows every service, pool and endpoint', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${g.adminUrl}/dashboard`);
    assert.match(page.url(), /\/dashboard\/login$/);
    await page.screenshot({ path: new URL('dashboard-login.png', SHOTS).pathname });
    await page.fill('#token', 'not-the-token');
    await page.click('button[type=submit]');
    assert.match(await page.textContent('.notice') ?? '', /not valid/);
    await page.fill('#token', TOKEN);
    await Promise.all([page.waitForURL(/\/dashboard$/), page.click('button[type=submit]')]);
    const cookies = await browser.context.cookies(g.adminUrl + '/dashboard');
    const session = cookies.find((c) => c.name === 'detour_session');
    assert.ok(session, 'session cookie set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.ok(!session.value.includes(TOKEN));
    for (const u of Object.values(ups)) assert.equal(await page.locator(`tr[data-key$="${u.url}"]`).count(), 1, u.url);
    await page.waitForSelector('#live[data-live="live"]');
    await page.close();
  });

  it('shows a live state change on the dashboard and the public page within 2 s of the event', async (t) => {
    const dash = await browser.context.newPage();
    await dash.goto(`${g.adminUrl}/dashboard`);
    const pub = await browser.context.newPage();
    await pub.setViewportSize({ width: 1100, height: 900 });
    await pub.goto(publicUrl);
    await Promise.all([dash.waitForSelector('#live[data-live="live"]'), pub.waitForSelector('#live[data-live="live"]')]);
    await pub.screenshot({ path: new URL('status-page.png', SHOTS).pathname, fullPage: true });

    await watchState(dash, `endpoint:api/tencent-gz/${ups.a1!.url}`, ['major']);
    await watchState(pub, 'pool:api/tencent-gz', ['partial', 'major']);
    const closedAt = Date.now();
    const down = g.waitFor((e) => e.type === 'endpoint.health' && e.at >= closedAt && e.endpoint === ups.a1!.url && e.to !== 'healthy', 15_000);
    await ups.a1!.close();
    const event = await down;
    const [onDash, onPub] = [await changedAt(dash), await changedAt(pub)];
    t.diagnostic(`bus event → DOM: dashboard ${onDash - event.at} ms, public page ${onPub - event.at} ms`);
    assert.ok(onDash - event.at <= 2000, `dashboard showed the change ${onDash - event.at} ms after the event`);
    assert.ok(onPub - event.at <= 2000, `public page showed the change ${onPub - event.at} ms after the event`);

    // Take the whole primary cloud down: traffic fails over to the backup and an incident opens.
    const failover = g.waitFor((e) => e.type === 'pool.active' && e.at >= closedAt && e.service === 'api' && e.to?.pool === 'aliyun-hz', 15_000);
    await ups.a2!.close();
    await failover;
    await dash.waitForSelector('[data-incident][data-status="mitigated"]', { timeout: 10_000 });
    await pub.waitForSelector('[data-incident][data-status="mitigated"]', { timeout: 10_000 });
    await dash.waitForTimeout(300); // let the last patch paint before the screenshot
    await dash.screenshot({ path: new URL('dashboard.png', SHOTS).pathname, fullPage: true });
    await pub.screenshot({ path: new URL('status-page-incident.png', SHOTS).pathname, fullPage: true });
    const mobile = await browser.context.newPage();
    await mobile.setViewportSize({ width: 390, height: 844 });
    await mobile.goto(publicUrl);
    await mobile.screenshot({ path: new URL('status-page-mobile.png', SHOTS).pathname, fullPage: true });
    await load.stop();

    const publicHtml = await pub.content();
    for (const u of Object.values(ups)) assert.ok(!publicHtml.includes(String(u.port)), `public page leaks port ${u.port}`);
    assert.ok(!publicHtml.includes('127.0.0.1'));
    assert.ok(!publicHtml.includes('ECONNREFUSED') && !publicHtml.includes('InternalError'), 'public page shows no reasons');
    assert.deepEqual(dialogs, []);
    await Promise.all([dash.close(), pub.close(), mobile.close()]);
  });
});

describe('hostile names in headless Chromium', () => {
  const EVIL = '<img src=x onerror=alert(1)>';

  it('renders them as text on both pages, runs no injected script, and posts a note through the CSRF-protected form', async () => {
    const browser = await launch();
    cleanups.push(() => browser.close());
    const dialogs: string[] = [];
    browser.context.on('page', (p) => p.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); }));
    const a = await cloud();
    const dir = await mkdtemp(join(tmpdir(), 'detour-status-'));
    const feature = new StatusFeature({ debounce: 20 });
    const g = await gateway(`
listen: 127.0.0.1:0
admin: { listen: 127.0.0.1:0, token: \${TOKEN}, stateFile: ${join(dir, 'state.json')} }
statusPage:
  listen: 127.0.0.1:0
  title: "Status ${EVIL}"
  components: [{ service: api, name: "API ${EVIL}", description: "<script>alert(2)</script>" }]
services:
  - name: api
    pools:
      - { name: primary, provider: "<svg onload=alert(3)>", region: "${EVIL}", endpoints: [${a.url}] }
    health: { active: { interval: 300ms, timeout: 250ms, unhealthyThreshold: 1 } }
`, { features: [feature] }, { TOKEN });
    cleanups.push(() => g.stop());
    const opened = g.waitFor((e) => e.type === 'endpoint.health' && e.to === 'unhealthy');
    await a.close();
    await opened;

    const page = await browser.context.newPage();
    await page.goto(`${g.adminUrl}/dashboard/login`);
    await page.fill('#token', TOKEN);
    await Promise.all([page.waitForURL(/\/dashboard$/), page.click('button[type=submit]')]);
    await page.waitForSelector('#live[data-live="live"]');
    await page.waitForSelector('.note-form input[name="text"]');
    await page.fill('.note-form input[name="text"]', `note ${EVIL}`);
    await Promise.all([page.waitForURL(/\/dashboard(#r-incidents)?$/), page.click('.note-form button[type=submit]')]);
    await page.waitForSelector('.tl-note');
    assert.equal(await page.textContent('.tl-note .tl-text'), `dashboard@127.0.0.1: note ${EVIL}`);

    const pub = await browser.context.newPage();
    await pub.goto(`http://127.0.0.1:${feature.publicAddress!.port}/`);
    await pub.waitForSelector('#live[data-live="live"]');
    for (const p of [page, pub]) {
      assert.equal(await p.locator('img').count(), 0, 'no injected <img>');
      assert.equal(await p.locator('script').count(), 1, 'only the page\'s own module script');
      assert.equal(await p.locator('body svg[onload]').count(), 0);
      assert.ok((await p.title()).endsWith(`Status ${EVIL}`) || (await p.title()).startsWith(`Status ${EVIL}`));
    }
    assert.ok((await pub.textContent('.component-name'))!.includes(`API ${EVIL}`));
    assert.deepEqual(dialogs, []);
  });
});
