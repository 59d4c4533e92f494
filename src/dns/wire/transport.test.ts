import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import net from 'node:net';
import { exchange, TcpSession } from './transport.js';

/** A DNS "server" that echoes the request with QR set (and TC over UDP when asked). */
function answer(req: Buffer, tc = false): Buffer {
  const out = Buffer.from(req);
  out.writeUInt16BE(out.readUInt16BE(2) | 0x8000 | (tc ? 0x0200 : 0), 2);
  return out;
}

async function tcpServer(seen: Buffer[]): Promise<net.Server> {
  const srv = net.createServer((s) => {
    let buf = Buffer.alloc(0);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const out: Buffer[] = [];
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        seen.push(Buffer.from(msg));
        const a = answer(msg);
        const len = Buffer.alloc(2);
        len.writeUInt16BE(a.length);
        out.unshift(len, a); // answers in reverse order
      }
      // Split the stream inside a frame to exercise reassembly.
      const all = Buffer.concat(out);
      s.write(all.subarray(0, 3));
      setTimeout(() => s.write(all.subarray(3)), 5);
    });
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  return srv;
}

const query = (id: number, size = 40): Buffer => {
  const b = Buffer.alloc(size);
  b.writeUInt16BE(id, 0);
  return b;
};

describe('DNS transport', () => {
  const closers: Array<() => void> = [];
  after(() => closers.forEach((c) => c()));

  it('sends a message over 512 bytes over TCP (no UDP server is listening)', async () => {
    const seen: Buffer[] = [];
    const srv = await tcpServer(seen);
    closers.push(() => srv.close());
    const port = (srv.address() as net.AddressInfo).port;
    const res = await exchange({ host: '127.0.0.1', port }, query(7, 600), 2000, new AbortController().signal);
    assert.equal(res.readUInt16BE(0), 7);
    assert.equal(seen[0]?.length, 600);
  });

  it('retries over TCP when the UDP answer is truncated (TC)', async () => {
    const seen: Buffer[] = [];
    const srv = await tcpServer(seen);
    const port = (srv.address() as net.AddressInfo).port;
    const udp = dgram.createSocket('udp4');
    udp.on('message', (m, r) => udp.send(answer(m, true), r.port, r.address));
    await new Promise<void>((r) => udp.bind(port, '127.0.0.1', r));
    closers.push(() => { srv.close(); udp.close(); });
    const res = await exchange({ host: '127.0.0.1', port }, query(9), 2000, new AbortController().signal);
    assert.equal(res.readUInt16BE(2) & 0x0200, 0, 'the TCP answer, not the truncated one');
    assert.equal(seen.length, 1);
  });

  it('ignores UDP answers with another ID and times out', async () => {
    const udp = dgram.createSocket('udp4');
    udp.on('message', (m, r) => {
      const wrong = answer(m);
      wrong.writeUInt16BE((m.readUInt16BE(0) + 1) & 0xffff, 0);
      udp.send(wrong, r.port, r.address);
    });
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
    closers.push(() => udp.close());
    await assert.rejects(exchange({ host: '127.0.0.1', port: udp.address().port }, query(11), 200, new AbortController().signal), /within 200ms/);
  });

  it('matches pipelined TCP answers to their queries by ID', async () => {
    const srv = await tcpServer([]);
    closers.push(() => srv.close());
    const s = await TcpSession.open({ host: '127.0.0.1', port: (srv.address() as net.AddressInfo).port }, 2000, new AbortController().signal);
    const answers = await Promise.all([1, 2, 3].map((id) => s.request(query(id))));
    s.close();
    assert.deepEqual(answers.map((a) => a.readUInt16BE(0)), [1, 2, 3]);
  });
});
