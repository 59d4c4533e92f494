import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/common/index.js';
import { parseConfig } from '../src/config/index.js';
import { RecordFeature } from '../src/incidents/index.js';
import { StatusFeature, statusFeatures } from '../src/status/index.js';
import { login } from './browser-status/dashboard.js';
import { SseClient } from './browser-status/sse.js';
import { deadPort, gateway, get, upstream, type Upstream } from './support/servers.js';

const TOKEN = 'live-admin-token-51aa';
const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function up(): Promise<Upstream> {
  const u = await upstream();
  cleanups.push(() => u.close());
  return u;
}

function yaml(a: Upstream, b: Upstream, dir: string, extra = ''): string {
  return `
listen: 127.0.0.1:0
admin: { listen: 127.0.0.1:0, token: \${TOKEN}, stateFile: ${join(dir, 'state.json')} }
store: { path: ${join(dir, 'detour.db')} }
services:
  - name: api
    pools:
      - { name: tencent-gz, provider: tencent, region: ap-guangzhou, endpoints: [${a.url}] }
      - { name: aliyun-hz, provider: aliyun, region: cn-hangzhou, endpoints: [${b.url}] }
    health: { active: { interval: 200ms, timeout: 150ms, unhealthyThreshold: 1, healthyThreshold: 1 } }
    slowStart: 0ms
${extra}`;
}

describe('live updates', () => {
  it('pushes an endpoint going down to dashboard and public streams within 2 s of the bus event', async (t) => {
    const a = await up();
    const b = await up();
    const dir = await mkdtemp(join(tmpdir(), 'detour-live-'));
    const feature = new StatusFeature();
    const g = await gateway(yaml(a, b, dir, 'statusPage: { listen: 127.0.0.1:0 }'), { features: [feature] }, { TOKEN });
    cleanups.push(() => g.stop());
    const { cookie } = await login(g.adminUrl, TOKEN);
    const dash = await SseClient.open(`${g.adminUrl}/dashboard/events`, { cookie });
    const pub = await SseClient.open(`http://127.0.0.1:${feature.publicAddress!.port}/events`);
    cleanups.push(() => dash.close(), () => pub.close());
    await Promise.all([dash.waitFor(() => true), pub.waitFor(() => true)]);
    const closedAt = Date.now();
    const down = g.waitFor((e) => e.type === 'endpoint.health' && e.at >= closedAt && e.endpoint === a.url && e.to === 'unhealthy');
    await a.close();
    const event = await down;
    const row = `data-key="endpoint:api/tencent-gz/${a.url}" data-state="major"`;
    const d = await dash.waitFor((p) => p.regions['r-services']?.includes(row) === true);
    const p = await pub.waitFor((x) => x.regions['r-components']?.includes('data-key="pool:api/tencent-gz" data-state="major"') === true);
    t.diagnostic(`bus event → SSE patch: dashboard ${d.receivedAt - event.at} ms, public ${p.receivedAt - event.at} ms`);
    assert.ok(d.receivedAt - event.at <= 2000, `dashboard patch ${d.receivedAt - event.at} ms after the event`);
    assert.ok(p.receivedAt - event.at <= 2000, `public patch ${p.receivedAt - event.at} ms after the event`);
    assert.ok(d.version > dash.patches[0]!.version);
    assert.equal(d.epoch, p.epoch);
    const incident = await dash.waitFor((x) => x.regions['r-incidents']?.includes('data-status="detected"') === true || x.regions['r-incidents']?.includes('data-status="mitigated"') === true);
    assert.match(incident.regions['r-incidents']!, /tencent-gz/);
  });

  it('renames the page and moves the public listener on reload', async () => {
    const a = await up();
    const b = await up();
    const dir = await mkdtemp(join(tmpdir(), 'detour-live-'));
    const feature = new StatusFeature();
    const g = await gateway(yaml(a, b, dir, 'statusPage: { listen: 127.0.0.1:0, title: Before }'), { features: [feature] }, { TOKEN });
    cleanups.push(() => g.stop());
    const old = feature.publicAddress!.port;
    assert.match((await get(`http://127.0.0.1:${old}/`)).text, /<title>Before<\/title>/);
    const port = await deadPort();
    await g.gw.reload(parseConfig(yaml(a, b, dir, `statusPage: { listen: 127.0.0.1:${port}, title: After }`), 'test.yaml', { TOKEN }));
    assert.equal(feature.publicAddress!.port, port);
    assert.match((await get(`http://127.0.0.1:${port}/`)).text, /<title>After<\/title>/);
    await assert.rejects(get(`http://127.0.0.1:${old}/`, { agent: false }), /ECONNREFUSED/);
    await g.gw.reload(parseConfig(yaml(a, b, dir), 'test.yaml', { TOKEN }));
    assert.equal(feature.publicAddress, undefined);
    await assert.rejects(get(`http://127.0.0.1:${port}/`, { agent: false }), /ECONNREFUSED/);
  });

  it('reads incidents and uptime from the SQLite record when it runs (as detour start wires it)', async () => {
    const a = await up();
    const b = await up();
    const dir = await mkdtemp(join(tmpdir(), 'detour-live-'));
    const text = yaml(a, b, dir);
    const cfg = parseConfig(text, 'test.yaml', { TOKEN });
    const g = await gateway(text, { features: [new RecordFeature(cfg, silentLogger), ...statusFeatures(cfg, silentLogger)] }, { TOKEN });
    cleanups.push(() => g.stop());
    const opened = g.waitFor((e) => e.type === 'incident.changed' && e.change === 'opened');
    await a.close();
    const inc = await opened;
    assert.ok(inc.type === 'incident.changed');
    const { cookie } = await login(g.adminUrl, TOKEN);
    const stream = await SseClient.open(`${g.adminUrl}/dashboard/events`, { cookie });
    cleanups.push(() => stream.close());
    const p = await stream.waitFor((x) => x.regions['r-incidents']?.includes(`data-incident="${inc.id}"`) === true);
    assert.ok(p.regions['r-incidents']!.includes('Post update'), 'the record takes notes and status changes');
  });
});
