import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { Pool, type UpstreamHandler } from './pool.js';
import { exchange, get, onRequests, rawServer, until, within } from './helpers.test.js';

const OPTS = { connectTimeout: 5_000, bodyTimeout: 10_000 };
const cause = (): Error => Object.assign(new Error('client gone'), { code: 'TEST_ABORT' });

/** A raw server: "/hold" gets nothing, "/part" a head and half a body, anything else "ok". */
async function server() {
  const held: Socket[] = [];
  const paths: string[] = [];
  const srv = await rawServer((s) =>
    onRequests(s, (head) => {
      paths.push(head.split(' ')[1]!);
      if (head.startsWith('GET /hold')) held.push(s);
      else if (head.startsWith('GET /part')) s.write('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nhalf.');
      else s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
    }),
  );
  return { srv, held, paths };
}

/** After an abort: exactly one onError with the abort's error, nothing else, and the pool still works. */
async function checkAfterAbort(pool: Pool, o: { events: string[]; error: Error | undefined }, err: Error): Promise<void> {
  await new Promise((r) => setImmediate(r));
  assert.equal(o.error, err);
  assert.equal(o.events.filter((e) => e === 'error').length, 1);
  assert.ok(!o.events.includes('complete') && !o.events.some((e) => e.startsWith('VIOLATION')), o.events.join());
  assert.equal((await within(exchange(pool, get()))).body.toString(), 'ok');
}

test('abort while queued: one onError, the request never reaches the server', async () => {
  const { srv, held, paths } = await server();
  const pool = new Pool(srv.url, { ...OPTS, connections: 1 });
  try {
    const first = exchange(pool, get('/hold'));
    const queued = exchange(pool, get('/queued'));
    assert.equal(pool.stats.queued, 1);
    const err = cause();
    queued.outcome.abort(err);
    assert.equal(pool.stats.queued, 0);
    await within(until(() => held.length === 1, 'the first request'));
    held[0]!.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
    await within(first);
    await checkAfterAbort(pool, await queued, err);
    assert.deepEqual(paths, ['/hold', '/']);
    assert.equal(srv.connections, 1);
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('abort while connecting: one onError and the socket is destroyed', async () => {
  const { srv } = await server();
  const pool = new Pool(srv.url, OPTS);
  try {
    const p = exchange(pool, get('/x'));
    assert.equal(pool.stats.connections, 1);
    const err = cause();
    p.outcome.abort(err);
    assert.equal(pool.stats.connections, 0);
    await checkAfterAbort(pool, await within(p), err);
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('abort inside onConnect: one onError, no connection opened', async () => {
  const { srv } = await server();
  const pool = new Pool(srv.url, OPTS);
  try {
    const events: string[] = [];
    const err = cause();
    const handler: UpstreamHandler = {
      onConnect: (abort) => abort(err),
      onHeaders: () => (events.push('headers'), true),
      onData: () => true,
      onComplete: () => events.push('complete'),
      onError: (e) => events.push(e === err ? 'error' : 'other error'),
    };
    pool.dispatch(get(), handler);
    assert.deepEqual(events, ['error']);
    assert.deepEqual(pool.stats, { connections: 0, idle: 0, queued: 0 });
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('abort while waiting for the head: one onError, the server sees the socket close', async () => {
  const { srv, held } = await server();
  const pool = new Pool(srv.url, OPTS);
  try {
    const p = exchange(pool, get('/hold'));
    await within(until(() => held.length === 1, 'the request at the server'));
    const closed = new Promise((r) => held[0]!.on('end', r));
    const err = cause();
    p.outcome.abort(err);
    await within(closed, 10_000, 'the server socket to close');
    await checkAfterAbort(pool, await within(p), err);
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('abort from onData in the middle of the body: one onError, no onComplete', async () => {
  const { srv } = await server();
  const pool = new Pool(srv.url, OPTS);
  try {
    const err = cause();
    const o = await within(exchange(pool, get('/part'), { onData: (out) => (out.abort(err), true) }));
    assert.deepEqual(o.events, ['connect', 'headers', 'data', 'error']);
    assert.equal(pool.stats.connections, 0);
    await checkAfterAbort(pool, o, err);
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('abort after onComplete does nothing', async () => {
  const { srv } = await server();
  const pool = new Pool(srv.url, OPTS);
  try {
    const o = await within(exchange(pool, get()));
    o.abort(cause());
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(o.events, ['connect', 'headers', 'data', 'complete']);
    assert.equal(pool.stats.idle, 1);
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('an exception thrown by onHeaders fails the exchange with it', async () => {
  const { srv } = await server();
  const pool = new Pool(srv.url, OPTS);
  try {
    const bug = new Error('handler bug');
    const o = await within(exchange(pool, get(), { onHeaders: () => { throw bug; } }));
    assert.equal(o.error, bug);
    assert.deepEqual(o.events, ['connect', 'headers', 'error']);
    assert.equal(pool.stats.connections, 0);
  } finally {
    pool.destroy();
    await srv.close();
  }
});
