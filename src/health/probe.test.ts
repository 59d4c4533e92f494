import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { ActiveHealthConfig } from '../config/types.js';
import { probeHttp, probeTcp } from './probe.js';

const CLOUD_ERROR = JSON.stringify({ Response: { Error: { Code: 'InternalError', Message: 'retry later' }, RequestId: 'r-1' } });

function cfg(over: Partial<ActiveHealthConfig> = {}): ActiveHealthConfig {
  return {
    type: 'http', path: '/ok', method: 'GET', interval: 1000, unhealthyInterval: 1000, timeout: 2000,
    healthyThreshold: 1, unhealthyThreshold: 1, jitter: 0,
    expect: { status: [[200, 399]], bodyContains: undefined, bodyNotContains: undefined }, host: undefined, ...over,
  };
}
const expectBody = (over: Partial<ActiveHealthConfig['expect']>) => ({ status: [[200, 399]] as Array<[number, number]>, bodyContains: undefined, bodyNotContains: undefined, ...over });

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

describe('probeHttp and probeTcp against real servers', () => {
  let connections = 0;
  let lastHost: string | undefined;
  const server = http.createServer((req, res) => {
    lastHost = req.headers.host;
    switch (req.url) {
      case '/ok': return res.end('ok');
      case '/503': res.statusCode = 503; return res.end('unavailable');
      case '/cloud-error': res.setHeader('content-type', 'application/json'); return res.end(CLOUD_ERROR);
      case '/big': res.write(Buffer.alloc(70 * 1024, 'a')); return res.end('InternalError'); // past the 64 KiB cap
      case '/hang': return; // never answers
      case '/slow-body': res.writeHead(200); return res.write('partial'); // headers, then nothing
      default: res.statusCode = 404; return res.end();
    }
  });
  server.on('connection', () => (connections += 1));
  const tcpServer = net.createServer((s) => s.end());
  let base: URL;
  let tcpUrl: URL;
  let closedUrl: URL;

  before(async () => {
    base = new URL(`http://127.0.0.1:${await listen(server)}`);
    tcpUrl = new URL(`http://127.0.0.1:${await listen(tcpServer)}`);
    const closed = net.createServer();
    closedUrl = new URL(`http://127.0.0.1:${await listen(closed)}`);
    await new Promise((r) => closed.close(r)); // the port is now free: connect is refused
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await new Promise((r) => tcpServer.close(r));
  });

  it('passes a 200 inside the expected status range and reports its status', async () => {
    const r = await probeHttp({ url: base }, cfg());
    assert.equal(r.ok, true);
    assert.equal(r.ok && r.status, 200);
  });

  it('fails a 503 outside the range and says which range', async () => {
    const r = await probeHttp({ url: base }, cfg({ path: '/503' }));
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.reason, 'status 503 not in 200-399');
    assert.deepEqual(!r.ok && r.evidence, { message: 'status 503 not in 200-399', status: 503 });
  });

  it('passes the same 503 when the configured ranges include it', async () => {
    const r = await probeHttp({ url: base }, cfg({ path: '/503', expect: expectBody({ status: [[200, 200], [500, 503]] }) }));
    assert.equal(r.ok, true);
  });

  it('fails a 200 whose body contains a cloud InternalError envelope (bodyNotContains)', async () => {
    const r = await probeHttp({ url: base }, cfg({ path: '/cloud-error', expect: expectBody({ bodyNotContains: 'InternalError' }) }));
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.reason, 'body contains "InternalError"');
    assert.equal(!r.ok && r.evidence.status, 200);
  });

  it('fails a body that lacks the bodyContains text and passes one that has it', async () => {
    const lacks = await probeHttp({ url: base }, cfg({ expect: expectBody({ bodyContains: 'READY' }) }));
    assert.equal(!lacks.ok && lacks.reason, 'body does not contain "READY"');
    const has = await probeHttp({ url: base }, cfg({ expect: expectBody({ bodyContains: 'ok' }) }));
    assert.equal(has.ok, true);
  });

  it('inspects only the first 64 KiB of the body', async () => {
    const r = await probeHttp({ url: base }, cfg({ path: '/big', expect: expectBody({ bodyNotContains: 'InternalError' }) }));
    assert.equal(r.ok, true);
  });

  it('times out against a server that never answers', async () => {
    const r = await probeHttp({ url: base }, cfg({ path: '/hang', timeout: 150 }));
    assert.equal(!r.ok && r.reason, 'timeout after 150ms');
    assert.equal(!r.ok && r.evidence.errorCode, 'DETOUR_UPSTREAM_TIMEOUT');
    assert.ok(r.latencyMs >= 140, `latency ${r.latencyMs}`);
  });

  it('counts the body inside the timeout', async () => {
    const r = await probeHttp({ url: base }, cfg({ path: '/slow-body', timeout: 150 }));
    assert.equal(!r.ok && r.reason, 'timeout after 150ms');
  });

  it('fails with connect ECONNREFUSED against a closed port', async () => {
    const r = await probeHttp({ url: closedUrl }, cfg());
    assert.equal(!r.ok && r.reason, 'connect ECONNREFUSED');
    assert.equal(!r.ok && r.evidence.errorCode, 'DETOUR_UPSTREAM_CONNECT');
  });

  it('opens a fresh connection for every probe', async () => {
    const before = connections;
    await probeHttp({ url: base }, cfg());
    await probeHttp({ url: base }, cfg());
    assert.equal(connections - before, 2);
  });

  it('sends cfg.host as Host, else the target host header, else the URL host', async () => {
    await probeHttp({ url: base, host: 'pool.example.com' }, cfg({ host: 'health.example.com' }));
    assert.equal(lastHost, 'health.example.com');
    await probeHttp({ url: base, host: 'pool.example.com' }, cfg());
    assert.equal(lastHost, 'pool.example.com');
    await probeHttp({ url: base }, cfg());
    assert.equal(lastHost, base.host);
  });

  it('resolves at once as aborted when the signal is already aborted', async () => {
    const r = await probeHttp({ url: base }, cfg({ path: '/hang' }), AbortSignal.abort());
    assert.equal(!r.ok && r.reason, 'aborted');
  });

  it('aborts an in-flight probe when its signal fires', async () => {
    const ac = new AbortController();
    const pending = probeHttp({ url: base }, cfg({ path: '/hang', timeout: 5000 }), ac.signal);
    setTimeout(() => ac.abort(), 20);
    const r = await pending;
    assert.equal(!r.ok && r.reason, 'aborted');
  });

  it('TCP probe passes when the connect succeeds and fails with ECONNREFUSED on a closed port', async () => {
    assert.equal((await probeTcp({ url: tcpUrl }, { timeout: 1000 })).ok, true);
    const r = await probeTcp({ url: closedUrl }, { timeout: 1000 });
    assert.equal(!r.ok && r.reason, 'connect ECONNREFUSED');
  });
});
