import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestHead, parseResponseHead } from '../h1/head.js';
import { VIA, downstreamResponseHeaders, isRetrySafe, upstreamRequestHeaders, type ForwardInfo } from './headers.js';

const info: ForwardInfo = { clientIp: '203.0.113.7', proto: 'https', host: 'api.example.com', hostOverride: undefined, upgrade: undefined };

/** The fields as the wire parser hands them over (Connection tokens split out there). */
function lines(raw: readonly string[]): string {
  let out = '';
  for (let i = 0; i < raw.length; i += 2) out += `\r\n${raw[i]}: ${raw[i + 1]}`;
  return out;
}
/** HTTP/1.0 by default, so a test may leave Host out or repeat it; 1.1 where Transfer-Encoding is sent. */
const req = (raw: readonly string[], version = '1.0') => parseRequestHead(`GET / HTTP/${version}${lines(raw)}`);
const res = (raw: readonly string[]) => parseResponseHead(`HTTP/1.1 200 OK${lines(raw)}`);

/** Flat [name, value, …] list to a list of [lower-case name, value] pairs. */
function pairs(flat: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!.toLowerCase(), flat[i + 1]!]);
  return out;
}
function all(flat: readonly string[], name: string): string[] {
  return pairs(flat).filter(([n]) => n === name).map(([, v]) => v);
}
function one(flat: readonly string[], name: string): string | undefined {
  const v = all(flat, name);
  assert.ok(v.length <= 1, `${name} appears ${v.length} times`);
  return v[0];
}

describe('upstreamRequestHeaders', () => {
  it('removes every RFC 9110 §7.6.1 hop-by-hop field', () => {
    const raw = [
      'Connection', 'keep-alive',
      'Proxy-Connection', 'keep-alive',
      'Keep-Alive', 'timeout=5',
      'TE', 'trailers',
      'Transfer-Encoding', 'chunked',
      'Upgrade', 'h2c',
      'Trailer', 'Expires',
      'HTTP2-Settings', 'AAMAAABkAAQAAP__',
      'Accept', 'application/json',
      'Host', 'api.example.com',
    ];
    const out = upstreamRequestHeaders(req(raw, '1.1'), info);
    for (const name of ['connection', 'proxy-connection', 'keep-alive', 'te', 'transfer-encoding', 'upgrade', 'trailer', 'http2-settings']) {
      assert.deepEqual(all(out, name), [], `${name} was forwarded`);
    }
    assert.equal(one(out, 'accept'), 'application/json');
  });

  it('removes the fields named in Connection, case-insensitively and across several Connection headers', () => {
    const raw = [
      'Connection', 'close, X-Trace-Hop ,  x-Secret-Hop',
      'connection', 'X-Other',
      'X-Trace-Hop', '1',
      'x-secret-hop', '2',
      'X-OTHER', '3',
      'X-Kept', '4',
    ];
    const out = upstreamRequestHeaders(req(raw), info);
    assert.deepEqual(all(out, 'x-trace-hop'), []);
    assert.deepEqual(all(out, 'x-secret-hop'), []);
    assert.deepEqual(all(out, 'x-other'), []);
    assert.deepEqual(all(out, 'connection'), []);
    assert.equal(one(out, 'x-kept'), '4');
  });

  it('keeps end-to-end fields with their original name case and order', () => {
    const raw = ['Accept', '*/*', 'Authorization', 'Bearer t', 'X-Custom', 'a', 'x-custom', 'b'];
    const out = upstreamRequestHeaders(req(raw), info);
    assert.deepEqual(out.slice(0, 8), raw);
  });

  it('appends the client address to X-Forwarded-For, joining repeated headers', () => {
    const raw = ['X-Forwarded-For', '198.51.100.1', 'x-forwarded-for', '198.51.100.2, 10.0.0.1'];
    const out = upstreamRequestHeaders(req(raw), info);
    assert.equal(one(out, 'x-forwarded-for'), '198.51.100.1, 198.51.100.2, 10.0.0.1, 203.0.113.7');
  });

  it('sets X-Forwarded-For to the client address when the client sent none', () => {
    assert.equal(one(upstreamRequestHeaders(req(['Accept', '*/*']), info), 'x-forwarded-for'), '203.0.113.7');
  });

  it('overwrites X-Forwarded-Proto and X-Forwarded-Host so a client cannot spoof them', () => {
    const raw = ['X-Forwarded-Proto', 'https', 'X-Forwarded-Host', 'evil.example', 'Host', 'api.example.com'];
    const out = upstreamRequestHeaders(req(raw), { ...info, proto: 'http' });
    assert.equal(one(out, 'x-forwarded-proto'), 'http');
    assert.equal(one(out, 'x-forwarded-host'), 'api.example.com');
  });

  it('appends Detour to Via, joining repeated Via headers', () => {
    const raw = ['Via', '1.0 fred', 'via', '1.1 p.example.net'];
    assert.equal(one(upstreamRequestHeaders(req(raw), info), 'via'), `1.0 fred, 1.1 p.example.net, ${VIA}`);
    assert.equal(one(upstreamRequestHeaders(req([]), info), 'via'), VIA);
    assert.equal(VIA, '1.1 detour');
  });

  it('sends exactly one Host: the client host, or the pool override when set', () => {
    const raw = ['Host', 'api.example.com', 'host', 'dup.example.com'];
    assert.equal(one(upstreamRequestHeaders(req(raw), info), 'host'), 'api.example.com');
    const out = upstreamRequestHeaders(req(raw), { ...info, hostOverride: 'origin.internal' });
    assert.equal(one(out, 'host'), 'origin.internal');
    // X-Forwarded-Host keeps what the client asked for.
    assert.equal(one(out, 'x-forwarded-host'), 'api.example.com');
  });

  it('re-adds Connection: upgrade and Upgrade for a WebSocket handshake', () => {
    const raw = ['Connection', 'Upgrade', 'Upgrade', 'websocket', 'Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='];
    const out = upstreamRequestHeaders(req(raw), { ...info, upgrade: 'websocket' });
    assert.equal(one(out, 'connection'), 'upgrade');
    assert.equal(one(out, 'upgrade'), 'websocket');
    assert.equal(one(out, 'sec-websocket-key'), 'dGhlIHNhbXBsZSBub25jZQ==');
  });

  it('does not modify the input list', () => {
    const head = req(['Connection', 'x-a', 'x-a', '1', 'Host', 'h']);
    const copy = [...head.raw];
    upstreamRequestHeaders(head, info);
    assert.deepEqual(head.raw, copy);
  });
});

describe('downstreamResponseHeaders', () => {
  it('keeps end-to-end fields, returns the content-type and adds Via', () => {
    const raw = ['Content-Type', 'application/json', 'Content-Length', '2', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'];
    const { headers, contentType } = downstreamResponseHeaders(res(raw));
    assert.equal(contentType, 'application/json');
    assert.deepEqual(headers, ['Content-Type', 'application/json', 'Content-Length', '2', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'via', VIA]);
  });

  it('returns undefined content-type when the response has none', () => {
    assert.equal(downstreamResponseHeaders(res(['X-A', '1'])).contentType, undefined);
  });

  it('drops hop-by-hop fields and fields named in Connection', () => {
    const raw = ['Connection', 'keep-alive, X-Hop', 'Keep-Alive', 'timeout=5', 'Transfer-Encoding', 'chunked', 'X-Hop', '1', 'Upgrade', 'h2c', 'X-End', '2'];
    const { headers } = downstreamResponseHeaders(res(raw));
    assert.deepEqual(pairs(headers), [['x-end', '2'], ['via', VIA]]);
  });

  it('appends Detour to the upstream Via', () => {
    const { headers } = downstreamResponseHeaders(res(['Via', '1.1 cdn', 'via', '1.1 lb']));
    assert.deepEqual(headers, ['via', `1.1 cdn, 1.1 lb, ${VIA}`]);
  });

  it('keeps Connection and Upgrade for a 101 Switching Protocols answer when asked', () => {
    const raw = ['Connection', 'Upgrade', 'Upgrade', 'websocket', 'Sec-WebSocket-Accept', 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='];
    const { headers } = downstreamResponseHeaders(res(raw), true);
    assert.deepEqual(pairs(headers), [['connection', 'Upgrade'], ['upgrade', 'websocket'], ['sec-websocket-accept', 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='], ['via', VIA]]);
  });

  it('drops Content-Length when Transfer-Encoding framed the response (RFC 9112 §6.3)', () => {
    const { headers } = downstreamResponseHeaders(res(['Content-Length', '10', 'Transfer-Encoding', 'chunked', 'X-A', '1']));
    assert.deepEqual(pairs(headers), [['x-a', '1'], ['via', VIA]]);
  });
});

describe('isRetrySafe', () => {
  const idempotent = ['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE'];

  it('is true for the configured idempotent methods', () => {
    for (const m of idempotent) assert.equal(isRetrySafe(m, [], idempotent), true, m);
  });

  it('is false for POST and PATCH without an Idempotency-Key', () => {
    assert.equal(isRetrySafe('POST', ['Content-Type', 'application/json'], idempotent), false);
    assert.equal(isRetrySafe('PATCH', [], idempotent), false);
  });

  it('is true for any method carrying an Idempotency-Key header, in any case', () => {
    assert.equal(isRetrySafe('POST', ['Idempotency-Key', '8e03978e-40d5-43e8-bc93-6894a57f9324'], idempotent), true);
    assert.equal(isRetrySafe('PATCH', ['IDEMPOTENCY-KEY', 'k'], idempotent), true);
  });

  it('does not mistake a header value or a similar name for an Idempotency-Key', () => {
    assert.equal(isRetrySafe('POST', ['X-Note', 'Idempotency-Key'], idempotent), false);
    assert.equal(isRetrySafe('POST', ['Idempotency-Keys', 'k'], idempotent), false);
  });

  it('follows the configured list, not a built-in one', () => {
    assert.equal(isRetrySafe('PUT', [], ['GET']), false);
    assert.equal(isRetrySafe('POST', [], ['POST']), true);
  });
});
