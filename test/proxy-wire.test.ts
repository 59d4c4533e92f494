import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { onRequests, rawServer, sendRaw, until } from '../src/h1/helpers.test.js';
import { gateway, upstream, type TestGateway, type Upstream } from './support/servers.js';

/** An upstream that answers every request head with exactly these bytes (and records the heads). */
async function rawUpstream(answer: (head: string) => string) {
  const state = { requests: [] as string[], closes: 0 };
  const server = await rawServer((s) => {
    // The helper's server is half-open capable, so the gateway closing its side shows as 'end'.
    let gone = false;
    const closed = () => {
      if (!gone) state.closes++;
      gone = true;
    };
    s.on('end', closed).on('close', closed).on('error', () => {});
    onRequests(s, (head) => {
      state.requests.push(head);
      const reply = answer(head);
      if (reply) s.write(reply, 'latin1');
    });
  });
  return Object.assign(state, { url: server.url, close: () => server.close() });
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
    const text = await sendRaw(gw.port, 'POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
    assert.match(text, /^HTTP\/1\.1 400 /);
    assert.equal(echo.hits.length, before);
  });

  it('answers pipelined requests in order, each from the upstream', async () => {
    const req = (p: string) => `GET ${p} HTTP/1.1\r\nHost: a\r\n\r\n`;
    const text = await sendRaw(gw.port, req('/1') + req('/2') + req('/3'), (t) => (t.match(/GET \/\d /g) ?? []).length === 3);
    assert.deepEqual([...text.matchAll(/GET (\/\d) /g)].map((m) => m[1]), ['/1', '/2', '/3']);
  });

  it('sends 100 Continue to a client that waits for it, then streams its body upstream', async () => {
    const text = await sendRaw(gw.port, 'POST /c HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n',
      (t) => t.includes('POST /c hello'),
      (t, s) => { if (t === 'HTTP/1.1 100 Continue\r\n\r\n') s.write('hello'); });
    assert.match(text, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
  });

  it('answers HEAD with the upstream Content-Length and no body', async () => {
    const text = await sendRaw(gw.port, 'HEAD /h HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
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
      const v11 = await sendRaw(gw.port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', (t) => t.endsWith('0\r\n\r\n'));
      assert.doesNotMatch(v11, /content-length/i);
      assert.match(v11, /transfer-encoding: chunked/i);
      assert.ok(v11.endsWith('\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n'), JSON.stringify(v11));
      const v10 = await sendRaw(gw.port, 'GET / HTTP/1.0\r\n\r\n');
      assert.match(v10, /connection: close/i);
      assert.ok(v10.endsWith('\r\n\r\nhello world'), JSON.stringify(v10));
      assert.match(v10, /\r\ndate: .+ GMT\r\n/i); // added: the upstream sent no Date (RFC 9110 §6.6.1)
    } finally {
      await gw.stop();
      await up.close();
    }
  });

  it('cancels the upstream request when the client half-closes before the answer (499, as nginx)', async () => {
    const up = await rawUpstream(() => ''); // never answers
    const gw = await gateway(yaml(up.url));
    try {
      const s = connect(gw.port, '127.0.0.1');
      s.on('error', () => {});
      s.write('GET /slow HTTP/1.1\r\nHost: a\r\n\r\n');
      await until(() => up.requests.length > 0, 'the request at the upstream');
      assert.equal(up.requests.length, 1);
      s.end(); // FIN: the client will not read an answer
      await until(() => up.closes > 0, 'the upstream connection to close');
      assert.equal(up.closes, 1, 'the upstream connection of the abandoned request is closed');
      s.destroy();
    } finally {
      await gw.stop();
      await up.close();
    }
  });
});
