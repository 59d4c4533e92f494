import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DispatchOptions } from './pool.js';
import { requestHead, type BodyPlan } from './request-writer.js';
import { UpstreamRequest } from './upstream-request.js';

const noop = () => {};
const handler = { onConnect: noop, onHeaders: () => true, onData: () => true, onComplete: noop, onError: noop };

function head(opts: DispatchOptions): { text: string; plan: BodyPlan } {
  const plan: BodyPlan = { chunked: false, length: undefined };
  const req = new UpstreamRequest({ unqueue: noop, settled: noop }, opts, handler);
  return { text: requestHead(req, 'origin.example:8443', plan), plan };
}

async function* empty(): AsyncIterable<Buffer> {}

test('Host from the origin goes first when the caller sent none; a given Host is kept as is', () => {
  assert.equal(head({ method: 'GET', path: '/', headers: ['a', 'b'] }).text, 'GET / HTTP/1.1\r\nhost: origin.example:8443\r\na: b\r\n\r\n');
  assert.equal(head({ method: 'GET', path: '/', headers: ['a', 'b', 'HOST', 'h'] }).text, 'GET / HTTP/1.1\r\na: b\r\nHOST: h\r\n\r\n');
});

test('a body without Content-Length is sent chunked; with one, as is', () => {
  const chunked = head({ method: 'PUT', path: '/', headers: ['host', 'h'], body: empty() });
  assert.equal(chunked.text, 'PUT / HTTP/1.1\r\nhost: h\r\ntransfer-encoding: chunked\r\n\r\n');
  assert.deepEqual(chunked.plan, { chunked: true, length: undefined });
  const sized = head({ method: 'PUT', path: '/', headers: ['host', 'h', 'Content-Length', '12'], body: empty() });
  assert.equal(sized.text, 'PUT / HTTP/1.1\r\nhost: h\r\nContent-Length: 12\r\n\r\n');
  assert.deepEqual(sized.plan, { chunked: false, length: 12 });
  // A caller that already declared chunked does not get the field twice.
  const given = head({ method: 'PUT', path: '/', headers: ['host', 'h', 'Transfer-Encoding', 'chunked'], body: empty() });
  assert.equal(given.text, 'PUT / HTTP/1.1\r\nhost: h\r\nTransfer-Encoding: chunked\r\n\r\n');
  assert.equal(given.plan.chunked, true);
});

test('POST, PUT and PATCH without a body say content-length: 0; GET does not', () => {
  for (const method of ['POST', 'PUT', 'PATCH']) assert.match(head({ method, path: '/', headers: ['host', 'h'] }).text, /content-length: 0\r\n\r\n$/);
  assert.doesNotMatch(head({ method: 'GET', path: '/', headers: ['host', 'h'] }).text, /content-length/);
});

test('an upgrade adds Connection: upgrade and Upgrade (RFC 9110 §7.8)', () => {
  assert.equal(head({ method: 'GET', path: '/ws', headers: ['host', 'h'], upgrade: 'websocket' }).text, 'GET /ws HTTP/1.1\r\nhost: h\r\nconnection: upgrade\r\nupgrade: websocket\r\n\r\n');
});
