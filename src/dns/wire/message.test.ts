import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CLASS, decodeMessage, encodeMessage, encodeName, flags, OPCODE, TYPE, type Message } from './message.js';
import { fromRdata, toRdata } from './rdata.js';

describe('DNS wire format', () => {
  it('round-trips an UPDATE with its four sections', () => {
    const m: Message = {
      id: 0xbeef, flags: flags.make({ opcode: OPCODE.UPDATE }),
      questions: [{ name: 'example.com', type: TYPE.SOA, class: CLASS.IN }],
      answers: [{ name: 'api.example.com', type: TYPE.A, class: CLASS.NONE, ttl: 0, rdata: Buffer.alloc(0) }],
      authorities: [{ name: 'api.example.com', type: TYPE.A, class: CLASS.IN, ttl: 60, rdata: toRdata('A', '192.0.2.1') }],
      additionals: [],
    };
    const d = decodeMessage(encodeMessage(m));
    assert.deepEqual(d.message, m);
    assert.equal(flags.opcode(d.message.flags), OPCODE.UPDATE);
  });

  it('reads compressed names, also inside CNAME RDATA (RFC 1035 §4.1.4)', () => {
    // Header, question "www.example.com A IN", answer name → pointer to 12, CNAME RDATA "cdn" + pointer to "example.com" (offset 16).
    const q = Buffer.concat([encodeName('www.example.com'), Buffer.from([0, 1, 0, 1])]);
    const rdata = Buffer.from([3, ...Buffer.from('cdn'), 0xc0, 16]);
    const rr = Buffer.concat([Buffer.from([0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, rdata.length]), rdata]);
    const header = Buffer.from([0, 1, 0x84, 0, 0, 1, 0, 1, 0, 0, 0, 0]);
    const d = decodeMessage(Buffer.concat([header, q, rr]));
    assert.equal(d.message.answers[0]?.name, 'www.example.com');
    assert.equal(fromRdata('CNAME', d.message.answers[0]!.rdata), 'cdn.example.com');
  });

  it('rejects a compression pointer loop and a truncated message instead of hanging', () => {
    const header = Buffer.from([0, 1, 0x84, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    assert.throws(() => decodeMessage(Buffer.concat([header, Buffer.from([0xc0, 12, 0, 1, 0, 1])])), /pointer loop/);
    assert.throws(() => decodeMessage(Buffer.from([0, 1, 0x84, 0, 0, 1])), /truncated/);
  });

  it('refuses labels longer than 63 bytes', () => {
    assert.throws(() => encodeName(`${'a'.repeat(64)}.example.com`), /1 to 63 bytes/);
  });
});

describe('RDATA', () => {
  it('round-trips A and AAAA, printing IPv6 in RFC 5952 form', () => {
    assert.equal(fromRdata('A', toRdata('A', '203.0.113.10')), '203.0.113.10');
    assert.equal(fromRdata('AAAA', toRdata('AAAA', '2001:DB8:0:0:0:0:0:1')), '2001:db8::1');
    assert.equal(fromRdata('AAAA', toRdata('AAAA', '::ffff:192.0.2.1')), '::ffff:c000:201');
    assert.equal(toRdata('AAAA', 'fe80::1:2').toString('hex'), 'fe800000000000000000000000010002');
  });

  it('splits TXT into 255-byte strings and joins them back', () => {
    const long = 'x'.repeat(300);
    const r = toRdata('TXT', long);
    assert.equal(r[0], 255);
    assert.equal(r[256], 45);
    assert.equal(fromRdata('TXT', r), long);
  });

  it('writes CNAME and NS targets as names, read back lower case', () => {
    assert.equal(fromRdata('NS', toRdata('NS', 'NS1.Example.NET')), 'ns1.example.net');
  });
});
