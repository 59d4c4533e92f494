import assert from 'node:assert/strict';
import { test } from 'node:test';
import { H1ParseError } from './errors.js';
import { parseRequestHead, parseResponseHead } from './head.js';

/** Joins lines with CRLF: the head as parseRequestHead/parseResponseHead get it (no final blank line). */
const h = (...lines: string[]): string => lines.join('\r\n');

function refuses(fn: () => unknown, code: string, status?: number): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof H1ParseError, String(err));
    assert.equal(err.code, code, err.message);
    if (status !== undefined) assert.equal(err.status, status);
    return true;
  });
}

test('a request head yields method, target, version and the fields the framing needs', () => {
  const r = parseRequestHead(h('POST /a?b=1 HTTP/1.1', 'Host: api.example', 'Content-Length: 5', 'Connection: Keep-Alive, Upgrade', 'Upgrade: websocket', 'Expect: 100-continue', 'X-Empty:', 'X-Ows: \t v \t'));
  assert.equal(r.method, 'POST');
  assert.equal(r.target, '/a?b=1');
  assert.equal(r.minor, 1);
  assert.equal(r.host, 'api.example');
  assert.equal(r.contentLength, 5);
  assert.deepEqual(r.connection, ['keep-alive', 'upgrade']);
  assert.equal(r.upgrade, 'websocket');
  assert.equal(r.expectContinue, true);
  assert.deepEqual(r.raw.slice(-4), ['X-Empty', '', 'X-Ows', 'v']);
});

test('empty lines before a request-line are ignored (RFC 9112 §2.2)', () => {
  assert.equal(parseRequestHead(`\r\n\r\n${h('GET / HTTP/1.1', 'Host: a')}`).target, '/');
});

test('an absolute-form target becomes the Host and an origin-form target (RFC 9112 §3.2.2)', () => {
  const r = parseRequestHead(h('GET http://other.example:8080/p?q HTTP/1.1', 'Host: ignored'));
  assert.equal(r.host, 'other.example:8080');
  assert.equal(r.target, '/p?q');
  refuses(() => parseRequestHead(h('GET ftp://x/ HTTP/1.1', 'Host: a')), 'HPE_INVALID_URL');
  // RFC 9112 §3.2: an HTTP/1.1 request without Host is refused even in absolute-form.
  refuses(() => parseRequestHead(h('GET http://other.example/p HTTP/1.1')), 'HPE_INVALID_HEADER_TOKEN');
});

test('a response with a coding after chunked is read until the connection closes (RFC 9112 §6.3)', () => {
  const r = parseResponseHead(h('HTTP/1.1 200 OK', 'Transfer-Encoding: chunked, gzip'));
  assert.equal(r.te, true);
  assert.equal(r.chunked, false);
});

test('smuggling: Content-Length together with Transfer-Encoding in a request is refused (RFC 9112 §6.1)', () => {
  refuses(() => parseRequestHead(h('POST / HTTP/1.1', 'Host: a', 'Content-Length: 4', 'Transfer-Encoding: chunked')), 'HPE_UNEXPECTED_CONTENT_LENGTH', 400);
  refuses(() => parseRequestHead(h('POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding: chunked', 'Content-Length: 4')), 'HPE_UNEXPECTED_CONTENT_LENGTH');
});

test('smuggling: a response may carry both; the parser reports both for the framing to decide', () => {
  const r = parseResponseHead(h('HTTP/1.1 200 OK', 'Content-Length: 4', 'Transfer-Encoding: chunked'));
  assert.equal(r.contentLength, 4);
  assert.equal(r.chunked, true);
});

test('smuggling: conflicting Content-Length values are refused, identical repeats accepted (RFC 9110 §8.6)', () => {
  refuses(() => parseRequestHead(h('POST / HTTP/1.1', 'Host: a', 'Content-Length: 4', 'Content-Length: 5')), 'HPE_INVALID_CONTENT_LENGTH');
  refuses(() => parseRequestHead(h('POST / HTTP/1.1', 'Host: a', 'Content-Length: 4, 5')), 'HPE_INVALID_CONTENT_LENGTH');
  refuses(() => parseResponseHead(h('HTTP/1.1 200 OK', 'Content-Length: 4', 'Content-Length: 40')), 'HPE_INVALID_CONTENT_LENGTH');
  assert.equal(parseRequestHead(h('POST / HTTP/1.1', 'Host: a', 'Content-Length: 7, 7', 'Content-Length: 7')).contentLength, 7);
});

test('smuggling: Content-Length must be plain digits', () => {
  for (const v of ['+5', '-1', '0x10', '1.0', '5 5', '', '1234567890123456']) {
    refuses(() => parseRequestHead(h('POST / HTTP/1.1', 'Host: a', `Content-Length: ${v}`)), 'HPE_INVALID_CONTENT_LENGTH');
  }
});

test('smuggling: obs-fold is refused (RFC 9112 §5.2)', () => {
  refuses(() => parseRequestHead(h('GET / HTTP/1.1', 'Host: a', 'X-A: 1', ' folded')), 'HPE_INVALID_HEADER_TOKEN');
  refuses(() => parseRequestHead(h('GET / HTTP/1.1', 'Host: a', 'X-A: 1', '\tTransfer-Encoding: chunked')), 'HPE_INVALID_HEADER_TOKEN');
  refuses(() => parseResponseHead(h('HTTP/1.1 200 OK', 'X-A: 1', ' b: c')), 'HPE_INVALID_HEADER_TOKEN');
});

test('smuggling: whitespace between a field name and the colon is refused (RFC 9112 §5.1)', () => {
  refuses(() => parseRequestHead(h('POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding : chunked')), 'HPE_INVALID_HEADER_TOKEN');
  refuses(() => parseRequestHead(h('POST / HTTP/1.1', 'Host: a', 'Content-Length\t: 3')), 'HPE_INVALID_HEADER_TOKEN');
  refuses(() => parseResponseHead(h('HTTP/1.1 200 OK', 'Content-Length : 3')), 'HPE_INVALID_HEADER_TOKEN');
});

test('smuggling: a bare LF or CR inside a line is refused (RFC 9112 §2.2)', () => {
  refuses(() => parseRequestHead('GET / HTTP/1.1\r\nHost: a\nTransfer-Encoding: chunked'), 'HPE_INVALID_HEADER_TOKEN');
  refuses(() => parseRequestHead('GET / HTTP/1.1\r\nHost: a\rX: b'), 'HPE_INVALID_HEADER_TOKEN');
  refuses(() => parseRequestHead('GET / HTTP/1.1\nHost: a'), 'HPE_INVALID_CONSTANT');
  refuses(() => parseResponseHead('HTTP/1.1 200 OK\r\nX: a\nContent-Length: 0'), 'HPE_INVALID_HEADER_TOKEN');
});

test('smuggling: a request whose final transfer coding is not chunked is refused (RFC 9112 §6.3)', () => {
  refuses(() => parseRequestHead(h('POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding: gzip')), 'HPE_INVALID_TRANSFER_ENCODING');
  refuses(() => parseRequestHead(h('POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding: chunked, gzip')), 'HPE_INVALID_TRANSFER_ENCODING');
  refuses(() => parseRequestHead(h('POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding: chunked', 'Transfer-Encoding: identity')), 'HPE_INVALID_TRANSFER_ENCODING');
  refuses(() => parseRequestHead(h('POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding: chunked, chunked')), 'HPE_INVALID_TRANSFER_ENCODING');
  refuses(() => parseRequestHead(h('POST / HTTP/1.0', 'Transfer-Encoding: chunked')), 'HPE_INVALID_TRANSFER_ENCODING');
  const ok = parseRequestHead(h('POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding: gzip', 'transfer-encoding: CHUNKED'));
  assert.equal(ok.chunked, true);
});

test('a response whose final coding is not chunked is marked te without chunked (read until close)', () => {
  const r = parseResponseHead(h('HTTP/1.1 200 OK', 'Transfer-Encoding: gzip'));
  assert.equal(r.te, true);
  assert.equal(r.chunked, false);
});

test('Host must appear exactly once in an HTTP/1.1 request (RFC 9112 §3.2)', () => {
  refuses(() => parseRequestHead(h('GET / HTTP/1.1')), 'HPE_INVALID_HEADER_TOKEN');
  refuses(() => parseRequestHead(h('GET / HTTP/1.1', 'Host: a', 'host: b')), 'HPE_INVALID_HEADER_TOKEN');
  assert.equal(parseRequestHead(h('GET / HTTP/1.0')).host, undefined);
});

test('request-line errors name the part that is wrong', () => {
  refuses(() => parseRequestHead(h('GET  / HTTP/1.1', 'Host: a')), 'HPE_INVALID_CONSTANT');
  refuses(() => parseRequestHead(h('GET / HTTP/1.1 x', 'Host: a')), 'HPE_INVALID_CONSTANT');
  refuses(() => parseRequestHead(h('G(T / HTTP/1.1', 'Host: a')), 'HPE_INVALID_METHOD');
  refuses(() => parseRequestHead(h('GET /\x7f HTTP/1.1', 'Host: a')), 'HPE_INVALID_URL');
  refuses(() => parseRequestHead(h('GET / HTTP/2.0', 'Host: a')), 'HPE_INVALID_VERSION', 505);
  refuses(() => parseRequestHead(h('GET / http/1.1', 'Host: a')), 'HPE_INVALID_VERSION', 400);
  refuses(() => parseRequestHead(h('CONNECT a:443 HTTP/1.1', 'Host: a:443')), 'HPE_INVALID_METHOD', 501);
});

test('field names must be tokens and values free of controls', () => {
  refuses(() => parseRequestHead(h('GET / HTTP/1.1', 'Host: a', 'X(Y): 1')), 'HPE_INVALID_HEADER_TOKEN');
  refuses(() => parseRequestHead(h('GET / HTTP/1.1', 'Host: a', ': 1')), 'HPE_INVALID_HEADER_TOKEN');
  refuses(() => parseRequestHead(h('GET / HTTP/1.1', 'Host: a', 'no colon')), 'HPE_INVALID_HEADER_TOKEN');
  refuses(() => parseRequestHead(h('GET / HTTP/1.1', 'Host: a', 'X: a\x00b')), 'HPE_INVALID_HEADER_TOKEN');
  refuses(() => parseRequestHead(h('GET / HTTP/1.1', 'Host: a', 'X: a\x7fb')), 'HPE_INVALID_HEADER_TOKEN');
  // obs-text (RFC 9110 §5.5) is allowed in values.
  assert.equal(parseRequestHead(h('GET / HTTP/1.1', 'Host: a', 'X: caf\xe9')).raw[3], 'caf\xe9');
});

test('status lines: three digits, optional reason, HTTP/1.0 or 1.1', () => {
  const r = parseResponseHead(h('HTTP/1.0 404 Not Found', 'Connection: keep-alive'));
  assert.equal(r.status, 404);
  assert.equal(r.reason, 'Not Found');
  assert.equal(r.minor, 0);
  assert.equal(parseResponseHead('HTTP/1.1 204').reason, '');
  assert.equal(parseResponseHead('HTTP/1.1 200 ').reason, '');
  for (const line of ['HTTP/1.1 2000 OK', 'HTTP/1.1 099 X', 'HTTP/1.1  200 OK', 'HTTP/1.1 20 OK', 'HTTP/1.1 200 O\x01K']) {
    refuses(() => parseResponseHead(line), 'HPE_INVALID_STATUS');
  }
  refuses(() => parseResponseHead('HTTP/2 200 OK'), 'HPE_INVALID_VERSION');
  refuses(() => parseResponseHead('ICY 200 OK'), 'HPE_INVALID_VERSION');
});
