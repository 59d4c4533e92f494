import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../src/config/index.js';
import { deadPort as freePort, gateway, get, upstream, type Upstream } from './support/servers.js';

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});
async function up(name: string, delayMs = 0): Promise<Upstream> {
  const u = await upstream((_q, res) => void setTimeout(() => res.end(name), delayMs));
  cleanups.push(() => u.close());
  return u;
}
const yaml = (listen: string, ...urls: string[]) => `
listen: ${listen}
services:
  - name: api
    pools: [{ name: p, endpoints: [${urls.join(', ')}] }]
    slowStart: 0ms
`;

describe('reload and shutdown', () => {
  it('applies a new config while requests are in flight without dropping any', async () => {
    const a = await up('a', 30);
    const b = await up('b', 30);
    const g = await gateway(yaml('127.0.0.1:0', a.url));
    cleanups.push(() => g.stop());
    const listen = `127.0.0.1:${g.port}`;
    // A bounded load: 120 requests, 8 at a time, while the config flips between upstreams.
    let sent = 0;
    const results: number[] = [];
    const worker = async () => {
      while (sent < 120) {
        sent++;
        results.push((await get(`${g.url}/`)).status);
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, worker));
    for (let i = 0; i < 6; i++) {
      await g.gw.reload(parseConfig(yaml(listen, i % 2 ? a.url : b.url), 'test.yaml', {}));
      await new Promise((r) => setImmediate(r));
    }
    await load;
    assert.equal(results.length, 120);
    assert.deepEqual([...new Set(results)], [200], 'every request answered 200');
    assert.ok(a.hits.length > 0 && b.hits.length > 0, 'both configs served traffic');
    assert.equal(g.events.filter((e) => e.type === 'config.reload' && e.ok).length, 6);
  });

  it('keeps the health of unchanged endpoints across a reload', async () => {
    const a = await up('a');
    const b = await up('b');
    const g = await gateway(yaml('127.0.0.1:0', a.url, b.url));
    cleanups.push(() => g.stop());
    const before = g.gw.runtime.endpoints.get(`api/p/${a.url}`)!;
    before.active = { state: 'unhealthy', since: Date.now(), reason: 'test', consecutiveSuccesses: 0 };
    g.gw.model.settle(before, 'active', 'marked unhealthy by the test');
    await g.gw.reload(parseConfig(yaml(`127.0.0.1:${g.port}`, a.url, b.url), 'test.yaml', {}));
    const afterEp = g.gw.runtime.endpoints.get(`api/p/${a.url}`)!;
    assert.equal(afterEp, before, 'same endpoint record');
    assert.equal(afterEp.health, 'unhealthy');
    for (let i = 0; i < 5; i++) assert.equal((await get(`${g.url}/`)).text, 'b');
  });

  it('opens new listen addresses and closes removed ones on reload', async () => {
    const a = await up('a');
    const g = await gateway(yaml('127.0.0.1:0', a.url));
    cleanups.push(() => g.stop());
    const oldPort = g.port;
    const free = await freePort();
    await g.gw.reload(parseConfig(yaml(`["127.0.0.1:${oldPort}", "127.0.0.1:${free}"]`, a.url), 'test.yaml', {}));
    assert.deepEqual(g.gw.addresses().proxy.map((p) => p.port).sort(), [oldPort, free].sort());
    assert.equal((await get(`http://127.0.0.1:${free}/`)).text, 'a');
    await g.gw.reload(parseConfig(yaml(`127.0.0.1:${free}`, a.url), 'test.yaml', {}));
    assert.deepEqual(g.gw.addresses().proxy.map((p) => p.port), [free]);
    await assert.rejects(get(`http://127.0.0.1:${oldPort}/`, { agent: false }), /ECONNREFUSED/);
    assert.equal((await get(`http://127.0.0.1:${free}/`, { agent: false })).text, 'a');
  });

  it('lets requests in flight finish on stop, then refuses new connections', async () => {
    const slow = await up('slow', 300);
    const g = await gateway(yaml('127.0.0.1:0', slow.url));
    const inflight = get(`${g.url}/`, { agent: false });
    await new Promise<void>((resolve) => {
      const check = () => (slow.hits.length > 0 ? resolve() : setTimeout(check, 5));
      check();
    });
    const stopping = g.stop();
    const r = await inflight;
    assert.equal(r.status, 200);
    assert.equal(r.text, 'slow');
    await stopping;
    await assert.rejects(get(`${g.url}/`, { agent: false }), /ECONNREFUSED/);
  });
});
