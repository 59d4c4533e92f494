import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { Pool } from './pool.js';
import { exchange, get, httpServer, onRequests, rawServer, until, within } from './helpers.test.js';

const OPTS = { connectTimeout: 5_000, bodyTimeout: 10_000 };

/** A raw server that holds every request until the test answers it. */
async function holding() {
  const pending: Array<{ path: string; answer: () => void }> = [];
  const order: string[] = [];
  const srv = await rawServer((s: Socket) =>
    onRequests(s, (head) => {
      const path = head.split(' ')[1]!;
      order.push(path);
      pending.push({ path, answer: () => s.write(`HTTP/1.1 200 OK\r\ncontent-length: ${path.length}\r\n\r\n${path}`) });
    }),
  );
  return { srv, pending, order };
}

test('beyond `connections` requests wait and are served first-in first-out', async () => {
  const { srv, pending, order } = await holding();
  const pool = new Pool(srv.url, { ...OPTS, connections: 2 });
  try {
    const all = ['/0', '/1', '/2', '/3', '/4'].map((p) => exchange(pool, get(p)));
    assert.deepEqual(pool.stats, { connections: 2, idle: 0, queued: 3 });
    for (let served = 0; served < 5; served++) {
      await within(until(() => pending.length > 0, 'a request at the server'));
      pending.shift()!.answer();
    }
    const bodies = (await within(Promise.all(all))).map((o) => o.body.toString());
    assert.deepEqual(bodies, ['/0', '/1', '/2', '/3', '/4']);
    assert.deepEqual(order.slice(2), ['/2', '/3', '/4']);
    assert.equal(srv.connections, 2);
    assert.deepEqual(pool.stats, { connections: 2, idle: 2, queued: 0 });
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('close() refuses new requests, lets in-flight and queued ones finish, then resolves', async () => {
  const { srv, pending } = await holding();
  const pool = new Pool(srv.url, { ...OPTS, connections: 1 });
  try {
    const running = exchange(pool, get('/running'));
    const queued = exchange(pool, get('/queued'));
    let closed = false;
    const closing = pool.close().then(() => (closed = true));
    const refused = await within(exchange(pool, get('/late')));
    assert.equal(refused.error?.code, 'UND_ERR_CLOSED');
    await within(until(() => pending.length === 1, 'the running request'));
    pending.shift()!.answer();
    assert.equal((await within(running)).body.toString(), '/running');
    assert.ok(!closed);
    await within(until(() => pending.length === 1, 'the queued request'));
    pending.shift()!.answer();
    assert.equal((await within(queued)).body.toString(), '/queued');
    await within(closing);
    assert.deepEqual(pool.stats, { connections: 0, idle: 0, queued: 0 });
    await within(until(() => srv.sockets.size === 0 || [...srv.sockets].every((s) => s.readableEnded), 'the server to see the close'));
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('close() closes idle sockets at once and resolves when nothing is in flight', async () => {
  const { srv, pending } = await holding();
  const pool = new Pool(srv.url, OPTS);
  try {
    const p = exchange(pool, get('/a'));
    await within(until(() => pending.length === 1, 'the request'));
    pending.shift()!.answer();
    await within(p);
    assert.equal(pool.stats.idle, 1);
    await within(pool.close());
    assert.deepEqual(pool.stats, { connections: 0, idle: 0, queued: 0 });
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('destroy() fails every running and queued request once with UND_ERR_DESTROYED', async () => {
  const { srv, pending } = await holding();
  const pool = new Pool(srv.url, { ...OPTS, connections: 1 });
  try {
    const running = exchange(pool, get('/running'));
    const queued = exchange(pool, get('/queued'));
    await within(until(() => pending.length === 1, 'the running request'));
    const closing = pool.close();
    pool.destroy();
    for (const p of [running, queued]) {
      const o = await within(p);
      assert.equal(o.error?.code, 'UND_ERR_DESTROYED');
      assert.deepEqual(o.events, ['connect', 'error']);
    }
    await within(closing);
    assert.deepEqual(pool.stats, { connections: 0, idle: 0, queued: 0 });
    assert.equal((await within(exchange(pool, get()))).error?.code, 'UND_ERR_DESTROYED');
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('a Pool refuses an origin that is not scheme://host:port', () => {
  assert.throws(() => new Pool('ftp://h:1', OPTS), /http: or https:/);
  assert.throws(() => new Pool('http://h:1/path', OPTS), /scheme:\/\/host:port/);
  assert.throws(() => new Pool('not a url', OPTS), /invalid origin/);
  assert.throws(() => new Pool('http://h:1', { ...OPTS, connectTimeout: 0 }), /connectTimeout/);
});

test('under mixed load with aborts at every stage, each request ends exactly once and the pool drains', async () => {
  const srv = await httpServer((req, res) => {
    const size = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('size'));
    req.resume();
    // Chunked when the size is odd, Content-Length when even: both framings in the mix.
    if (size % 2 === 0) res.setHeader('content-length', size);
    res.end(Buffer.alloc(size, 97));
  });
  const pool = new Pool(srv.url, { ...OPTS, connections: 8 });
  let seed = 42;
  const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  try {
    const runs = Array.from({ length: 300 }, (_, i) => {
      const size = rand(3) === 0 ? 200_000 + rand(1000) : rand(2000);
      const stage = rand(5); // 0: abort at once, 1: in onHeaders, 2: in onData, 3-4: never
      const err = new Error(`abort ${i}`);
      const p = exchange(pool, get(`/?size=${size}`), {
        discard: true,
        onHeaders: (o) => (stage === 1 && o.abort(err), true),
        onData: (o) => (stage === 2 && o.abort(err), true),
      });
      if (stage === 0) p.outcome.abort(err);
      return p.then((o) => ({ o, size, stage, err }));
    });
    for (const { o, size, stage, err } of await within(Promise.all(runs), 30_000)) {
      const ends = o.events.filter((e) => e === 'complete' || e === 'error');
      assert.equal(ends.length, 1, o.events.join());
      assert.ok(!o.events.some((e) => e.startsWith('VIOLATION')), o.events.join());
      if (stage >= 3 || (stage === 2 && size === 0)) {
        assert.equal(o.error, undefined);
        assert.equal(o.bytes, size);
      } else assert.equal(o.error, err);
    }
    await new Promise((r) => setImmediate(r));
    assert.equal(pool.stats.queued, 0);
    assert.ok(pool.stats.connections <= 8);
    await within(pool.close());
    assert.deepEqual(pool.stats, { connections: 0, idle: 0, queued: 0 });
  } finally {
    pool.destroy();
    await srv.close();
  }
});
