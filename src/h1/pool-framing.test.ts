import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { Pool } from './pool.js';
import { exchange, get, onRequests, rawServer, type Outcome, within } from './helpers.test.js';

const OPTS = { connectTimeout: 5_000, bodyTimeout: 10_000 };

/**
 * Sends `response` (bytes or pieces written one loop turn apart) to the first request,
 * then a plain 200 "next" to any further one on the same connection, so a test can see
 * whether the connection stayed usable.
 */
async function respond(response: string | string[], method = 'GET', after?: (s: Socket) => void): Promise<{ o: Outcome; reused: boolean }> {
  let requests = 0;
  const srv = await rawServer((s) =>
    onRequests(s, () => {
      if (requests++ > 0) return void s.write('HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nnext');
      const parts = typeof response === 'string' ? [response] : response;
      const send = (k: number): void => {
        if (k === parts.length) return after?.(s);
        s.write(parts[k]!, 'latin1');
        setImmediate(() => send(k + 1));
      };
      send(0);
    }),
  );
  const pool = new Pool(srv.url, OPTS);
  try {
    const o = await within(exchange(pool, { ...get(), method }));
    if (o.error) return { o, reused: false };
    const next = await within(exchange(pool, get()));
    assert.equal(next.body.toString(), 'next');
    await new Promise((r) => setImmediate(r));
    assert.ok(!o.events.some((e) => e.startsWith('VIOLATION')), o.events.join());
    return { o, reused: srv.connections === 1 };
  } finally {
    pool.destroy();
    await srv.close();
  }
}

test('a Content-Length body is delivered whole and the socket reused', async () => {
  const { o, reused } = await respond('HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\nhello world');
  assert.equal(o.body.toString(), 'hello world');
  assert.ok(reused);
});

test('a chunked body with extensions and trailers is de-chunked and the socket reused', async () => {
  const { o, reused } = await respond('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6 ; q="a;b"\r\n world\r\n0\r\nx-checksum: abc\r\n\r\n');
  assert.equal(o.body.toString(), 'hello world');
  assert.deepEqual(o.events, ['connect', 'headers', 'data', 'complete']);
  assert.ok(reused);
});

test('a chunked body arriving one byte per read is decoded the same', async () => {
  const wire = 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n1\r\n!\r\n0\r\nt: v\r\n\r\n';
  const { o, reused } = await respond([...wire]);
  assert.equal(o.body.toString(), 'hello!');
  assert.equal(o.head?.status, 200);
  assert.ok(reused);
});

test('a close-delimited body ends at the server FIN and the socket is not reused', async () => {
  const { o, reused } = await respond('HTTP/1.1 200 OK\r\n\r\nuntil close', 'GET', (s) => s.end());
  assert.equal(o.body.toString(), 'until close');
  assert.ok(!reused);
});

test('a HEAD response has no body whatever its Content-Length says; the socket is then closed', async () => {
  const { o, reused } = await respond('HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n', 'HEAD');
  assert.deepEqual(o.events, ['connect', 'headers', 'complete']);
  assert.ok(!reused);
});

for (const status of [204, 304]) {
  test(`a ${status} response has no body and the socket is reused`, async () => {
    const { o, reused } = await respond(`HTTP/1.1 ${status} X\r\ncontent-length: 5\r\n\r\n`);
    assert.equal(o.head?.status, status);
    assert.deepEqual(o.events, ['connect', 'headers', 'complete']);
    assert.ok(reused);
  });
}

test('100 Continue and 103 Early Hints are skipped; onHeaders sees only the final response', async () => {
  const { o, reused } = await respond([
    'HTTP/1.1 100 Continue\r\n\r\n',
    'HTTP/1.1 103 Early Hints\r\nlink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok',
  ]);
  assert.equal(o.head?.status, 200);
  assert.equal(o.events.filter((e) => e === 'headers').length, 1);
  assert.equal(o.body.toString(), 'ok');
  assert.ok(reused);
});

test('a head split over many reads, even inside CRLFCRLF, is reassembled', async () => {
  const { o, reused } = await respond(['HTTP/1.1 20', '0 OK\r', '\nx-a: 1\r\ncontent-length: 2\r\n\r', '\nhi']);
  assert.deepEqual(o.head?.raw, ['x-a', '1', 'content-length', '2']);
  assert.equal(o.body.toString(), 'hi');
  assert.ok(reused);
});

test('Content-Length together with chunked: the body is read as chunked and the socket closed (RFC 9112 §6.3)', async () => {
  const { o, reused } = await respond('HTTP/1.1 200 OK\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
  assert.equal(o.body.toString(), 'hello');
  assert.ok(!reused);
});

for (const [name, wire, code] of [
  ['a malformed status line', 'HTTP/1.1 2OO OK\r\n\r\n', 'HPE_INVALID_STATUS'],
  ['obs-fold', 'HTTP/1.1 200 OK\r\nx-a: 1\r\n  folded\r\ncontent-length: 0\r\n\r\n', 'HPE_INVALID_HEADER_TOKEN'],
  ['conflicting Content-Length', 'HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\nab', 'HPE_INVALID_CONTENT_LENGTH'],
  ['a bad chunk size', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n', 'HPE_INVALID_CHUNK_SIZE'],
  ['a head over 64 KiB', `HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(70_000)}\r\n\r\n`, 'UND_ERR_HEADERS_OVERFLOW'],
  ['an endless head without a blank line', `HTTP/1.1 200 OK\r\n${'x-a: 1\r\n'.repeat(9_000)}`, 'UND_ERR_HEADERS_OVERFLOW'],
] as const) {
  test(`${name} fails the request with ${code} and closes the socket`, async () => {
    const { o } = await respond(wire);
    assert.equal(o.error?.code, code);
    assert.ok(!o.events.includes('complete'));
  });
}

for (const [name, wire, code] of [
  ['before any response byte', '', 'UND_ERR_SOCKET'],
  ['inside the head', 'HTTP/1.1 200 OK\r\ncontent-le', 'UND_ERR_SOCKET'],
  ['inside a Content-Length body', 'HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n12345', 'HPE_INVALID_EOF_STATE'],
  ['inside a chunked body', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhel', 'HPE_INVALID_EOF_STATE'],
] as const) {
  test(`the server closing ${name} fails the request with ${code}`, async () => {
    const { o } = await respond(wire, 'GET', (s) => s.end());
    assert.equal(o.error?.code, code);
    assert.equal(o.events.filter((e) => e === 'error').length, 1);
  });
}
