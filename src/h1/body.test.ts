import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BodyDecoder, CRLF, LAST_CHUNK, chunkHeader, requestFraming, responseFraming, type Framing } from './body.js';
import { H1ParseError } from './errors.js';
import { parseRequestHead, parseResponseHead } from './head.js';

const res = (...fields: string[]) => parseResponseHead(['HTTP/1.1 200 OK', ...fields].join('\r\n'));
const req = (...fields: string[]) => parseRequestHead(['POST / HTTP/1.1', 'Host: a', ...fields].join('\r\n'));

/** Feeds `parts` in order; returns the decoded body, whether it ended, and where the last part stopped. */
function decode(framing: Framing, parts: Buffer[]): { body: string; done: boolean; rest: number; chunks: Buffer[] } {
  const d = new BodyDecoder(framing);
  const chunks: Buffer[] = [];
  let rest = 0;
  for (const p of parts) rest = d.feed(p, 0, (c) => chunks.push(c));
  return { body: Buffer.concat(chunks).toString('latin1'), done: d.done, rest, chunks };
}

function refuses(fn: () => unknown, code: string): void {
  assert.throws(fn, (err: unknown) => err instanceof H1ParseError && err.code === code);
}

test('request framing: chunked, a positive length, or no body (RFC 9112 §6.3)', () => {
  assert.deepEqual(requestFraming(req('Transfer-Encoding: chunked')), { kind: 'chunked' });
  assert.deepEqual(requestFraming(req('Content-Length: 12')), { kind: 'length', length: 12 });
  assert.deepEqual(requestFraming(req('Content-Length: 0')), { kind: 'none' });
  assert.deepEqual(requestFraming(req()), { kind: 'none' });
});

test('response framing: HEAD, 1xx, 204 and 304 have no body; TE beats CL; otherwise read until close', () => {
  const cl = res('Content-Length: 5');
  assert.deepEqual(responseFraming(cl, 200, 'HEAD'), { kind: 'none' });
  for (const status of [100, 103, 204, 304]) assert.deepEqual(responseFraming(cl, status, 'GET'), { kind: 'none' });
  assert.deepEqual(responseFraming(cl, 200, 'GET'), { kind: 'length', length: 5 });
  assert.deepEqual(responseFraming(res('Content-Length: 0'), 200, 'GET'), { kind: 'none' });
  // Smuggling (RFC 9112 §6.3 ¶3): with both, Transfer-Encoding decides.
  assert.deepEqual(responseFraming(res('Content-Length: 5', 'Transfer-Encoding: chunked'), 200, 'GET'), { kind: 'chunked' });
  // Final coding not chunked (RFC 9112 §6.3 ¶4): the body runs until the connection closes.
  assert.deepEqual(responseFraming(res('Transfer-Encoding: gzip', 'Content-Length: 5'), 200, 'GET'), { kind: 'close' });
  assert.deepEqual(responseFraming(res(), 200, 'GET'), { kind: 'close' });
});

test('a Content-Length body is cut at its length; what follows is left for the next message', () => {
  const wire = Buffer.from('helloGET /next');
  const r = decode({ kind: 'length', length: 5 }, [wire]);
  assert.equal(r.body, 'hello');
  assert.equal(r.done, true);
  assert.equal(r.rest, 5);
});

test('body bytes are subarrays of the input, not copies', () => {
  const wire = Buffer.from('5\r\nhello\r\n0\r\n\r\n');
  const r = decode({ kind: 'chunked' }, [wire]);
  assert.equal(r.chunks.length, 1);
  assert.equal(r.chunks[0]!.buffer, wire.buffer);
  const whole = Buffer.from('abc');
  assert.equal(decode({ kind: 'length', length: 3 }, [whole]).chunks[0], whole);
});

const CHUNKED = '5;name=value\r\nhello\r\n6 ; a="b;c" ;d\r\n world\r\na\r\n0123456789\r\n0\r\nExpires: never\r\nX-Sum: 1\r\n\r\n';
const DECODED = 'hello world0123456789';

test('chunked: extensions are ignored and trailers consumed (RFC 9112 §7.1.1, §7.1.2)', () => {
  const r = decode({ kind: 'chunked' }, [Buffer.from(`${CHUNKED}NEXT`)]);
  assert.equal(r.body, DECODED);
  assert.equal(r.done, true);
  assert.equal(r.rest, CHUNKED.length);
});

test('chunked: split into two reads at every byte boundary, the result is the same', () => {
  const wire = Buffer.from(CHUNKED);
  for (let i = 1; i < wire.length; i++) {
    const r = decode({ kind: 'chunked' }, [wire.subarray(0, i), wire.subarray(i)]);
    assert.equal(r.body, DECODED, `split at ${i}`);
    assert.equal(r.done, true, `split at ${i}`);
  }
});

test('chunked: one byte per read decodes the same', () => {
  const wire = Buffer.from(CHUNKED);
  const r = decode({ kind: 'chunked' }, [...wire].map((b) => Buffer.from([b])));
  assert.equal(r.body, DECODED);
  assert.equal(r.done, true);
});

test('chunked: malformed framing is refused', () => {
  for (const wire of [
    'x\r\n', // not hex
    '-1\r\n',
    '0x5\r\nhello\r\n',
    ' 5\r\nhello\r\n', // leading whitespace
    '1234567890abcdef0\r\n', // more than 15 hex digits
    '5\nhello\r\n', // bare LF after the size (RFC 9112 §7.1)
    '5\r\nhelloX\r\n', // data longer than its size
    '5\r\nhello\n0\r\n\r\n', // bare LF after the data
    '5;a\rb\r\nhello\r\n', // bare CR in an extension
    '\r\n',
  ]) {
    refuses(() => decode({ kind: 'chunked' }, [Buffer.from(wire)]), 'HPE_INVALID_CHUNK_SIZE');
  }
  refuses(() => decode({ kind: 'chunked' }, [Buffer.from('0\r\nX: 1\n\r\n')]), 'HPE_INVALID_CHUNK_SIZE');
});

test('chunked: an oversize chunk-size line or trailer section is refused', () => {
  refuses(() => decode({ kind: 'chunked' }, [Buffer.from(`5;${'e'.repeat(5000)}`)]), 'HPE_INVALID_CHUNK_SIZE');
  // Split across reads: the limit holds for the line as a whole.
  const parts = Array.from({ length: 10 }, () => Buffer.from(';'.padEnd(500, 'e')));
  refuses(() => decode({ kind: 'chunked' }, [Buffer.from('5'), ...parts]), 'HPE_INVALID_CHUNK_SIZE');
  const trailers = Array.from({ length: 400 }, (_, i) => `X-T${i}: ${'v'.repeat(40)}\r\n`).join('');
  refuses(() => decode({ kind: 'chunked' }, [Buffer.from(`0\r\n${trailers}\r\n`)]), 'HPE_INVALID_CHUNK_SIZE');
});

test('eof: ends a close-delimited body, but is truncation for any other framing', () => {
  const close = new BodyDecoder({ kind: 'close' });
  close.feed(Buffer.from('all of it'), 0, () => {});
  close.eof();
  assert.equal(close.done, true);
  assert.equal(close.received, 9);
  const short = new BodyDecoder({ kind: 'length', length: 10 });
  short.feed(Buffer.from('12345'), 0, () => {});
  refuses(() => short.eof(), 'HPE_INVALID_EOF_STATE');
  const chunked = new BodyDecoder({ kind: 'chunked' });
  chunked.feed(Buffer.from('5\r\nhello\r\n'), 0, () => {});
  refuses(() => chunked.eof(), 'HPE_INVALID_EOF_STATE');
  const none = new BodyDecoder({ kind: 'none' });
  none.eof();
  assert.equal(none.done, true);
});

test('encoding helpers: chunk size line in hex, CRLF, last chunk', () => {
  assert.equal(chunkHeader(255), 'ff\r\n');
  assert.equal(chunkHeader(1), '1\r\n');
  assert.equal(CRLF.toString(), '\r\n');
  assert.equal(LAST_CHUNK.toString(), '0\r\n\r\n');
  // What the encoder produces, the decoder reads back.
  const wire = Buffer.concat([Buffer.from(chunkHeader(3)), Buffer.from('abc'), CRLF, LAST_CHUNK]);
  assert.equal(decode({ kind: 'chunked' }, [wire]).body, 'abc');
});
