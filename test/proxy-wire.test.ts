import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
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

describe('a body read for classification over several reads', () => {
  it('reaches the client byte for byte (the held-back reads are copies, not the reused buffer)', async () => {
    // The classifier holds a JSON body back until it has seen classify.maxBodyBytes (8 KiB by
    // default); pieces that arrive in separate reads land in the same read buffer.
    const pieces = [0, 1, 2, 3].map((i) => `{"piece":${i},"pad":"${String(i).repeat(3000)}"}\n`);
    const total = pieces.join('');
    const up = await rawServer((s) => {
      s.on('error', () => {});
      onRequests(s, () => {
        s.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(total)}\r\n\r\n`);
        const send = (i: number): void => {
          if (i < pieces.length) s.write(pieces[i]!, () => setTimeout(() => send(i + 1), 10));
        };
        send(0);
      });
    });
    const gw = await gateway(yaml(up.url).replace('health: { passive: false }', 'health: { passive: false }\n    classify: [tencent]'));
    try {
      const text = await sendRaw(gw.port, 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
      assert.match(text, /^HTTP\/1\.1 200 /);
      assert.equal(text.slice(text.indexOf('\r\n\r\n') + 4), total);
    } finally {
      await gw.stop();
      await up.close();
    }
  });
});

describe('big bodies to a client that stops reading', () => {
  // The gateway reads upstream bytes into one reused buffer per connection and writes them to
  // the client without a copy (src/h1/connect.ts): it must not read again while the client
  // socket still holds the last chunk. A client that stops reading makes writes pend; if the
  // gateway read on regardless, the bytes it sends would be overwritten ones.
  const body = randomBytes(24 * 1024 * 1024);
  const digest = createHash('sha256').update(body).digest('hex');

  /** Writes the response with backpressure; `progress.drains` counts the waits that ended. */
  function serve(s: Socket, chunked: boolean, progress: { drains: number; done: boolean }): void {
    s.write(`HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\n${chunked ? 'transfer-encoding: chunked' : `content-length: ${body.length}`}\r\n\r\n`);
    let pos = 0;
    let n = 0;
    const next = (): void => {
      while (pos < body.length) {
        // Chunk sizes vary so that chunk boundaries fall anywhere in the gateway's reads.
        const size = Math.min(body.length - pos, 1 + ((n++ * 7919) % 100_000));
        const part = body.subarray(pos, pos + size);
        pos += size;
        if (chunked) s.write(`${size.toString(16)}\r\n`);
        let ok = s.write(part);
        if (chunked) ok = s.write('\r\n');
        if (!ok) {
          s.once('drain', () => {
            progress.drains++;
            next();
          });
          return;
        }
      }
      s.write(chunked ? '0\r\n\r\n' : '', () => (progress.done = true));
    };
    next();
  }

  for (const chunked of [false, true]) {
    it(`arrive intact when the client pauses until the upstream is held back (${chunked ? 'chunked' : 'content-length'})`, async () => {
      const progress = { drains: 0, done: false };
      const up = await rawServer((s) => {
        s.on('error', () => {});
        onRequests(s, () => serve(s, chunked, progress));
      });
      const gw = await gateway(yaml(up.url));
      try {
        const client = connect(gw.port, '127.0.0.1');
        client.write('GET /big HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
        client.pause();
        // Wait until every buffer on the way is full (the upstream's writes stopped draining:
        // the gateway stopped reading) or the whole body left the upstream (a gateway that
        // kept reading while its writes to the client were pending).
        let seen = -1;
        let still = 0;
        await until(() => {
          still = progress.drains === seen ? still + 1 : 0;
          seen = progress.drains;
          return progress.done || still >= 40;
        }, 'the upstream to be held back or done');
        const parts: Buffer[] = [];
        client.on('data', (c: Buffer) => parts.push(c));
        client.resume();
        await once(client, 'end');
        const raw = Buffer.concat(parts);
        const headEnd = raw.indexOf('\r\n\r\n') + 4;
        assert.match(raw.subarray(0, headEnd).toString('latin1'), /^HTTP\/1\.1 200 /);
        const received = chunked ? dechunk(raw.subarray(headEnd)) : raw.subarray(headEnd);
        assert.equal(received.length, body.length);
        assert.equal(createHash('sha256').update(received).digest('hex'), digest, 'the bytes are the upstream\'s, in order');
      } finally {
        await gw.stop();
        await up.close();
      }
    });
  }
});

/** Decodes a complete chunked body (no extensions, no trailers: what the gateway writes). */
function dechunk(buf: Buffer): Buffer {
  const out: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', pos);
    const size = parseInt(buf.toString('latin1', pos, eol), 16);
    if (size === 0) return Buffer.concat(out);
    out.push(buf.subarray(eol + 2, eol + 2 + size));
    pos = eol + 2 + size + 2;
  }
}
