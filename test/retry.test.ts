import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deadPort, gateway, get, upstream, type TestGateway, type Upstream } from './support/servers.js';

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});
async function up(...args: Parameters<typeof upstream>): Promise<Upstream> {
  const u = await upstream(...args);
  cleanups.push(() => u.close());
  return u;
}
async function gw(primary: string, backup: string, extra = '', top = ''): Promise<TestGateway> {
  const g = await gateway(`
listen: 127.0.0.1:0
${top}
services:
  - name: api
    pools:
      - { name: primary, endpoints: [${primary}] }
      - { name: backup, endpoints: [${backup}] }
${extra}`);
  cleanups.push(() => g.stop());
  return g;
}
const fail500 = () => up((_q, res) => void res.writeHead(500, { 'content-type': 'text/plain' }).end('primary broke'));
/** Reads the request, then drops the connection without answering (request was processed). */
const resetAfterRead = () => up((req) => req.socket.destroy());

describe('retry safety', () => {
  it('never sends a POST twice once it may have reached the endpoint', async () => {
    const primary = await resetAfterRead();
    const backup = await up();
    const g = await gw(primary.url, backup.url);
    const r = await get(`${g.url}/orders`, { method: 'POST', body: '{"item":1}', headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 502);
    assert.equal(r.headers['x-detour-error'], 'DETOUR_UPSTREAM_RESET');
    assert.equal(primary.hits.length, 1);
    assert.equal(backup.hits.length, 0, 'the backup never saw the POST');
  });

  it('shows the upstream\'s own 500 to the client when a POST cannot be retried', async () => {
    const primary = await fail500();
    const backup = await up();
    const g = await gw(primary.url, backup.url);
    const r = await get(`${g.url}/orders`, { method: 'POST', body: 'x' });
    assert.equal(r.status, 500);
    assert.equal(r.text, 'primary broke');
    assert.equal(backup.hits.length, 0);
  });

  it('retries a POST after a connect failure: nothing reached the endpoint', async () => {
    const backup = await up();
    const g = await gw(`http://127.0.0.1:${await deadPort()}`, backup.url);
    const r = await get(`${g.url}/orders`, { method: 'POST', body: 'payload' });
    assert.equal(r.status, 200);
    assert.equal(backup.hits.length, 1);
    assert.equal(backup.hits[0]!.body, 'payload');
  });

  it('retries a POST that carries an Idempotency-Key on the next endpoint', async () => {
    const primary = await resetAfterRead();
    const backup = await up();
    const g = await gw(primary.url, backup.url);
    const r = await get(`${g.url}/orders`, { method: 'POST', body: 'p', headers: { 'idempotency-key': 'k-1' } });
    assert.equal(r.status, 200);
    assert.equal(backup.hits[0]!.body, 'p');
    assert.equal(backup.hits[0]!.headers['idempotency-key'], 'k-1');
  });

  it('replays an idempotent PUT body from the buffer on the retry', async () => {
    const primary = await fail500();
    const backup = await up();
    const g = await gw(primary.url, backup.url);
    const body = 'b'.repeat(10_000);
    const r = await get(`${g.url}/doc`, { method: 'PUT', body });
    assert.equal(r.status, 200);
    assert.equal(primary.hits[0]!.body, body);
    assert.equal(backup.hits[0]!.body, body, 'identical body replayed');
  });

  it('does not retry when the body outgrew the replay buffer, and says so', async () => {
    const primary = await resetAfterRead();
    const backup = await up();
    const g = await gw(primary.url, backup.url, '', 'maxReplayBytes: 1024');
    const r = await get(`${g.url}/doc`, { method: 'PUT', body: 'z'.repeat(64 * 1024) });
    assert.equal(r.status, 502);
    assert.equal(r.headers['x-detour-error'], 'DETOUR_BODY_NOT_REPLAYABLE');
    assert.equal(backup.hits.length, 0);
  });

  it('limits retries with the retry budget when many requests fail at once', async () => {
    // Slow 503s keep ten requests in flight together; they deposit 10 × 0.2 = 2 tokens: two retries.
    const primary = await up((_q, res) => void setTimeout(() => res.writeHead(503).end('busy'), 80));
    const backup = await up();
    const g = await gw(primary.url, backup.url, `
    retry: { budgetRatio: 0.2, minRetriesPerSecond: 0 }
    health: { passive: { enabled: false } }`);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => get(`${g.url}/r${i}`, { agent: false })));
    const ok = results.filter((r) => r.status === 200).length;
    const busy = results.filter((r) => r.status === 503).length;
    assert.equal(ok + busy, 10);
    assert.ok(ok >= 1 && ok < 10, `retried ${ok} of 10 with a budget of two tokens`);
    assert.match(g.gw.metrics.render(), /detour_retries_denied_total\{service="api",reason="budget"\} [1-9]/);
  });

  it('retries on a different endpoint each time and records every attempt', async () => {
    const a = await fail500();
    const b = await fail500();
    const c = await up();
    const g = await gateway(`
listen: 127.0.0.1:0
services:
  - name: api
    balancer: round-robin
    pools:
      - { name: primary, endpoints: [${a.url}, ${b.url}] }
      - { name: backup, endpoints: [${c.url}] }
    retry: { attempts: 3 }`);
    cleanups.push(() => g.stop());
    const r = await get(`${g.url}/`);
    assert.equal(r.status, 200);
    assert.equal(a.hits.length + b.hits.length, 2, 'each primary endpoint tried once');
    assert.equal(a.hits.length, 1);
    assert.equal(c.hits.length, 1);
  });
});
