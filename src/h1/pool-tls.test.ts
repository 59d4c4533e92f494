import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { makePki, type TestPki } from '../../test/support/certs.js';
import { Pool } from './pool.js';
import { exchange, get, onRequests, rawServer, within } from './helpers.test.js';

let pki: TestPki;
let ca: string;
let port: number;
const servernames: Array<string | false | null> = [];
let connections = 0;
let server: ReturnType<typeof createHttpsServer>;

before(async () => {
  pki = await makePki();
  ca = await readFile(pki.ca, 'utf8');
  server = createHttpsServer({ cert: await readFile(pki.backup.cert), key: await readFile(pki.backup.key), keepAliveTimeout: 30_000 }, (req, res) => {
    const socket = req.socket as TLSSocket;
    servernames.push(socket.servername);
    if (req.url === '/resumed') res.setHeader('x-resumed', String(socket.isSessionReused()));
    if (req.url === '/close') res.setHeader('connection', 'close');
    res.end(`tls ${req.url}`);
  });
  server.on('secureConnection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  server.closeAllConnections();
  server.close();
  await pki.remove();
});

const OPTS = { connectTimeout: 5_000, bodyTimeout: 10_000 };

test('https with SNI and a custom CA: verified, SNI sent, connection kept alive', async () => {
  const pool = new Pool(`https://127.0.0.1:${port}`, { ...OPTS, servername: 'backup.example.net', ca });
  const before = connections;
  try {
    for (const path of ['/1', '/2']) {
      const o = await within(exchange(pool, get(path)));
      assert.equal(o.body.toString(), `tls ${path}`);
    }
    assert.deepEqual(servernames.slice(-2), ['backup.example.net', 'backup.example.net']);
    assert.equal(connections - before, 1);
  } finally {
    pool.destroy();
  }
});

test('a new connection resumes the TLS session of the previous one', async () => {
  const pool = new Pool(`https://127.0.0.1:${port}`, { ...OPTS, servername: 'backup.example.net', ca });
  try {
    await within(exchange(pool, get('/close')));
    const o = await within(exchange(pool, get('/resumed')));
    const raw = o.head!.raw;
    assert.equal(raw[raw.indexOf('x-resumed') + 1], 'true');
  } finally {
    pool.destroy();
  }
});

test('a certificate from an untrusted CA fails with the TLS error code', async () => {
  const pool = new Pool(`https://127.0.0.1:${port}`, { ...OPTS, servername: 'backup.example.net' });
  try {
    const o = await within(exchange(pool, get()));
    assert.equal(o.error?.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    assert.deepEqual(o.events, ['connect', 'error']);
  } finally {
    pool.destroy();
  }
});

test('a certificate for another name fails with ERR_TLS_CERT_ALTNAME_INVALID', async () => {
  const pool = new Pool(`https://127.0.0.1:${port}`, { ...OPTS, servername: 'other.example.net', ca });
  try {
    assert.equal((await within(exchange(pool, get()))).error?.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
  } finally {
    pool.destroy();
  }
});

test('rejectUnauthorized: false accepts the untrusted certificate', async () => {
  const pool = new Pool(`https://127.0.0.1:${port}`, { ...OPTS, rejectUnauthorized: false });
  try {
    assert.equal((await within(exchange(pool, get('/insecure')))).body.toString(), 'tls /insecure');
  } finally {
    pool.destroy();
  }
});

test('a refused connection fails with ECONNREFUSED, passed through', async () => {
  const srv = await rawServer(() => {});
  await srv.close();
  const pool = new Pool(srv.url, OPTS);
  try {
    const o = await within(exchange(pool, get()));
    assert.equal(o.error?.code, 'ECONNREFUSED');
    assert.equal(pool.stats.connections, 0);
  } finally {
    pool.destroy();
  }
});

test('a TLS origin that accepts TCP but never answers the handshake fails with UND_ERR_CONNECT_TIMEOUT', async () => {
  const srv = await rawServer(() => {}); // reads the ClientHello, answers nothing
  const pool = new Pool(`https://127.0.0.1:${srv.port}`, { ...OPTS, connectTimeout: 150 });
  try {
    const o = await within(exchange(pool, get()));
    assert.equal(o.error?.code, 'UND_ERR_CONNECT_TIMEOUT');
    assert.equal(srv.connections, 1);
    assert.equal(pool.stats.connections, 0);
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('a body that stops arriving fails with UND_ERR_BODY_TIMEOUT', async () => {
  const srv = await rawServer((s) => onRequests(s, () => s.write('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nhalf.')));
  const pool = new Pool(srv.url, { ...OPTS, bodyTimeout: 150 });
  try {
    const o = await within(exchange(pool, get()));
    assert.deepEqual(o.events, ['connect', 'headers', 'data', 'error']);
    assert.equal(o.error?.code, 'UND_ERR_BODY_TIMEOUT');
    assert.equal(pool.stats.connections, 0);
  } finally {
    pool.destroy();
    await srv.close();
  }
});

test('time paused by backpressure does not count toward the body timeout', async () => {
  let write!: (text: string) => void;
  const srv = await rawServer((s) =>
    onRequests(s, () => {
      s.write('HTTP/1.1 200 OK\r\ncontent-length: 15\r\n\r\nhalf.');
      write = (text) => s.write(text);
    }),
  );
  const pool = new Pool(srv.url, { ...OPTS, bodyTimeout: 100 });
  try {
    // The body timer runs after the first chunk; the handler pauses on the second.
    const p = exchange(pool, get(), { onData: (o) => o.bytes !== 10 });
    while (p.outcome.bytes < 5) await sleep(5);
    write('more.');
    while (p.outcome.bytes < 10) await sleep(5);
    await sleep(400); // 4× the body timeout, paused by the handler
    assert.deepEqual(p.outcome.events, ['connect', 'headers', 'data']);
    write('rest.');
    p.outcome.resume();
    const o = await within(p);
    assert.equal(o.body.toString(), 'half.more.rest.');
  } finally {
    pool.destroy();
    await srv.close();
  }
});
