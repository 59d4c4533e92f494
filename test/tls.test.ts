import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { makePki, type TestPki } from './support/certs.js';
import { freePort, killAll, spawnCli } from './support/cli.js';
import { gateway, get, upstream, type Reply, type TestGateway, type Upstream } from './support/servers.js';
import type { DetourEvent } from '../src/model/index.js';

const cleanups: Array<() => Promise<void>> = [];
let pki: TestPki;

before(async () => {
  pki = await makePki();
  cleanups.push(() => pki.remove());
});
after(async () => {
  await killAll();
  for (const c of cleanups.reverse()) await c();
});

async function up(...args: Parameters<typeof upstream>): Promise<Upstream> {
  const u = await upstream(...args);
  cleanups.push(() => u.close());
  return u;
}
async function gw(yaml: string): Promise<TestGateway> {
  const g = await gateway(yaml);
  cleanups.push(() => g.stop());
  return g;
}

interface HttpsUpstream {
  url: string;
  hits: Array<{ servername: string | false | null; host: string | undefined }>;
  tlsErrors: Error[];
}

/** An https server presenting the backup.example.net certificate; records SNI and Host of each request. */
async function httpsUpstream(): Promise<HttpsUpstream> {
  const u: HttpsUpstream = { url: '', hits: [], tlsErrors: [] };
  const server = createServer({ cert: await readFile(pki.backup.cert), key: await readFile(pki.backup.key) }, (req, res) => {
    u.hits.push({ servername: (req.socket as TLSSocket).servername, host: req.headers.host });
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('secure backup');
  });
  server.on('tlsClientError', (err) => u.tlsErrors.push(err));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  u.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(() => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }));
  return u;
}

/** GET over TLS trusting only the test CA (no connection reuse). */
function httpsGet(url: string, ca: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('TLS to upstreams and to clients', () => {
  it('connects to an https endpoint with SNI from the pool hostHeader and verifies it against the pool CA', async () => {
    const secure = await httpsUpstream();
    const g = await gw(`
listen: 127.0.0.1:0
services:
  - name: api
    pools:
      - name: backup
        hostHeader: backup.example.net
        tls: { ca: ${JSON.stringify(pki.ca)} }
        endpoints: [${secure.url}]`);
    const r = await get(`${g.url}/v1/things`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.text, 'secure backup');
    assert.equal(secure.hits.length, 1);
    assert.equal(secure.hits[0]!.servername, 'backup.example.net', 'SNI taken from the pool hostHeader');
    assert.equal(secure.hits[0]!.host, 'backup.example.net', 'Host rewritten to the pool hostHeader');
    assert.deepEqual(secure.tlsErrors, []);
  });

  it('refuses an https endpoint whose certificate does not verify, and fails over', async () => {
    const secure = await httpsUpstream();
    const plain = await up();
    const g = await gw(`
listen: 127.0.0.1:0
services:
  - name: api
    pools:
      - { name: untrusted, hostHeader: backup.example.net, endpoints: [${secure.url}] }
      - { name: plain, endpoints: [${plain.url}] }
    health: { passive: { consecutiveFailures: 2 } }`);
    for (let i = 0; i < 4; i++) {
      const r = await get(`${g.url}/r${i}`);
      assert.equal(r.status, 200, `request ${i}: ${r.text}`);
      assert.match(r.text, new RegExp(`^up GET /r${i}$`));
    }
    assert.equal(plain.hits.length, 4, 'every request answered by the second pool');
    assert.equal(secure.hits.length, 0, 'no request was sent over the unverified connection');
    const isEjection = (e: DetourEvent): e is Extract<DetourEvent, { type: 'outlier.ejection' }> =>
      e.type === 'outlier.ejection' && e.pool === 'untrusted';
    const ej = await g.waitFor(isEjection);
    assert.equal(ej.endpoint, secure.url);
    assert.equal(ej.evidence?.errorCode, 'DETOUR_UPSTREAM_CONNECT');
    assert.match(ej.evidence?.message ?? '', /UNABLE_TO_VERIFY_LEAF_SIGNATURE/, 'refused because the issuer is not trusted (the name matches)');
    const ejected = g.events.find((e) => e.type === 'endpoint.health' && e.pool === 'untrusted' && e.to === 'ejected');
    assert.ok(ejected, 'the untrusted endpoint is marked ejected');
  });

  it('serves clients over TLS on a listener with cert and key', async () => {
    const backend = await up();
    const g = await gw(`
listen:
  - address: 127.0.0.1:0
    tls: { cert: ${JSON.stringify(pki.local.cert)}, key: ${JSON.stringify(pki.local.key)} }
services:
  - name: api
    pools: [{ name: only, endpoints: [${backend.url}] }]`);
    const ca = await readFile(pki.ca);
    const r = await httpsGet(`https://127.0.0.1:${g.port}/over-tls`, ca);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.text, 'up GET /over-tls');
    assert.equal(backend.hits.length, 1);
    assert.equal(backend.hits[0]!.headers['x-forwarded-proto'], 'https');
    // Plain HTTP on the TLS port is not served.
    await assert.rejects(get(`http://127.0.0.1:${g.port}/plain`, { agent: false }));
  });

  it('announces a TLS listener with an https:// URL when started from the CLI', async () => {
    const backend = await up();
    const port = await freePort();
    const file = join(pki.dir, 'cli-tls.yaml');
    await writeFile(file, `
listen:
  - { address: "127.0.0.1:${port}", tls: { cert: ${JSON.stringify(pki.local.cert)}, key: ${JSON.stringify(pki.local.key)} } }
services:
  - name: api
    pools: [{ endpoints: [${backend.url}] }]
`);
    const cli = spawnCli(['start', '--config', file]);
    const serving = await cli.waitForLine(/detour: serving/);
    const r = await httpsGet(`https://127.0.0.1:${port}/`, await readFile(pki.ca));
    assert.equal(r.status, 200, 'the listener does serve TLS');
    cli.child.kill('SIGTERM');
    assert.deepEqual(await cli.exited, { code: 0, signal: null });
    assert.match(serving, new RegExp(`https://127\\.0\\.0\\.1:${port}/`));
  });
});
