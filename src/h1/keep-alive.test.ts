import assert from 'node:assert/strict';
import { test } from 'node:test';
import { responseFraming } from './body.js';
import { parseResponseHead } from './head.js';
import { keepAliveMs } from './keep-alive.js';

/** keepAliveMs for a GET answered by `lines` (default 4000 ms, hint cap 60000 ms). */
function ms(lines: string[], method = 'GET', upgrade = false): number {
  const head = parseResponseHead(lines.join('\r\n'));
  return keepAliveMs(head, responseFraming(head, head.status, method), method, upgrade, 4_000, 60_000);
}

test('HTTP/1.1 persists by default; Connection: close ends it (RFC 9112 §9.3)', () => {
  assert.equal(ms(['HTTP/1.1 200 OK', 'Content-Length: 0']), 4_000);
  assert.equal(ms(['HTTP/1.1 200 OK', 'Content-Length: 0', 'Connection: Close']), 0);
  assert.equal(ms(['HTTP/1.1 200 OK', 'Content-Length: 0', 'Connection: x-foo, close']), 0);
});

test('HTTP/1.0 persists only with Connection: keep-alive (RFC 9112 §C.2.2)', () => {
  assert.equal(ms(['HTTP/1.0 200 OK', 'Content-Length: 0']), 0);
  assert.equal(ms(['HTTP/1.0 200 OK', 'Content-Length: 0', 'Connection: Keep-Alive']), 4_000);
});

test('a Keep-Alive timeout hint gives N s − 1 s, capped, and ≤ 1 s means close', () => {
  assert.equal(ms(['HTTP/1.1 200 OK', 'Content-Length: 0', 'Keep-Alive: timeout=5']), 4_000);
  assert.equal(ms(['HTTP/1.1 200 OK', 'Content-Length: 0', 'Keep-Alive: max=100, timeout=20']), 19_000);
  assert.equal(ms(['HTTP/1.1 200 OK', 'Content-Length: 0', 'keep-alive: TIMEOUT=600']), 60_000);
  assert.equal(ms(['HTTP/1.1 200 OK', 'Content-Length: 0', 'Keep-Alive: timeout=1']), 0);
  assert.equal(ms(['HTTP/1.1 200 OK', 'Content-Length: 0', 'Keep-Alive: max=5']), 4_000);
});

test('close-delimited bodies, HEAD, upgrade attempts and CL+TE responses end the connection', () => {
  assert.equal(ms(['HTTP/1.1 200 OK']), 0);
  assert.equal(ms(['HTTP/1.1 200 OK', 'Transfer-Encoding: gzip']), 0);
  assert.equal(ms(['HTTP/1.1 200 OK', 'Content-Length: 3'], 'HEAD'), 0);
  assert.equal(ms(['HTTP/1.1 403 Forbidden', 'Content-Length: 0'], 'GET', true), 0);
  assert.equal(ms(['HTTP/1.1 200 OK', 'Content-Length: 3', 'Transfer-Encoding: chunked']), 0);
  assert.equal(ms(['HTTP/1.1 204 No Content']), 4_000);
});
