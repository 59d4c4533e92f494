import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { createClient, isDetourError, memoryStore, tencent, type ClientEvent, type ClientOptions } from '../src/client/index.js';
import { deadPort, okHandler, tencentInternalError, upstream, type Handler, type Upstream } from './support/servers.js';

// detour/client against real HTTP servers on 127.0.0.1 with Node's own fetch (undici).

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});
async function up(handler?: Handler): Promise<Upstream> {
  const u = await upstream(handler);
  cleanups.push(() => u.close());
  return u;
}

/** A server that reads the request and never answers; `closed` resolves when the client gives up on it. */
async function hanging(): Promise<Upstream & { closed: Array<Promise<void>> }> {
  const closed: Array<Promise<void>> = [];
  const u = await up((_req, res) => {
    closed.push(new Promise((resolve) => res.on('close', () => resolve())));
  });
  return Object.assign(u, { closed });
}

function client(hosts: string[], extra: Partial<ClientOptions> = {}) {
  const events: ClientEvent[] = [];
  const api = createClient({ hosts, store: memoryStore(), ...extra });
  api.on((e) => events.push(e));
  return { api, events };
}

/** A safety net for awaits on real I/O, not an assertion on time. */
const within = <T>(p: Promise<T>, what: string, ms = 10_000): Promise<T> =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms}ms`)), ms).unref())]);

/** Polls until pred holds (a safety net bounds it). */
async function until(pred: () => boolean, what: string): Promise<void> {
  await within(
    (async () => {
      while (!pred()) await new Promise((r) => setTimeout(r, 5));
    })(),
    what,
  );
}

describe('detour/client against real servers', () => {
  it('moves a GET and a POST from a refused primary to the backup, then goes straight to the backup', async () => {
    const backup = await up(okHandler('backup'));
    const primary = `http://127.0.0.1:${await deadPort()}`;
    const { api, events } = client([primary, backup.url]);
    const r1 = await api.fetch('/v1/orders', { method: 'POST', body: '{"item":1}', headers: { 'content-type': 'application/json' } });
    assert.equal(await r1.text(), 'backup POST /v1/orders');
    assert.equal(backup.hits[0]!.body, '{"item":1}');
    const failure = events.find((e) => e.type === 'failure');
    assert.equal(failure?.type === 'failure' && failure.failure.kind, 'connect', 'Node says ECONNREFUSED: nothing was sent');

    events.length = 0;
    assert.equal(await (await api.fetch('/v1/orders')).text(), 'backup GET /v1/orders');
    assert.deepEqual(events, [{ type: 'attempt', host: backup.url, attempt: 1, hedge: false, probe: false }]);
  });

  it('fails over on a Tencent InternalError inside HTTP 200 and skips that primary afterwards', async () => {
    const primary = await up(tencentInternalError());
    const backup = await up(okHandler('backup'));
    const { api } = client([primary.url, backup.url], { classify: [tencent] });
    assert.equal(await (await api.fetch('/DescribeInstances')).text(), 'backup GET /DescribeInstances');
    assert.equal(await (await api.fetch('/DescribeInstances')).text(), 'backup GET /DescribeInstances');
    assert.equal(primary.hits.length, 1);
    assert.equal(api.hosts()[0]!.state, 'down');
  });

  it('never resends a POST the primary may have processed, but resends a GET', async () => {
    const primary = await up((req) => req.socket.destroy());
    const backup = await up(okHandler('backup'));
    const { api } = client([primary.url, backup.url]);
    const err = await api.fetch('/pay', { method: 'POST', body: 'once' }).catch((e: unknown) => e);
    assert.ok(isDetourError(err), String(err));
    assert.equal(err.code, 'DETOUR_UPSTREAM_RESET');
    assert.equal(backup.hits.length, 0, 'the backup never saw the POST');

    const { api: api2 } = client([primary.url, backup.url]);
    assert.equal(await (await api2.fetch('/read')).text(), 'backup GET /read');
  });

  it('resends a POST with an Idempotency-Key it added, carrying the same key', async () => {
    const primary = await up((req) => req.socket.destroy());
    const backup = await up(okHandler('backup'));
    const { api } = client([primary.url, backup.url], { idempotencyKey: true });
    assert.equal(await (await api.fetch('/pay', { method: 'POST', body: 'once' })).text(), 'backup POST /pay');
    const key = backup.hits[0]!.headers['idempotency-key'];
    assert.equal(primary.hits[0]!.headers['idempotency-key'], key);
    assert.match(String(key), /^[0-9a-f-]{36}$/);
  });

  it('gives up on a primary that never answers after timeout.perTry and cancels its request', async () => {
    const primary = await hanging();
    const backup = await up(okHandler('backup'));
    const { api, events } = client([primary.url, backup.url], { timeout: { perTry: '300ms', total: '10s' } });
    assert.equal(await (await api.fetch('/x')).text(), 'backup GET /x');
    assert.deepEqual(events.find((e) => e.type === 'failure'), { type: 'failure', host: primary.url, attempt: 1, failure: { kind: 'timeout' } });
    await within(primary.closed[0]!, 'primary request closed');
  });

  it('hedges a slow GET to the backup; the backup answers and the primary request is cancelled', async () => {
    let slow = false;
    const closed: Array<Promise<void>> = [];
    const primary = await up((req, res) => {
      if (!slow) return okHandler('primary')(req, res, '');
      closed.push(new Promise((resolve) => res.on('close', () => resolve())));
    });
    const backup = await up(okHandler('backup'));
    const { api, events } = client([primary.url, backup.url], { hedge: true });
    for (let i = 0; i < 8; i++) assert.equal(await (await api.fetch('/warm')).text(), 'primary GET /warm');
    slow = true;
    assert.equal(await (await api.fetch('/slow')).text(), 'backup GET /slow');
    const hedge = events.find((e) => e.type === 'hedge');
    assert.equal(hedge?.type === 'hedge' && hedge.to, backup.url);
    await within(closed[0]!, 'hedged-out primary request closed');
    assert.deepEqual(api.hosts().map((h) => h.state), ['up', 'up']);
  });

  it('shares what one client learnt with every client of the process (the default store)', async () => {
    const primary = await up((_q, res) => void res.writeHead(503).end());
    const backup = await up(okHandler('backup'));
    const hosts = [primary.url, backup.url];
    await createClient({ hosts }).fetch('/a');
    await createClient({ hosts }).fetch('/b');
    assert.equal(primary.hits.length, 1, 'the second client never tried the primary');
    assert.deepEqual(backup.hits.map((h) => h.url), ['/a', '/b']);
  });

  it('keeps a host that answered 429 with Retry-After out for that long', async () => {
    const primary = await up((_q, res) => void res.writeHead(429, { 'retry-after': '3600' }).end('slow down'));
    const backup = await up(okHandler('backup'));
    const { api } = client([primary.url, backup.url], { hostBackoff: { base: '1s', max: '2h' } });
    const before = Date.now();
    await api.fetch('/x');
    const h = api.hosts()[0]!;
    assert.equal(h.state, 'down');
    assert.ok(h.until >= before + 3_600_000, 'down for at least the hour the host asked for');
  });

  it('stops at timeout.total when no host answers, and cancels both requests', async () => {
    const a = await hanging();
    const b = await hanging();
    const { api } = client([a.url, b.url], { timeout: { perTry: '10s', total: '400ms' }, hedge: false });
    // perTry is longer than total: the deadline is what ends this request, and only the first host is tried.
    await assert.rejects(api.fetch('/x'), { code: 'DETOUR_TOTAL_TIMEOUT' });
    await within(a.closed[0]!, 'request cancelled at the deadline');
    assert.equal(b.hits.length, 0);
  });

  it('cancels the request at the server when the caller aborts', async () => {
    const a = await hanging();
    const b = await up(okHandler('backup'));
    const { api, events } = client([a.url, b.url]);
    const ac = new AbortController();
    const p = api.fetch('/x', { signal: ac.signal });
    await until(() => a.closed.length === 1, 'request reached the server');
    ac.abort();
    await assert.rejects(p, { name: 'AbortError' });
    await within(a.closed[0]!, 'request cancelled');
    assert.equal(b.hits.length, 0);
    assert.equal(events.filter((e) => e.type === 'failure').length, 0);
  });

  it('lets the caller read a body that outlasts timeout.perTry: the timer stops at the headers', async () => {
    const chunks = 5;
    const primary = await up((_q, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      let n = 0;
      const t = setInterval(() => {
        res.write('x'.repeat(1000));
        if (++n === chunks) {
          clearInterval(t);
          res.end();
        }
      }, 100);
    });
    const { api } = client([primary.url], { timeout: { perTry: '150ms', total: '200ms' } });
    const res = await api.fetch('/download');
    assert.equal((await res.text()).length, chunks * 1000);
  });
});
