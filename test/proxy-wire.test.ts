import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { gateway, upstream, type TestGateway, type Upstream } from './support/servers.js';

/** An upstream that answers every request with exactly these bytes (and records the raw requests). */
async function rawUpstream(answer: (request: string) => string): Promise<{ url: string; requests: string[]; closes: number; server: Server }> {
  const requests: string[] = [];
  const state = { url: '', requests, closes: 0, server: undefined as unknown as Server };
  state.server = createServer((s: Socket) => {
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.slice(0, end);
      buf = buf.slice(end + 4);
      requests.push(head);
      const reply = answer(head);
      if (reply) s.write(reply, 'latin1');
    });
    s.on('close', () => state.closes++);
    s.on('error', () => {});
  });
  state.server.listen(0, '127.0.0.1');
  await once(state.server, 'listening');
  state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}`;
  return state;
}

/** Sends raw bytes to the gateway and reads until it closes or `done(text)` holds. */
function raw(port: number, bytes: string, done?: (text: string) => boolean, onData?: (text: string, s: Socket) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let text = '';
    s.on('data', (d) => {
      text += d.toString('latin1');
      onData?.(text, s);
      if (done?.(text)) {
        s.destroy();
        resolve(text);
      }
    });
    s.on('close', () => resolve(text));
    s.on('error', reject);
    s.write(bytes, 'latin1');
  });
}

const yaml = (url: string) => `
listen: 127.0.0.1:0
services:
  - name: api
    pools: [{ name: p, endpoints: [${url}] }]
    health: { passive: false }
`;

describe('the HTTP/1.1 wire through the gateway', () => {
  let echo: Upstream;
  let gw: TestGateway;
  before(async () => {
    echo = await upstream((req, res, body) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(Buffer.byteLength(`${req.method} ${req.url} ${body}`)) });
      res.end(req.method === 'HEAD' ? undefined : `${req.method} ${req.url} ${body}`);
    });
    gw = await gateway(yaml(echo.url));
  });
  after(async () => {
    await gw.stop();
    await echo.close();
  });

  it('refuses a request that carries both Content-Length and Transfer-Encoding, before any upstream sees it', async () => {
    const before = echo.hits.length;
    const text = await raw(gw.port, 'POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
    assert.match(text, /^HTTP\/1\.1 400 /);
    assert.equal(echo.hits.length, before);
  });

  it('answers pipelined requests in order, each from the upstream', async () => {
    const req = (p: string) => `GET ${p} HTTP/1.1\r\nHost: a\r\n\r\n`;
    const text = await raw(gw.port, req('/1') + req('/2') + req('/3'), (t) => (t.match(/GET \/\d /g) ?? []).length === 3);
    assert.deepEqual([...text.matchAll(/GET (\/\d) /g)].map((m) => m[1]), ['/1', '/2', '/3']);
  });

  it('sends 100 Continue to a client that waits for it, then streams its body upstream', async () => {
    const text = await raw(gw.port, 'POST /c HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n',
      (t) => t.includes('POST /c hello'),
      (t, s) => { if (t === 'HTTP/1.1 100 Continue\r\n\r\n') s.write('hello'); });
    assert.match(text, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
  });

  it('answers HEAD with the upstream Content-Length and no body', async () => {
    const text = await raw(gw.port, 'HEAD /h HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    assert.match(text, /\r\ncontent-length: 8\r\n/i); // "HEAD /h " as the upstream would have sent it for GET
    assert.ok(text.endsWith('\r\n\r\n'), JSON.stringify(text));
  });
});

describe('response framing through the gateway', () => {
  it('re-frames a chunked upstream response that also sent Content-Length: chunked to HTTP/1.1, close-delimited to HTTP/1.0', async () => {
    // RFC 9112 §6.3: Transfer-Encoding overrides Content-Length; forwarding both would let the
    // client read a different message boundary than the proxy did.
    const up = await rawUpstream(() => 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n');
    const gw = await gateway(yaml(up.url));
    try {
      const v11 = await raw(gw.port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', (t) => t.endsWith('0\r\n\r\n'));
      assert.doesNotMatch(v11, /content-length/i);
      assert.match(v11, /transfer-encoding: chunked/i);
      assert.ok(v11.endsWith('\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n'), JSON.stringify(v11));
      const v10 = await raw(gw.port, 'GET / HTTP/1.0\r\n\r\n');
      assert.match(v10, /connection: close/i);
      assert.ok(v10.endsWith('\r\n\r\nhello world'), JSON.stringify(v10));
      assert.match(v10, /\r\ndate: .+ GMT\r\n/i); // added: the upstream sent no Date (RFC 9110 §6.6.1)
    } finally {
      await gw.stop();
      up.server.close();
    }
  });

  it('cancels the upstream request when the client half-closes before the answer (499, as nginx)', async () => {
    const up = await rawUpstream(() => ''); // never answers
    const gw = await gateway(yaml(up.url));
    try {
      const s = connect(gw.port, '127.0.0.1');
      s.on('error', () => {});
      s.write('GET /slow HTTP/1.1\r\nHost: a\r\n\r\n');
      for (let i = 0; i < 500 && up.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(up.requests.length, 1);
      s.end(); // FIN: the client will not read an answer
      for (let i = 0; i < 500 && up.closes === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(up.closes, 1, 'the upstream connection of the abandoned request is closed');
      s.destroy();
    } finally {
      await gw.stop();
      up.server.close();
    }
  });
});
