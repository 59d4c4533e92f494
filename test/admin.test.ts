import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gateway, get, upstream, type TestGateway, type Upstream } from './support/servers.js';

const TOKEN = 't0p-s3cret-admin-token';
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});
async function up(name: string): Promise<Upstream> {
  const u = await upstream((_q, res) => void res.end(name));
  cleanups.push(() => u.close());
  return u;
}
async function start(stateFile: string, a: Upstream, b: Upstream): Promise<TestGateway> {
  const g = await gateway(`
listen: 127.0.0.1:0
admin: { listen: 127.0.0.1:0, token: \${DETOUR_ADMIN_TOKEN}, stateFile: ${stateFile} }
services:
  - name: api
    pools:
      - { name: tencent-gz, provider: tencent, endpoints: [${a.url}] }
      - { name: aliyun-hz, provider: aliyun, endpoints: [${b.url}] }
    slowStart: 0ms
`, {}, { DETOUR_ADMIN_TOKEN: TOKEN });
  return g;
}
const auth = { authorization: `Bearer ${TOKEN}` };
function post(g: TestGateway, body: unknown, headers: Record<string, string> = auth) {
  return get(`${g.adminUrl}/api/overrides`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

describe('admin API', () => {
  it('refuses every route but /healthz without the bearer token, and never echoes the token', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'detour-admin-'));
    const g = await start(join(dir, 'state.json'), await up('a'), await up('b'));
    cleanups.push(() => g.stop());
    assert.equal((await get(`${g.adminUrl}/healthz`)).status, 200);
    for (const path of ['/api/status', '/metrics', '/api/overrides']) {
      const r = await get(`${g.adminUrl}${path}`, { headers: { authorization: 'Bearer wrong' } });
      assert.equal(r.status, 401, path);
      assert.equal(r.headers['www-authenticate'], 'Bearer realm="detour"');
      assert.doesNotMatch(r.text, new RegExp(TOKEN));
    }
    const status = JSON.parse((await get(`${g.adminUrl}/api/status`, { headers: auth })).text);
    assert.doesNotMatch(JSON.stringify(status), new RegExp(TOKEN));
    const ep = status.services[0].pools[0].endpoints[0];
    assert.equal(status.services[0].pools[0].provider, 'tencent');
    assert.deepEqual(Object.keys(ep).sort(), ['active', 'drained', 'inflight', 'outlier', 'reason', 'routable', 'since', 'state', 'url', 'weight']);
    assert.equal(ep.state, 'healthy');
  });

  it('exposes Prometheus metrics for requests, attempts, latency and health', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'detour-admin-'));
    const g = await start(join(dir, 'state.json'), await up('a'), await up('b'));
    cleanups.push(() => g.stop());
    await get(`${g.url}/m`);
    const text = (await get(`${g.adminUrl}/metrics`, { headers: auth })).text;
    assert.match(text, /# TYPE detour_requests_total counter/);
    assert.match(text, /detour_requests_total\{service="api",status="200",code=""\} 1/);
    assert.match(text, /detour_upstream_latency_seconds_bucket\{service="api",pool="tencent-gz",le="\+Inf"\} 1/);
    assert.match(text, /detour_endpoint_healthy\{service="api",pool="aliyun-hz",endpoint="http:\/\/127\.0\.0\.1:\d+",state="healthy"\} 1/);
    assert.match(text, /# TYPE detour_outlier_ejections_enforced_total counter/);
  });

  it('drains a pool so traffic moves to the next priority, persists it, and restores it after a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'detour-admin-'));
    const state = join(dir, 'state.json');
    const a = await up('a');
    const b = await up('b');
    const g1 = await start(state, a, b);
    assert.equal((await get(`${g1.url}/`)).text, 'a');
    const r = await post(g1, { action: 'drain', service: 'api', pool: 'tencent-gz' });
    assert.equal(r.status, 200, r.text);
    assert.equal((await get(`${g1.url}/`)).text, 'b');
    const ev = await g1.waitFor((e) => e.type === 'override.changed');
    assert.equal(ev.type === 'override.changed' && ev.action, 'drain');
    assert.ok(g1.events.some((e) => e.type === 'endpoint.health' && e.to === 'drained' && e.source === 'admin'));
    assert.ok(g1.events.some((e) => e.type === 'pool.active' && e.to?.pool === 'aliyun-hz'));
    await g1.stop();

    assert.deepEqual(JSON.parse(await readFile(state, 'utf8')).drained, ['api/tencent-gz']);
    const g2 = await start(state, a, b);
    cleanups.push(() => g2.stop());
    assert.equal((await get(`${g2.url}/`)).text, 'b', 'the drain survived the restart');
    await post(g2, { action: 'undrain', service: 'api', pool: 'tencent-gz' });
    assert.equal((await get(`${g2.url}/`)).text, 'a');
  });

  it('forces a priority and clears it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'detour-admin-'));
    const g = await start(join(dir, 'state.json'), await up('a'), await up('b'));
    cleanups.push(() => g.stop());
    assert.equal((await post(g, { action: 'force-priority', service: 'api', priority: 1 })).status, 200);
    assert.equal((await get(`${g.url}/`)).text, 'b');
    const status = JSON.parse((await get(`${g.adminUrl}/api/status`, { headers: auth })).text);
    assert.equal(status.services[0].forcedPriority, 1);
    await post(g, { action: 'clear-priority', service: 'api' });
    assert.equal((await get(`${g.url}/`)).text, 'a');
  });

  it('rejects unknown targets and malformed override requests with a clear error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'detour-admin-'));
    const g = await start(join(dir, 'state.json'), await up('a'), await up('b'));
    cleanups.push(() => g.stop());
    const cases: Array<[unknown, number, RegExp]> = [
      [{ action: 'drain', service: 'nope' }, 404, /no service "nope"/],
      [{ action: 'drain', service: 'api', pool: 'x' }, 404, /no pool "x"/],
      [{ action: 'force-priority', service: 'api', priority: 7 }, 400, /no pool with priority 7/],
      [{ action: 'explode', service: 'api' }, 400, /"action" must be one of/],
    ];
    for (const [body, status, msg] of cases) {
      const r = await post(g, body);
      assert.equal(r.status, status, JSON.stringify(body));
      assert.match(JSON.parse(r.text).error.message, msg);
    }
    const form = await get(`${g.adminUrl}/api/overrides`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, body: 'action=drain&service=api' });
    assert.equal(form.status, 400, 'form posts (CSRF vector) are refused');
  });

  it('moves a corrupt state file aside instead of losing it, and starts with no overrides', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'detour-admin-'));
    const state = join(dir, 'state.json');
    await writeFile(state, '{ this is not json');
    const g = await start(state, await up('a'), await up('b'));
    cleanups.push(() => g.stop());
    assert.equal((await get(`${g.url}/`)).text, 'a');
    const files = await readdir(dir);
    const aside = files.find((f) => f.startsWith('state.json.corrupt-'));
    assert.ok(aside, `corrupt file kept: ${files.join(', ')}`);
    assert.equal(await readFile(join(dir, aside), 'utf8'), '{ this is not json');
  });
});
