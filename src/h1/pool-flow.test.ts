import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from './pool.js';
import { bodyOf, exchange, httpServer, onRequests, rawServer, readHeads, until, within } from './helpers.test.js';

const OPTS = { connectTimeout: 5_000, bodyTimeout: 10_000 };
/** Far more than loopback socket buffers hold (a few MiB each way), so a stalled reader stalls the writer. */
const BIG = 48 * 1024 * 1024;

test('onData returning false stops reading the socket until resume()', async () => {
  let flushed = false;
  const srv = await rawServer((s) =>
    void readHeads(s).then(() => {
      s.write(`HTTP/1.1 200 OK\r\ncontent-length: ${BIG}\r\n\r\n`);
      s.write(Buffer.alloc(BIG, 1), () => (flushed = true));
    }),
  );
  const pool = new Pool(srv.url, OPTS);
  try {
    let paused = false;
    const p = exchange(pool, { method: 'GET', path: '/', headers: [] }, {
      discard: true,
      onData: () => {
        if (paused) return true;
        paused = true;
        return false;
      },
    });
    await within(until(() => paused, 'the first body chunk'));
    const seen = p.outcome.bytes;
    // Give a reader that ignored the pause ample time to take everything.
    await sleep(300);
    assert.equal(p.outcome.bytes, seen, 'no onData while paused');
    assert.ok(!flushed, 'the server could not send the whole body while the handler was paused');
    p.outcome.resume();
    const o = await within(p);
    assert.equal(o.bytes, BIG);
    assert.ok(flushed);
    assert.deepEqual(o.events, ['connect', 'headers', 'data', 'complete']);
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('onHeaders returning false holds the body back until resume(), then delivers it in order', async () => {
  const srv = await rawServer((s) => onRequests(s, () => s.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n')));
  const pool = new Pool(srv.url, OPTS);
  try {
    const p = exchange(pool, { method: 'GET', path: '/', headers: [] }, { onHeaders: () => false });
    await within(until(() => p.outcome.events.includes('headers'), 'the head'));
    await sleep(50);
    assert.deepEqual(p.outcome.events, ['connect', 'headers']);
    p.outcome.resume();
    const o = await within(p);
    assert.equal(o.body.toString(), 'abcdef');
    assert.equal(pool.stats.idle, 1);
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('a request body is streamed with backpressure: a server that does not read stalls the source', async () => {
  let release!: () => void;
  const reading = new Promise<void>((r) => (release = r));
  const srv = await httpServer((req, res) => {
    req.pause();
    let n = 0;
    void reading.then(() => {
      req.on('data', (c: Buffer) => (n += c.length));
      req.on('end', () => res.end(`${n} ${req.headers['transfer-encoding'] ?? '-'} ${req.headers['content-length'] ?? '-'}`));
      req.resume();
    });
  });
  const pool = new Pool(srv.url, OPTS);
  let produced = 0;
  async function* source(): AsyncIterable<Buffer> {
    const chunk = Buffer.alloc(64 * 1024, 7);
    while (produced < BIG) {
      produced += chunk.length;
      yield chunk;
    }
  }
  try {
    const p = exchange(pool, { method: 'PUT', path: '/', headers: ['host', 'x'], body: source() });
    await within(until(() => produced > 0, 'the body to start'));
    await sleep(300);
    assert.ok(produced < BIG / 2, `the source was pulled ${produced} bytes ahead of a server that reads nothing`);
    release();
    const o = await within(p, 30_000);
    assert.equal(o.body.toString(), `${BIG} chunked -`);
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('a body with Content-Length goes as is; without one it is chunk-encoded', async () => {
  const srv = await httpServer((req, res) => {
    let body = '';
    req.setEncoding('latin1');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => res.end(`${body}|${req.headers['transfer-encoding'] ?? '-'}|${req.headers['content-length'] ?? '-'}`));
  });
  const pool = new Pool(srv.url, OPTS);
  try {
    const a = await within(exchange(pool, { method: 'POST', path: '/', headers: ['host', 'x', 'content-length', '11'], body: bodyOf('hello', '', ' world') }));
    assert.equal(a.body.toString(), 'hello world|-|11');
    const b = await within(exchange(pool, { method: 'POST', path: '/', headers: ['host', 'x'], body: bodyOf('hello', '', ' world') }));
    assert.equal(b.body.toString(), 'hello world|chunked|-');
    const c = await within(exchange(pool, { method: 'POST', path: '/', headers: ['host', 'x'], body: bodyOf() }));
    assert.equal(c.body.toString(), '|chunked|-');
    assert.equal(srv.connections, 1);
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('a body shorter or longer than its Content-Length fails the request and the connection', async () => {
  const srv = await httpServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  const pool = new Pool(srv.url, OPTS);
  try {
    for (const body of [bodyOf('abc'), bodyOf('abcdefgh')]) {
      const o = await within(exchange(pool, { method: 'POST', path: '/', headers: ['host', 'x', 'content-length', '5'], body }));
      assert.equal(o.error?.code, 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH');
      assert.equal(pool.stats.connections, 0);
    }
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('an error thrown by the body source fails the request with it, destroys the connection, and the pool goes on', async () => {
  const srv = await httpServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  const pool = new Pool(srv.url, OPTS);
  const boom = new Error('client went away');
  async function* failing(): AsyncIterable<Buffer> {
    yield Buffer.from('part');
    await sleep(10);
    throw boom;
  }
  try {
    const o = await within(exchange(pool, { method: 'POST', path: '/', headers: ['host', 'x'], body: failing() }));
    assert.equal(o.error, boom);
    assert.deepEqual(o.events, ['connect', 'error']);
    await within(until(() => srv.sockets.size === 0, 'the server to see the connection close'));
    assert.equal((await within(exchange(pool, { method: 'GET', path: '/', headers: [] }))).body.toString(), 'ok');
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('a response that arrives before the body was sent (413) is delivered, the source closed, and the socket not reused', async () => {
  const srv = await rawServer((s) => void readHeads(s).then(() => s.write('HTTP/1.1 413 Content Too Large\r\ncontent-length: 3\r\n\r\nbig')));
  const pool = new Pool(srv.url, OPTS);
  let more!: () => void;
  const gate = new Promise<void>((r) => (more = r));
  let closed = false;
  async function* slow(): AsyncIterable<Buffer> {
    try {
      yield Buffer.from('first');
      await gate;
      yield Buffer.from('second');
      yield Buffer.from('third');
    } finally {
      closed = true;
    }
  }
  try {
    const o = await within(exchange(pool, { method: 'POST', path: '/', headers: ['host', 'x'], body: slow() }));
    assert.equal(o.head?.status, 413);
    assert.equal(o.body.toString(), 'big');
    assert.deepEqual(o.events, ['connect', 'headers', 'data', 'complete']);
    assert.equal(pool.stats.connections, 0);
    more();
    await within(until(() => closed, 'the body source to be closed'));
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('a response whose last bytes the handler still holds completes, and its connection is reused, only after resume()', async () => {
  // The chunk handed to onData is borrowed from the connection's read buffer; a handler that
  // returned false may still be writing it out. Completing at once would put the connection
  // back in the pool, and the next response would be read into those same bytes.
  const srv = await rawServer((s) => onRequests(s, (head) => s.write(`HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n${head.startsWith('GET /a') ? 'aaaaa' : 'bbbbb'}`)));
  const pool = new Pool(srv.url, { ...OPTS, connections: 1 });
  try {
    let held: Buffer | undefined;
    const a = exchange(pool, { method: 'GET', path: '/a', headers: [] }, {
      onData: (_o, chunk) => {
        held = chunk;
        return false;
      },
    });
    await within(until(() => held !== undefined, 'the body of /a'));
    const b = exchange(pool, { method: 'GET', path: '/b', headers: [] });
    await sleep(100);
    assert.deepEqual(a.outcome.events, ['connect', 'headers', 'data'], '/a not complete while its last bytes are held');
    assert.deepEqual(b.outcome.events, ['connect'], '/b waits: the only connection is not back in the pool');
    assert.equal(held!.toString(), 'aaaaa', 'the held bytes are intact');
    a.outcome.resume();
    assert.deepEqual((await within(a)).events, ['connect', 'headers', 'data', 'complete']);
    assert.equal((await within(b)).body.toString(), 'bbbbb');
    assert.equal(srv.connections, 1, 'then the connection is reused');
  } finally {
    pool.destroy();
    await srv.close();
  }
});
