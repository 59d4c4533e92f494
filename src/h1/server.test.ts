import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import type { Exchange } from './exchange.js';
import { sendRaw, until } from './helpers.test.js';
import { H1Server } from './server.js';

/** A server whose handler is set per test; answers with what the request looked like by default. */
async function start(handler: (ex: Exchange) => void, opts: Partial<{ keepAliveTimeout: number; headersTimeout: number }> = {}) {
  const upgrades: Array<{ ex: Exchange; socket: Socket; rest: Buffer }> = [];
  const server = new H1Server({ keepAliveTimeout: opts.keepAliveTimeout ?? 5_000, headersTimeout: opts.headersTimeout ?? 5_000, maxHeadBytes: 4096 }, {
    request: handler,
    upgrade: (ex, socket, rest) => upgrades.push({ ex, socket, rest }),
  });
  const addr = await server.listen(0, '127.0.0.1');
  servers.push(server);
  return { server, port: addr.port, upgrades };
}
const servers: H1Server[] = [];
after(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await s.close();
  }
});

const echo = (ex: Exchange) => {
  void (async () => {
    let body = '';
    if (ex.body) for await (const c of ex.body) body += c.toString('latin1');
    const text = `${ex.method} ${ex.head.target} host=${ex.head.host} body=${body}`;
    ex.writeHead(200, 'OK', ['content-length', String(text.length), 'content-type', 'text/plain']);
    ex.end(text);
  })();
};
const count = (text: string, s: string) => text.split(s).length - 1;

describe('H1Server', () => {
  it('answers several requests on one keep-alive connection, in order, including pipelined ones', async () => {
    const { port } = await start(echo);
    const req = (p: string) => `GET ${p} HTTP/1.1\r\nHost: a\r\n\r\n`;
    const text = await sendRaw(port, [req('/1'), req('/2') + req('/3')], (t) => count(t, 'HTTP/1.1 200') === 3 && t.endsWith('body='));
    assert.deepEqual([...text.matchAll(/GET (\/\d)/g)].map((m) => m[1]), ['/1', '/2', '/3']);
    assert.match(text, /\r\ndate: .+ GMT\r\n/);
  });

  it('delivers content-length and chunked request bodies, split across packets', async () => {
    const { port } = await start(echo);
    const text = await sendRaw(port, [
      'POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhel', 'lo',
      'POST /b HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nwor\r', '\n2;ext=1\r\nld\r\n0\r\nX-Trailer: 1\r\n\r\n',
    ], (t) => count(t, 'HTTP/1.1 200') === 2 && t.endsWith('body=world'));
    assert.match(text, /POST \/a host=a body=hello/);
    assert.match(text, /POST \/b host=a body=world/);
  });

  it('sends 100 Continue when the handler reads a body the client is holding back', async () => {
    const { port } = await start(echo);
    const text = await sendRaw(port, 'PUT /c HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n',
      (t) => t.endsWith('body=abc'),
      (t, sock) => { if (t === 'HTTP/1.1 100 Continue\r\n\r\n') sock.write('abc'); });
    assert.match(text, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
  });

  it('frames a response without Content-Length as chunked for HTTP/1.1 and by close for HTTP/1.0', async () => {
    const { port } = await start((ex) => {
      ex.writeHead(200, undefined, ['x-a', '1']);
      ex.write(Buffer.from('ab'));
      ex.end('c');
    });
    const v11 = await sendRaw(port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', (t) => t.endsWith('0\r\n\r\n'));
    assert.match(v11, /transfer-encoding: chunked\r\n/);
    assert.ok(v11.endsWith('\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n'), v11);
    const v10 = await sendRaw(port, 'GET / HTTP/1.0\r\n\r\n');
    assert.match(v10, /connection: close\r\n/);
    assert.ok(v10.endsWith('\r\n\r\nabc'), v10);
  });

  it('sends no body for HEAD and keeps the Content-Length it was given', async () => {
    const { port } = await start((ex) => {
      ex.writeHead(200, undefined, ['content-length', '3']);
      ex.end('abc');
    });
    const text = await sendRaw(port, 'HEAD / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    assert.ok(text.endsWith('content-length: 3\r\ndate: ' + text.split('date: ')[1]!.split('\r\n')[0] + '\r\nconnection: close\r\n\r\n'), text);
  });

  for (const [name, bytes, status] of [
    ['a space before the colon', 'GET / HTTP/1.1\r\nHost : a\r\n\r\n', 400],
    ['a missing Host', 'GET / HTTP/1.1\r\n\r\n', 400],
    ['Content-Length with Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n', 400],
    ['an obs-folded header', 'GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n 2\r\n\r\n', 400],
    ['an unknown HTTP version', 'GET / HTTP/2.0\r\nHost: a\r\n\r\n', 505],
    ['a head over the size limit', `GET / HTTP/1.1\r\nHost: a\r\nX-A: ${'a'.repeat(5000)}\r\n\r\n`, 431],
  ] as const) {
    it(`refuses a request with ${name} (${status}) and closes the connection`, async () => {
      let called = false;
      const { port } = await start(() => (called = true));
      const text = await sendRaw(port, bytes);
      assert.match(text, new RegExp(`^HTTP/1\\.1 ${status} `));
      assert.match(text, /connection: close/);
      assert.equal(called, false);
    });
  }

  it('tells the handler when the client goes away before the response ends', async () => {
    let closed: (finished: boolean) => void = () => {};
    const finished = new Promise<boolean>((r) => (closed = r));
    const { port } = await start((ex) => ex.onClose(closed));
    const s = connect(port, '127.0.0.1', () => s.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n', () => setTimeout(() => s.destroy(), 20)));
    assert.equal(await finished, false);
  });

  it('closes keep-alive connections idle past keepAliveTimeout', async () => {
    const { port } = await start(echo, { keepAliveTimeout: 50 });
    const text = await sendRaw(port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    assert.match(text, /^HTTP\/1\.1 200 OK/); // resolved only because the server closed it
  });

  it('hands an Upgrade request and the bytes after its head to the upgrade handler', async () => {
    const { port, upgrades } = await start(echo);
    const s = connect(port, '127.0.0.1');
    s.write('GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nFRAME');
    await until(() => upgrades.length > 0, 'the upgrade handler');
    s.destroy();
    assert.equal(upgrades.length, 1);
    assert.equal(upgrades[0]!.ex.head.upgrade, 'websocket');
    assert.equal(upgrades[0]!.rest.toString(), 'FRAME');
  });
});

describe('Exchange.write with borrowed bytes', () => {
  it('copies a small borrowed chunk that must queue, so the caller may reuse its memory at once', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024, 'x');
    let flushedAtOnce: boolean | undefined;
    const { port } = await start((ex) => {
      ex.writeHead(200, 'OK', ['content-length', String(big.length + 5)]);
      ex.write(big); // more than the socket buffers hold: what follows has to queue
      const borrowed = Buffer.from('hello');
      ex.write(borrowed, true);
      borrowed.fill('!'); // the caller's next read lands here
      flushedAtOnce = ex.whenFlushed(() => {});
      ex.end();
    });
    const s = connect(port, '127.0.0.1');
    s.write('GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    const parts: Buffer[] = [];
    s.on('data', (c: Buffer) => parts.push(c));
    await new Promise((r) => s.once('end', r));
    const raw = Buffer.concat(parts);
    assert.equal(raw.subarray(raw.length - 5).toString(), 'hello');
    assert.equal(flushedAtOnce, true, 'nothing borrowed stayed queued, so nothing to wait for');
  });
});
