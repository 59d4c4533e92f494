import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { deadPort, gateway, get, tencentInternalError, upstream, type TestGateway, type Upstream } from './support/servers.js';
import type { DetourEvent } from '../src/model/index.js';

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});
async function up(...args: Parameters<typeof upstream>): Promise<Upstream> {
  const u = await upstream(...args);
  cleanups.push(() => u.close());
  return u;
}
async function gw(yaml: string): Promise<TestGateway> {
  const g = await gateway(yaml);
  cleanups.push(() => g.stop());
  return g;
}
function twoPools(primary: string, backup: string, extra = ''): string {
  return `
listen: 127.0.0.1:0
services:
  - name: api
    pools:
      - { name: primary, provider: tencent, region: ap-guangzhou, endpoints: [${primary}] }
      - { name: backup, provider: aliyun, region: cn-hangzhou, endpoints: [${backup}] }
${extra}`;
}
const isFailover = (e: DetourEvent) => e.type === 'pool.active' && e.to?.pool === 'backup';

describe('failover between clouds', () => {
  it('serves every request from the backup when the primary refuses connections, and ejects the primary', async () => {
    const backup = await up();
    const g = await gw(twoPools(`http://127.0.0.1:${await deadPort()}`, backup.url));
    for (let i = 0; i < 8; i++) {
      const r = await get(`${g.url}/x${i}`);
      assert.equal(r.status, 200, `request ${i}: ${r.text}`);
    }
    const ev = await g.waitFor(isFailover);
    assert.equal(ev.type, 'pool.active');
    const ejected = g.events.find((e) => e.type === 'endpoint.health' && e.to === 'ejected' && e.pool === 'primary');
    assert.ok(ejected, 'primary ejected after consecutive connect failures');
    assert.equal(backup.hits.length, 8);
  });

  it('retries a Tencent InternalError answered with HTTP 200 on the backup and never shows it to the client', async () => {
    const primary = await up(tencentInternalError());
    const backup = await up();
    const g = await gw(twoPools(primary.url, backup.url, '    classify: [tencent]'));
    for (let i = 0; i < 6; i++) {
      const r = await get(`${g.url}/DescribeInstances`);
      assert.equal(r.status, 200);
      assert.doesNotMatch(r.text, /InternalError/);
      assert.match(r.text, /^up GET/);
    }
    const ej = (await g.waitFor((e) => e.type === 'outlier.ejection')) as Extract<DetourEvent, { type: 'outlier.ejection' }>;
    assert.equal(ej.evidence?.errorCode, 'InternalError');
    assert.equal(ej.evidence?.cloudProvider, 'tencent');
    assert.equal(primary.hits.length, 5, 'ejected after exactly consecutiveFailures=5 failing responses');
  });

  it('ejects an endpoint that answers an Alibaba InternalError with HTTP 500 to every other request, after 5 of them, citing the last one\'s RequestId', async () => {
    let n = 0;
    let failing = 0;
    const primary = await up((_q, res) => {
      if (n++ % 2 === 0) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ RequestId: `E2A3-${++failing}`, HostId: 'ecs.aliyuncs.com', Code: 'InternalError', Message: 'The request processing has failed due to some unknown error.' }));
      } else res.end('primary ok');
    });
    const backup = await up();
    const g = await gw(twoPools(primary.url, backup.url, '    classify: [aliyun]\n    balancer: round-robin'));
    for (let i = 0; i < 12; i++) {
      const r = await get(`${g.url}/`);
      assert.equal(r.status, 200, r.text);
      assert.doesNotMatch(r.text, /InternalError/);
    }
    const ej = (await g.waitFor((e) => e.type === 'outlier.ejection')) as Extract<DetourEvent, { type: 'outlier.ejection' }>;
    assert.match(ej.reason, /5 cloud error responses/);
    assert.equal(ej.evidence?.errorCode, 'InternalError');
    assert.equal(ej.evidence?.cloudProvider, 'aliyun');
    assert.equal(ej.evidence?.requestId, 'E2A3-5', 'the id of the response that tripped the detector');
  });

  it('passes a client-side cloud error (AuthFailure) through unchanged: the cloud is up', async () => {
    const body = JSON.stringify({ Response: { Error: { Code: 'AuthFailure.SignatureFailure', Message: 'bad signature' }, RequestId: 'r1' } });
    const primary = await up((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    const backup = await up();
    const g = await gw(twoPools(primary.url, backup.url, '    classify: [tencent]'));
    for (let i = 0; i < 7; i++) assert.equal((await get(`${g.url}/`)).text, body);
    assert.equal(backup.hits.length, 0);
    assert.equal(g.events.filter((e) => e.type === 'outlier.ejection').length, 0);
  });

  it('streams a non-envelope content type untouched even when classification is on', async () => {
    const big = Buffer.alloc(256 * 1024, 'x');
    const primary = await up((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(big);
    });
    const g = await gw(twoPools(primary.url, (await up()).url, '    classify: [tencent, aliyun, aws, huawei]'));
    const r = await get(`${g.url}/file`);
    assert.equal(r.text.length, big.length);
  });

  it('fails back to the primary only after healthyThreshold passing checks, and reports both switches', async () => {
    let healthy = true;
    const primary = await up((req, res) => {
      if (req.url === '/healthz' && !healthy) res.writeHead(503).end('down');
      else res.end('primary');
    });
    const backup = await up((_q, res) => res.end('backup'));
    const g = await gw(twoPools(primary.url, backup.url, `
    health:
      active: { path: /healthz, interval: 40ms, timeout: 30ms, healthyThreshold: 3, unhealthyThreshold: 2, jitter: 0 }
    slowStart: 0ms`));
    await g.waitFor((e) => e.type === 'endpoint.health' || (e.type === 'pool.active' && e.to?.pool === 'primary'), 2000).catch(() => undefined);
    assert.equal((await get(`${g.url}/`)).text, 'primary');
    healthy = false;
    await g.waitFor(isFailover);
    assert.equal((await get(`${g.url}/`)).text, 'backup');
    const downAt = g.events.length;
    healthy = true;
    const back = await g.waitFor((e) => e.type === 'pool.active' && e.to?.pool === 'primary' && g.events.indexOf(e) >= downAt);
    assert.equal(back.type, 'pool.active');
    // The endpoint became healthy only after 3 consecutive passes (HAProxy `rise`).
    const up2 = g.events.slice(downAt).find((e) => e.type === 'endpoint.health' && e.to === 'healthy');
    assert.match((up2 as { reason: string }).reason, /3 consecutive passing checks/);
    assert.equal((await get(`${g.url}/`)).text, 'primary');
  });

  it('answers 503 DETOUR_NO_HEALTHY_UPSTREAM when allDown is fail-closed and everything is down', async () => {
    const dead1 = `http://127.0.0.1:${await deadPort()}`;
    const dead2 = `http://127.0.0.1:${await deadPort()}`;
    const g = await gw(twoPools(dead1, dead2, `
    allDown: fail-closed
    health: { active: { path: /, interval: 30ms, timeout: 20ms, unhealthyThreshold: 1, jitter: 0 } }`));
    await g.waitFor((e) => e.type === 'service.all-down');
    const r = await get(`${g.url}/`);
    assert.equal(r.status, 503);
    assert.equal(r.headers['x-detour-error'], 'DETOUR_NO_HEALTHY_UPSTREAM');
  });

  it('still tries every endpoint when allDown is fail-open and health checks say all are down', async () => {
    let n = 0;
    const flaky = await up((req, res) => {
      if (req.url === '/healthz') return void res.writeHead(500).end();
      n++;
      res.end('served anyway');
    });
    const g = await gw(twoPools(flaky.url, `http://127.0.0.1:${await deadPort()}`, `
    allDown: fail-open
    health: { active: { path: /healthz, interval: 30ms, timeout: 20ms, unhealthyThreshold: 1, jitter: 0 } }`));
    await g.waitFor((e) => e.type === 'service.all-down');
    const r = await get(`${g.url}/`);
    assert.equal(r.text, 'served anyway');
    assert.equal(n, 1);
  });

  it('counts timeouts as failures and moves a hanging primary\'s traffic to the backup', async () => {
    const hang = createServer(() => {});
    hang.listen(0, '127.0.0.1');
    await once(hang, 'listening');
    cleanups.push(() => new Promise((r) => { hang.close(() => r()); hang.closeAllConnections(); }));
    const backup = await up();
    const g = await gw(twoPools(`http://127.0.0.1:${(hang.address() as { port: number }).port}`, backup.url, `
    timeouts: { connect: 200ms, perTry: 100ms, total: 2s }
    health: { passive: { consecutiveFailures: 2 } }`));
    for (let i = 0; i < 3; i++) assert.equal((await get(`${g.url}/`)).status, 200);
    const ej = (await g.waitFor((e) => e.type === 'outlier.ejection')) as Extract<DetourEvent, { type: 'outlier.ejection' }>;
    assert.equal(ej.evidence?.errorCode, 'DETOUR_UPSTREAM_TIMEOUT');
  });

  it('stops at the total deadline with 504 when every endpoint hangs', async () => {
    const hangs: string[] = [];
    for (let i = 0; i < 2; i++) {
      const hang = createServer(() => {});
      hang.listen(0, '127.0.0.1');
      await once(hang, 'listening');
      cleanups.push(() => new Promise((r) => { hang.close(() => r()); hang.closeAllConnections(); }));
      hangs.push(`http://127.0.0.1:${(hang.address() as { port: number }).port}`);
    }
    const g = await gw(`
listen: 127.0.0.1:0
services:
  - name: s
    pools: [{ name: a, endpoints: [${hangs[0]}] }, { name: b, endpoints: [${hangs[1]}] }]
    timeouts: { connect: 100ms, perTry: 150ms, total: 250ms }
    retry: { attempts: 5 }`);
    const r = await get(`${g.url}/`);
    assert.equal(r.status, 504);
    assert.equal(r.headers['x-detour-error'], 'DETOUR_TOTAL_TIMEOUT');
    assert.equal(JSON.parse(r.text).error.attempts, 2, 'second attempt cut short by the deadline');
  });
});
