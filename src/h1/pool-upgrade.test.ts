import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { Pool } from './pool.js';
import { exchange, onRequests, rawServer, readHeads, within } from './helpers.test.js';

const OPTS = { connectTimeout: 5_000, bodyTimeout: 10_000 };

test('101 hands the raw socket and the bytes read past the head to onUpgrade', async () => {
  let head = '';
  const srv = await rawServer((s) =>
    void readHeads(s).then((text) => {
      head = text;
      // The first frame rides in the same packet as the 101 head.
      s.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\nHELLO');
      s.on('data', (c: Buffer) => s.write(`echo:${c.toString()}`));
    }),
  );
  const pool = new Pool(srv.url, OPTS);
  try {
    const o = await within(exchange(pool, { method: 'GET', path: '/ws', headers: ['host', 'h'], upgrade: 'websocket' }, { withUpgrade: true }));
    assert.equal(head, 'GET /ws HTTP/1.1\r\nhost: h\r\nconnection: upgrade\r\nupgrade: websocket\r\n\r\n');
    assert.deepEqual(o.events, ['connect', 'upgrade']);
    assert.equal(o.head?.status, 101);
    assert.equal(o.upgrade?.rest.toString(), 'HELLO');
    assert.deepEqual(pool.stats, { connections: 0, idle: 0, queued: 0 });
    const socket = o.upgrade!.socket;
    socket.write('ping');
    socket.resume(); // handed over paused, so nothing is lost before the new owner listens
    const [reply] = (await within(once(socket, 'data'))) as [Buffer];
    assert.equal(reply.toString(), 'echo:ping');
    socket.destroy();
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('an upgrade refused with an ordinary response goes through onHeaders/onData/onComplete, and the socket is not reused', async () => {
  const srv = await rawServer((s) => onRequests(s, () => s.write('HTTP/1.1 403 Forbidden\r\ncontent-length: 2\r\n\r\nno')));
  const pool = new Pool(srv.url, OPTS);
  try {
    const o = await within(exchange(pool, { method: 'GET', path: '/ws', headers: [], upgrade: 'websocket' }, { withUpgrade: true }));
    assert.deepEqual(o.events, ['connect', 'headers', 'data', 'complete']);
    assert.equal(o.head?.status, 403);
    assert.equal(o.body.toString(), 'no');
    assert.equal(pool.stats.connections, 0);
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('a 101 to a request that asked for no upgrade fails with UND_ERR_SOCKET', async () => {
  const srv = await rawServer((s) => onRequests(s, () => s.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: h2c\r\n\r\n')));
  const pool = new Pool(srv.url, OPTS);
  try {
    const o = await within(exchange(pool, { method: 'GET', path: '/', headers: [] }));
    assert.equal(o.error?.code, 'UND_ERR_SOCKET');
    assert.equal(pool.stats.connections, 0);
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('an upgrade without an onUpgrade handler is refused with UND_ERR_INVALID_ARG', async () => {
  const srv = await rawServer(() => {});
  const pool = new Pool(srv.url, OPTS);
  try {
    const o = await within(exchange(pool, { method: 'GET', path: '/', headers: [], upgrade: 'websocket' }));
    assert.equal(o.error?.code, 'UND_ERR_INVALID_ARG');
    assert.equal(srv.connections, 0);
  } finally {
    pool.destroy();
    await srv.close();
  }
});
