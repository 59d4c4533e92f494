import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool } from './pool.js';
import { exchange, get, httpServer, onRequests, rawServer, until, within } from './helpers.test.js';

const OPTS = { connectTimeout: 5_000, bodyTimeout: 10_000 };

test('sequential requests share one kept-alive socket and get status, headers and body', async () => {
  const srv = await httpServer((req, res) => {
    res.setHeader('x-path', req.url ?? '');
    res.end(`hello ${req.url}`);
  });
  const pool = new Pool(srv.url, OPTS);
  try {
    for (const path of ['/a', '/b', '/c']) {
      const o = await within(exchange(pool, get(path)));
      assert.deepEqual(o.events, ['connect', 'headers', 'data', 'complete']);
      assert.equal(o.head?.status, 200);
      assert.equal(o.head?.raw[o.head.raw.findIndex((v) => v.toLowerCase() === 'x-path') + 1], path);
      assert.equal(o.body.toString(), `hello ${path}`);
    }
    assert.equal(srv.connections, 1);
    assert.deepEqual(pool.stats, { connections: 1, idle: 1, queued: 0 });
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('the request head is one write: request-line, Host first when missing, fields as given', async () => {
  let seen = '';
  // Each head must arrive whole in one read: it left in one write (Nagle off).
  const srv = await rawServer((s) =>
    s.on('data', (c: Buffer) => {
      seen = c.toString('latin1');
      s.write('HTTP/1.1 204 No Content\r\n\r\n');
    }),
  );
  const pool = new Pool(srv.url, OPTS);
  try {
    await within(exchange(pool, { method: 'GET', path: '/p?q=1', headers: ['X-A', '1', 'x-b', 'two words'] }));
    assert.equal(seen, `GET /p?q=1 HTTP/1.1\r\nhost: 127.0.0.1:${srv.port}\r\nX-A: 1\r\nx-b: two words\r\n\r\n`);
    await within(exchange(pool, { method: 'DELETE', path: '/', headers: ['Host', 'api.example', 'x', 'y'] }));
    assert.equal(seen, 'DELETE / HTTP/1.1\r\nHost: api.example\r\nx: y\r\n\r\n');
    // RFC 9110 §8.6: a POST without content still says so.
    await within(exchange(pool, { method: 'POST', path: '/', headers: ['host', 'h'] }));
    assert.equal(seen, 'POST / HTTP/1.1\r\nhost: h\r\ncontent-length: 0\r\n\r\n');
    assert.equal(srv.connections, 1);
  } finally {
    pool.destroy();
    await srv.close();
  }
});

/** A raw server answering every request on a connection with `response(index)`. */
function answering(response: (i: number) => string) {
  return rawServer((s) => onRequests(s, (_head, i) => s.write(response(i))));
}

test('a response with Connection: close is not reused: the next request opens a new socket', async () => {
  const srv = await answering(() => 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok');
  const pool = new Pool(srv.url, OPTS);
  try {
    const a = await within(exchange(pool, get()));
    assert.equal(a.body.toString(), 'ok');
    assert.equal(pool.stats.connections, 0);
    const b = await within(exchange(pool, get()));
    assert.equal(b.body.toString(), 'ok');
    assert.equal(srv.connections, 2);
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('an HTTP/1.0 response is reused only with Connection: keep-alive', async () => {
  const srv = await answering((i) => (i === 0 ? 'HTTP/1.0 200 OK\r\ncontent-length: 1\r\nconnection: keep-alive\r\n\r\na' : 'HTTP/1.0 200 OK\r\ncontent-length: 1\r\n\r\nb'));
  const pool = new Pool(srv.url, OPTS);
  try {
    assert.equal((await within(exchange(pool, get()))).body.toString(), 'a');
    assert.equal(pool.stats.idle, 1);
    assert.equal((await within(exchange(pool, get()))).body.toString(), 'b');
    assert.equal(srv.connections, 1);
    assert.deepEqual(pool.stats, { connections: 0, idle: 0, queued: 0 });
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('an idle socket the server closes is dropped and never handed out', async () => {
  const srv = await rawServer((s) =>
    onRequests(s, () => {
      s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
      setImmediate(() => s.end());
    }),
  );
  const pool = new Pool(srv.url, OPTS);
  try {
    await within(exchange(pool, get()));
    await within(until(() => pool.stats.connections === 0, 'the closed idle socket to leave the pool'));
    const o = await within(exchange(pool, get()));
    assert.equal(o.body.toString(), 'ok');
    assert.equal(srv.connections, 2);
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('stray bytes on an idle socket drop it, so they are never read as the next response', async () => {
  const srv = await rawServer((s) =>
    onRequests(s, () => {
      s.write('HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\ngood');
      setTimeout(() => s.write('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nstale'), 20);
    }),
  );
  const pool = new Pool(srv.url, OPTS);
  try {
    await within(exchange(pool, get()));
    await within(until(() => pool.stats.connections === 0, 'the socket with stray bytes to be dropped'));
    assert.equal((await within(exchange(pool, get()))).body.toString(), 'good');
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('bytes after a complete response in the same read make the socket not reusable', async () => {
  const srv = await answering(() => 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nokHTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nextra');
  const pool = new Pool(srv.url, OPTS);
  try {
    assert.equal((await within(exchange(pool, get()))).body.toString(), 'ok');
    assert.equal(pool.stats.connections, 0);
    assert.equal((await within(exchange(pool, get()))).body.toString(), 'ok');
    assert.equal(srv.connections, 2);
  } finally {
    pool.destroy();
    await srv.close();
  }
});

for (const [how, close] of [
  ['closed (FIN)', (s: import('node:net').Socket) => s.end()],
  ['reset (RST)', (s: import('node:net').Socket) => s.resetAndDestroy()],
] as const) {
  test(`a reused socket ${how} before any response byte fails the request, without a retry inside the pool`, async () => {
    let requests = 0;
    const srv = await rawServer((s) =>
      onRequests(s, (_h, i) => {
        requests++;
        if (i === 0) s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
        else close(s);
      }),
    );
    const pool = new Pool(srv.url, OPTS);
    try {
      await within(exchange(pool, get()));
      const o = await within(exchange(pool, get()));
      assert.deepEqual(o.events, ['connect', 'error']);
      if (how === 'closed (FIN)') {
        assert.equal(o.error?.code, 'UND_ERR_SOCKET');
        assert.equal(o.error?.message, 'other side closed');
      } else assert.equal(o.error?.code, 'ECONNRESET');
      assert.equal(requests, 2);
      assert.equal(srv.connections, 1);
      assert.equal(pool.stats.connections, 0);
    } finally {
      pool.destroy();
      await srv.close();
    }
  });
}

test('a Keep-Alive timeout hint replaces the idle time: timeout=1 (1 s − 1 s) means close now', async () => {
  const srv = await answering(() => 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\nkeep-alive: timeout=1\r\n\r\nok');
  const pool = new Pool(srv.url, OPTS);
  try {
    await within(exchange(pool, get()));
    assert.equal(pool.stats.connections, 0);
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('an idle socket is closed after keepAliveTimeout', async () => {
  let closed = false;
  const srv = await rawServer((s) => {
    s.on('end', () => {
      closed = true;
      s.end();
    });
    onRequests(s, () => s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nkeep-alive: timeout=30\r\n\r\nok'));
  });
  const pool = new Pool(srv.url, { ...OPTS, keepAliveTimeout: 50_000, keepAliveMaxTimeout: 60 });
  try {
    await within(exchange(pool, get()));
    assert.equal(pool.stats.idle, 1);
    // The hint (29 s) is capped by keepAliveMaxTimeout (60 ms).
    await within(until(() => closed && pool.stats.connections === 0, 'the idle socket to be closed'));
  } finally {
    pool.destroy();
    await srv.close();
  }
});
