import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { canonicalName, CLASS, decodeMessage, encodeMessage, encodeName, flags, OPCODE, TYPE, type Message } from './message.js';
import { parseTsigRdata, sign, verify, type TsigKey } from './tsig.js';

const key: TsigKey = { name: 'detour-key', algorithm: 'hmac-sha256', secret: Buffer.alloc(32, 1) };
const request: Message = {
  id: 4242, flags: flags.make({ opcode: OPCODE.UPDATE }), questions: [{ name: 'example.com', type: TYPE.SOA, class: CLASS.IN }],
  answers: [], authorities: [], additionals: [],
};

/** A server's signed response, built from RFC 8945 §5.3 independently of tsig.ts. */
function serverResponse(requestMac: Buffer, k: TsigKey, time: number, error = 0): Buffer {
  const body = encodeMessage({ ...request, flags: flags.make({ qr: true, opcode: OPCODE.UPDATE }) });
  const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
  const u48 = (n: number) => { const b = Buffer.alloc(6); b.writeUIntBE(n, 0, 6); return b; };
  const vars = Buffer.concat([canonicalName(k.name), u16(CLASS.ANY), Buffer.alloc(4), canonicalName(k.algorithm), u48(time), u16(300), u16(error), u16(0)]);
  const mac = error !== 0 ? Buffer.alloc(0) : createHmac(k.algorithm.slice(5), k.secret).update(Buffer.concat([u16(requestMac.length), requestMac, body, vars])).digest();
  const rdata = Buffer.concat([encodeName(k.algorithm), u48(time), u16(300), u16(mac.length), mac, u16(request.id), u16(error), u16(0)]);
  return encodeMessage({ ...request, flags: flags.make({ qr: true, opcode: OPCODE.UPDATE, rcode: error === 0 ? 0 : 9 }), additionals: [{ name: k.name, type: TYPE.TSIG, class: CLASS.ANY, ttl: 0, rdata }] });
}

describe('TSIG (RFC 8945)', () => {
  it('appends a TSIG record with the time, fudge 300 and the original ID', () => {
    const { wire, mac } = sign(request, key, 1_700_000_000);
    const d = decodeMessage(wire).message;
    const tsig = d.additionals.at(-1)!;
    assert.equal(tsig.type, TYPE.TSIG);
    assert.equal(tsig.class, CLASS.ANY);
    const t = parseTsigRdata(tsig.rdata);
    assert.deepEqual([t.algorithm, t.timeSigned, t.fudge, t.originalId, t.error], ['hmac-sha256', 1_700_000_000, 300, 4242, 0]);
    assert.deepEqual(t.mac, mac);
    assert.equal(mac.length, 32);
    assert.equal(sign(request, { ...key, algorithm: 'hmac-sha512' }, 1).mac.length, 64);
  });

  it('accepts a correctly signed response and rejects a tampered one', () => {
    const { mac } = sign(request, key, 1000);
    const good = serverResponse(mac, key, 1000);
    assert.deepEqual(verify(good, decodeMessage(good), key, mac, 1000), { ok: true });
    const bad = Buffer.from(good);
    bad.writeUInt8(bad.readUInt8(3) ^ 0x01, 3); // flip a header bit covered by the MAC
    const v = verify(bad, decodeMessage(bad), key, mac, 1000);
    assert.equal(v.ok, false);
    assert.match(v.ok ? '' : v.reason, /does not verify/);
  });

  it('rejects a response signed with another secret, an old time, or none at all', () => {
    const { mac } = sign(request, key, 1000);
    const other = serverResponse(mac, { ...key, secret: Buffer.alloc(32, 2) }, 1000);
    assert.equal(verify(other, decodeMessage(other), key, mac, 1000).ok, false);
    const old = serverResponse(mac, key, 1000);
    const late = verify(old, decodeMessage(old), key, mac, 1000 + 301);
    assert.match(late.ok ? '' : late.reason, /BADTIME/);
    const unsigned = encodeMessage(request);
    assert.match((verify(unsigned, decodeMessage(unsigned), key, mac, 1000) as { reason: string }).reason, /not signed/);
  });

  it('reports the TSIG error a server sends back unsigned (BADSIG)', () => {
    const { mac } = sign(request, key, 1000);
    const refused = serverResponse(mac, key, 1000, 16);
    assert.deepEqual(verify(refused, decodeMessage(refused), key, mac, 1000), { ok: false, tsigError: 'BADSIG', reason: 'the server rejected our TSIG: BADSIG' });
  });
});
