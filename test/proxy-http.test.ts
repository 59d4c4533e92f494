import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { once } from 'node:events';
import { gateway, get, upstream, type TestGateway, type Upstream } from './support/servers.js';

describe('proxying HTTP/1.1', () => {
  let api: Upstream;
  let other: Upstream;
  let gw: TestGateway;

  before(async () => {
    api = await upstream((req, res, body) => {
      res.writeHead(200, { 'content-type': 'text/plain', connection: 'x-secret', 'x-secret': 'hop', 'keep-alive': 'timeout=5' });
      res.end(`api ${req.method} ${req.url} ${body}`);
    });
    other = await upstream((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`other ${req.url}`);
    });
    gw = await gateway(`
listen: 127.0.0.1:0
services:
  - name: api
    match: { hosts: [api.example.com], pathPrefix: /v1 }
    pools: [{ name: p, hostHeader: internal.example.net, endpoints: [${api.url}] }]
  - name: other
    match: { hosts: [api.example.com] }
    pools: [{ name: q, endpoints: [${other.url}] }]
`);
  });
  after(async () => {
    await gw.stop();
    await api.close();
    await other.close();
  });

  it('routes by host and the longest path prefix', async () => {
    const a = await get(`${gw.url}/v1/orders`, { headers: { host: 'API.example.com:8080' } });
    assert.equal(a.text, 'api GET /v1/orders ');
    const b = await get(`${gw.url}/v2/orders`, { headers: { host: 'api.example.com' } });
    assert.equal(b.text, 'other /v2/orders');
  });

  it('answers 404 with a JSON body and x-detour-error when no service matches', async () => {
    const r = await get(`${gw.url}/v1/x`, { headers: { host: 'unknown.example.com' } });
    assert.equal(r.status, 404);
    assert.equal(r.headers['x-detour-error'], 'DETOUR_NO_ROUTE');
    assert.equal(JSON.parse(r.text).error.code, 'DETOUR_NO_ROUTE');
    assert.match(JSON.parse(r.text).error.message, /unknown\.example\.com/);
  });

  it('removes hop-by-hop headers both ways and sets X-Forwarded-* and Via (RFC 9110 §7.6)', async () => {
    const status = await new Promise<{ headers: Record<string, unknown> }>((resolve, reject) => {
      const req = request(`${gw.url}/v1/h`, {
        headers: { host: 'api.example.com', connection: 'keep-alive, x-drop-me', 'x-drop-me': '1', te: 'trailers',
          'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'spoofed', via: '1.0 edge', 'x-keep': 'yes' },
      }, (res) => {
        res.resume();
        res.on('end', () => resolve({ headers: res.headers }));
      });
      req.on('error', reject);
      req.end();
    });
    const seen = api.hits.at(-1)!.headers;
    assert.equal(seen['x-drop-me'], undefined);
    assert.equal(seen.te, undefined);
    assert.equal(seen['x-keep'], 'yes');
    assert.equal(seen.host, 'internal.example.net', 'pool hostHeader rewrites Host');
    assert.equal(seen['x-forwarded-for'], '203.0.113.9, 127.0.0.1');
    assert.equal(seen['x-forwarded-proto'], 'http');
    assert.equal(seen['x-forwarded-host'], 'api.example.com');
    assert.equal(seen.via, '1.0 edge, 1.1 detour');
    assert.equal(status.headers['x-secret'], undefined, 'a field named in Connection is not forwarded');
    assert.equal(status.headers['keep-alive'] === 'timeout=5', false);
    assert.equal(status.headers.via, '1.1 detour');
  });

  it('reuses keep-alive connections to the upstream', async () => {
    const before = api.sockets;
    for (let i = 0; i < 20; i++) await get(`${gw.url}/v1/k${i}`, { headers: { host: 'api.example.com' } });
    assert.ok(api.sockets - before <= 2, `opened ${api.sockets - before} upstream connections for 20 sequential requests`);
  });
});

describe('streaming and upgrades', () => {
  let gw: TestGateway;
  let up: Upstream;
  let release: () => void = () => {};
  const firstChunkSeen: Array<() => void> = [];

  before(async () => {
    up = await upstream();
    // Streaming endpoints are handled before the recording handler reads the body.
    up.server.removeAllListeners('request');
    up.server.on('request', (req, res) => {
      if (req.url === '/upload') {
        let n = 0;
        req.once('data', () => firstChunkSeen.shift()?.());
        req.on('data', (c: Buffer) => (n += c.length));
        req.on('end', () => res.end(String(n)));
      } else if (req.url === '/download') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.write(Buffer.alloc(1024, 1));
        release = () => res.end(Buffer.alloc(1024, 2));
      } else res.end('ok');
    });
    up.server.on('upgrade', (req, socket) => {
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nx-up: ' + (req.headers['x-forwarded-for'] ?? '') + '\r\n\r\n');
      socket.on('data', (d: Buffer) => socket.write(Buffer.concat([Buffer.from('echo:'), d])));
      socket.on('end', () => socket.end());
    });
    gw = await gateway(`
listen: 127.0.0.1:0
maxReplayBytes: 1024
services:
  - name: s
    pools: [{ name: p, endpoints: [${up.url}] }]
`);
  });
  after(async () => {
    await gw.stop();
    await up.close();
  });

  it('streams a request body to the upstream before the client has finished sending it', async () => {
    const reached = new Promise<void>((r) => firstChunkSeen.push(r));
    const req = request(`${gw.url}/upload`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } });
    const resP = once(req, 'response');
    req.write(Buffer.alloc(64 * 1024, 7));
    await reached; // the upstream got bytes while the client still holds the rest back
    for (let i = 0; i < 15; i++) req.write(Buffer.alloc(64 * 1024, 7));
    req.end();
    const [res] = (await resP) as [import('node:http').IncomingMessage];
    let text = '';
    for await (const c of res) text += String(c);
    assert.equal(text, String(16 * 64 * 1024));
  });

  it('streams a response body to the client before the upstream has finished it', async () => {
    const req = request(`${gw.url}/download`);
    req.end();
    const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
    const [first] = (await once(res, 'data')) as [Buffer];
    assert.equal(first[0], 1, 'first chunk arrived while the upstream still holds the second');
    release();
    let total = first.length;
    for await (const c of res) total += (c as Buffer).length;
    assert.equal(total, 2048);
  });

  it('proxies a WebSocket upgrade and pipes bytes both ways', async () => {
    const sock = connect(gw.port, '127.0.0.1');
    await once(sock, 'connect');
    sock.write('GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
    let buf = '';
    while (!buf.includes('\r\n\r\n')) buf += String((await once(sock, 'data'))[0]);
    assert.match(buf, /^HTTP\/1\.1 101/);
    assert.match(buf, /x-up: 127\.0\.0\.1/i);
    sock.write('hello');
    const [echo] = await once(sock, 'data');
    assert.equal(String(echo), 'echo:hello');
    sock.destroy();
  });
});
