import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatusFeature, escapeHtml } from '../src/status/index.js';
import { login, post } from './browser-status/dashboard.js';
import { SseClient } from './browser-status/sse.js';
import { gateway, get, upstream, type TestGateway, type Upstream } from './support/servers.js';

const TOKEN = 'status-admin-token-9c1e';
const EVIL = '<img src=x onerror=alert(1)>';
const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function up(): Promise<Upstream> {
  const u = await upstream();
  cleanups.push(() => u.close());
  return u;
}

async function start(a: Upstream, b: Upstream, withToken = true): Promise<{ g: TestGateway; publicUrl: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'detour-status-'));
  const feature = new StatusFeature({ debounce: 20 });
  const g = await gateway(`
listen: 127.0.0.1:0
admin: { listen: 127.0.0.1:0, ${withToken ? 'token: ${TOKEN},' : ''} stateFile: ${join(dir, 'state.json')} }
statusPage:
  listen: 127.0.0.1:0
  title: "Acme ${EVIL}"
  components:
    - { service: api, name: "API ${EVIL}", description: "'\\"><script>alert(2)</script>", pools: { primary: "Primary ${EVIL}" } }
services:
  - name: api
    pools:
      - { name: primary, provider: "\\"><svg onload=alert(3)>", region: "${EVIL}", endpoints: [${a.url}] }
      - { name: backup, provider: aliyun, region: cn-hangzhou, endpoints: [${b.url}] }
    health: { active: { interval: 200ms, timeout: 150ms, unhealthyThreshold: 1, healthyThreshold: 1 } }
    slowStart: 0ms
`, { features: [feature] }, { TOKEN });
  cleanups.push(() => g.stop());
  return { g, publicUrl: `http://127.0.0.1:${feature.publicAddress!.port}` };
}

describe('public status page', () => {
  it('shows states only: no endpoint address, port, reason or token, in the page, the stream or the JSON', async () => {
    const a = await up();
    const b = await up();
    const { g, publicUrl } = await start(a, b);
    const down = g.waitFor((e) => e.type === 'endpoint.health' && e.endpoint === a.url && e.to === 'unhealthy');
    await a.close();
    const ev = await down; // the dashboard now has a reason such as "connect ECONNREFUSED (…)"
    const sse = await SseClient.open(`${publicUrl}/events`);
    cleanups.push(() => sse.close());
    const first = await sse.waitFor(() => true);
    const bodies = [(await get(publicUrl)).text, JSON.stringify(first), (await get(`${publicUrl}/api/status.json`)).text];
    for (const body of bodies) {
      for (const leak of ['127.0.0.1', String(a.port), String(b.port), ev.type === 'endpoint.health' ? ev.reason : '?', 'ECONNREFUSED', TOKEN, 'http://']) {
        assert.ok(!body.includes(leak), `public output contains ${leak}`);
      }
    }
    assert.match(bodies[0]!, /data-key="pool:api\/primary" data-state="major"/);
    const json = JSON.parse(bodies[2]!);
    assert.equal(json.status, 'degraded');
    assert.deepEqual(json.components[0].children.map((c: { status: string }) => c.status), ['major', 'operational']);
    // The dashboard, for comparison, does show the address and the reason (it is for operators).
    const { cookie } = await login(g.adminUrl, TOKEN);
    const dashboard = (await get(`${g.adminUrl}/dashboard`, { headers: { cookie } })).text;
    const status = JSON.parse((await get(`${g.adminUrl}/api/status`, { headers: { authorization: `Bearer ${TOKEN}` } })).text);
    assert.ok(dashboard.includes(a.url));
    assert.ok(dashboard.includes(escapeHtml(status.services[0].pools[0].endpoints[0].reason)));
  });

  it('escapes hostile names everywhere and sends CSP, nosniff and frame-ancestors none', async () => {
    const { g, publicUrl } = await start(await up(), await up());
    const { cookie } = await login(g.adminUrl, TOKEN);
    const pages = [await get(publicUrl), await get(`${g.adminUrl}/dashboard`, { headers: { cookie } }), await get(`${g.adminUrl}/dashboard/login`)];
    for (const r of pages) {
      assert.equal(r.status, 200);
      const csp = String(r.headers['content-security-policy']);
      for (const d of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"]) assert.ok(csp.includes(d), `${d} in ${csp}`);
      assert.ok(!csp.includes('unsafe'), csp);
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
      assert.equal(r.headers['x-frame-options'], 'DENY');
      for (const evil of [EVIL, '<script>alert(2)', '<svg onload']) assert.ok(!r.text.includes(evil), `unescaped ${evil}`);
      assert.ok(!/<script(?! type="module" src="\/(dashboard\/)?assets\/app\.js\?v=[0-9a-f]+"><\/script>)/.test(r.text), 'the only script is the module file');
      assert.ok(!/\sstyle=/.test(r.text), 'no inline style attribute (the CSP forbids them)');
    }
    assert.ok(pages[0]!.text.includes('Acme &lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(pages[1]!.text.includes('&quot;&gt;&lt;svg onload=alert(3)&gt;'));
    const js = await get(`${publicUrl}/assets/app.js`);
    assert.match(String(js.headers['content-type']), /^text\/javascript/);
    assert.equal((await get(publicUrl, { method: 'POST', body: 'x' })).status, 405);
    assert.equal((await get(`${publicUrl}/dashboard`)).status, 404, 'the public address serves no dashboard');
    assert.equal((await get(`${publicUrl}/api/status`)).status, 404, 'nor the admin API');
  });
});

describe('dashboard access', () => {
  it('needs a login with the admin token; the session cookie is HttpOnly, SameSite=Strict and holds no token', async () => {
    const { g } = await start(await up(), await up());
    const anon = await get(`${g.adminUrl}/dashboard`);
    assert.equal(anon.status, 303);
    assert.equal(anon.headers.location, '/dashboard/login');
    assert.equal((await get(`${g.adminUrl}/dashboard/events`)).status, 401);
    assert.equal((await post(`${g.adminUrl}/dashboard/login`, { token: 'wrong' }, {})).status, 401);
    const { cookie, setCookie } = await login(g.adminUrl, TOKEN);
    assert.match(setCookie, /^detour_session=v1\.[^;]+; Path=\/dashboard; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    assert.ok(!setCookie.includes(TOKEN));
    assert.equal((await get(`${g.adminUrl}/dashboard`, { headers: { cookie } })).status, 200);
    const stream = await SseClient.open(`${g.adminUrl}/dashboard/events`, { cookie });
    cleanups.push(() => stream.close());
    assert.equal(stream.status, 200);
    assert.ok((await stream.waitFor(() => true)).regions['r-services']!.includes('data-key="service:api"'));
    assert.equal((await get(`${g.adminUrl}/api/status`, { headers: { cookie } })).status, 401, 'the cookie is not an API credential');
    const preview = await get(`${g.adminUrl}/dashboard/public-preview`, { headers: { cookie } });
    assert.match(preview.text, /as customers see it/);
    assert.ok(!preview.text.includes('127.0.0.1'), 'the preview is the public page');
    assert.equal((await get(`${g.adminUrl}/dashboard/public-preview`)).status, 303);
    const forged = cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    assert.equal((await get(`${g.adminUrl}/dashboard`, { headers: { cookie: forged } })).status, 303);
  });

  it('refuses writes without the session CSRF token or from another origin, and drains an endpoint with them', async () => {
    const a = await up();
    const { g } = await start(a, await up());
    const me = await login(g.adminUrl, TOKEN);
    const other = await login(g.adminUrl, TOKEN);
    const drain = { action: 'drain', service: 'api', pool: 'primary', endpoint: a.url };
    const url = `${g.adminUrl}/dashboard/action`;
    const refused = [
      await post(url, drain, { cookie: me.cookie }),
      await post(url, { ...drain, csrf: other.csrf }, { cookie: me.cookie }),
      await post(url, { ...drain, csrf: me.csrf }, { cookie: me.cookie, origin: 'http://evil.example' }),
      await post(url, { ...drain, csrf: me.csrf }, { cookie: me.cookie, 'sec-fetch-site': 'cross-site' }),
    ];
    assert.deepEqual(refused.map((r) => r.status), [403, 403, 403, 403]);
    assert.equal((await post(url, { ...drain, csrf: me.csrf }, {})).status, 401, 'no session');
    assert.ok(!g.events.some((e) => e.type === 'override.changed'));
    const ok = await post(url, { ...drain, csrf: me.csrf }, { cookie: me.cookie, origin: g.adminUrl, 'sec-fetch-site': 'same-origin' });
    assert.equal(ok.status, 303);
    const ev = await g.waitFor((e) => e.type === 'override.changed');
    assert.equal(ev.type === 'override.changed' && ev.endpoint, a.url);
    const status = JSON.parse((await get(`${g.adminUrl}/api/status`, { headers: { authorization: `Bearer ${TOKEN}` } })).text);
    assert.equal(status.services[0].pools[0].endpoints[0].state, 'drained');
    // Logging out ends the session at once, even though the cookie would still be valid.
    assert.equal((await post(`${g.adminUrl}/dashboard/logout`, { csrf: me.csrf }, { cookie: me.cookie })).status, 303);
    assert.equal((await get(`${g.adminUrl}/dashboard`, { headers: { cookie: me.cookie } })).status, 303);
    assert.equal((await get(`${g.adminUrl}/dashboard`, { headers: { cookie: other.cookie } })).status, 200);
  });

  it('slows token guessing: after 10 failures from one address even the right token waits', async () => {
    const { g } = await start(await up(), await up());
    for (let i = 0; i < 10; i++) assert.equal((await post(`${g.adminUrl}/dashboard/login`, { token: `guess-${i}` }, {})).status, 401);
    const r = await post(`${g.adminUrl}/dashboard/login`, { token: TOKEN }, {});
    assert.equal(r.status, 429);
    assert.equal(r.headers['set-cookie'], undefined);
  });

  it('is disabled, and says why, when no admin token is configured', async () => {
    const { g } = await start(await up(), await up(), false);
    const page = await get(`${g.adminUrl}/dashboard/login`);
    assert.match(page.text, /set admin\.token/);
    assert.equal((await post(`${g.adminUrl}/dashboard/login`, { token: '' }, {})).status, 403);
  });
});
