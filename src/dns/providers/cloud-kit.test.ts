import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { diffRecords, fqdnOf, hostLabel, mergeRecordSets, normalizeName, normalizeValue, quoteTxt, unquoteTxt, type SlotRecord } from './cloud-kit.js';

const slot = (id: string, value: string, ttl = 60, live = true): SlotRecord => ({ id, value, ttl, live });

describe('names and values in the contract form', () => {
  it('turns Route 53 names with octal escapes and trailing dots into plain lower-case names', () => {
    assert.equal(normalizeName('\\052.Example.COM.'), '*.example.com');
    assert.equal(normalizeName('api.example.com'), 'api.example.com');
  });

  it('maps names to DNSPod/Alidns host records and back, "@" being the apex', () => {
    assert.equal(hostLabel('example.com', 'example.com'), '@');
    assert.equal(hostLabel('a.b.example.com', 'example.com'), 'a.b');
    assert.equal(fqdnOf('@', 'example.com'), 'example.com');
    assert.equal(fqdnOf('WWW', 'example.com'), 'www.example.com');
  });

  it('refuses a name outside the zone instead of writing it somewhere else', () => {
    assert.throws(() => hostLabel('api.example.net', 'example.com'), { code: 'DETOUR_DNS_PROVIDER_REJECTED' });
    assert.throws(() => hostLabel('badexample.com', 'example.com'), { code: 'DETOUR_DNS_PROVIDER_REJECTED' });
  });

  it('compresses IPv6 (RFC 5952), strips the dot from targets and drops values a type cannot hold', () => {
    assert.equal(normalizeValue('AAAA', '2001:0DB8:0:0:0:0:0:1'), '2001:db8::1');
    assert.equal(normalizeValue('CNAME', 'CDN.Example.NET.'), 'cdn.example.net');
    assert.equal(normalizeValue('A', '2001:db8::1'), undefined);
    assert.equal(normalizeValue('A', ' 192.0.2.1 '), '192.0.2.1');
  });
});

describe('TXT character-strings (RFC 1035 §3.3.14, §5.1)', () => {
  it('quotes and escapes, and reads the same text back', () => {
    const text = 'heritage=detour,detour/owner=a,"q" \\ end';
    assert.equal(quoteTxt(text), '"heritage=detour,detour/owner=a,\\"q\\" \\\\ end"');
    assert.equal(unquoteTxt(quoteTxt(text)), text);
  });

  it('splits text longer than 255 bytes into several strings without breaking a UTF-8 character', () => {
    const text = `${'x'.repeat(254)}ü${'y'.repeat(300)}`;
    const quoted = quoteTxt(text);
    const parts = quoted.match(/"(?:[^"\\]|\\.)*"/g) ?? [];
    assert.equal(parts.length, 3);
    for (const p of parts) assert.ok(Buffer.byteLength(p.slice(1, -1)) <= 255);
    assert.equal(unquoteTxt(quoted), text);
  });

  it("writes Route 53's octal escapes for non-ASCII bytes and decodes them as UTF-8", () => {
    assert.equal(quoteTxt('中', true), '"\\344\\270\\255"');
    assert.equal(unquoteTxt('"\\344\\270\\255"', 8), '中');
    assert.equal(unquoteTxt('"a\\065"'), 'aA', 'RFC 1035 escapes are decimal');
  });

  it('leaves text that is not a sequence of quoted strings as it is (DNSPod, Alidns)', () => {
    assert.equal(unquoteTxt('v=spf1 -all'), 'v=spf1 -all');
    assert.equal(unquoteTxt('"unterminated'), '"unterminated');
    assert.equal(unquoteTxt('"a" b'), '"a" b');
  });
});

describe('mergeRecordSets', () => {
  it('merges one-record-per-value listings into sorted RRsets with the lowest TTL (RFC 2181 §5.2)', () => {
    const sets = mergeRecordSets([
      { name: 'b.example.com', type: 'A', ttl: 600, value: '192.0.2.2' },
      { name: 'a.example.com', type: 'TXT', ttl: 60, value: 'x' },
      { name: 'b.example.com', type: 'A', ttl: 300, value: '192.0.2.1' },
      { name: 'b.example.com', type: 'A', ttl: 300, value: '192.0.2.1' },
    ]);
    assert.deepEqual(sets, [
      { name: 'a.example.com', type: 'TXT', ttl: 60, values: ['x'] },
      { name: 'b.example.com', type: 'A', ttl: 300, values: ['192.0.2.1', '192.0.2.2'] },
    ]);
  });
});

describe('diffRecords', () => {
  it('does nothing when the records already hold the target', () => {
    assert.deepEqual(diffRecords([slot('1', 'a'), slot('2', 'b')], { values: ['a', 'b'], ttl: 60 }, true), { deleteFirst: [], modify: [], create: [], delete: [] });
  });

  it('rewrites records in place before creating or deleting, so the name never answers empty', () => {
    const ops = diffRecords([slot('1', 'a'), slot('2', 'b')], { values: ['c'], ttl: 60 }, true);
    assert.deepEqual(ops.modify, [{ record: slot('1', 'a'), value: 'c', ttl: 60 }]);
    assert.deepEqual(ops.create, []);
    assert.deepEqual(ops.delete, [slot('2', 'b')]);
  });

  it('changes the TTL of kept values and creates what is missing', () => {
    const ops = diffRecords([slot('1', 'a', 600)], { values: ['a', 'b'], ttl: 60 }, true);
    assert.deepEqual(ops.modify, [{ record: slot('1', 'a', 600), value: 'a', ttl: 60 }]);
    assert.deepEqual(ops.create, [{ value: 'b', ttl: 60 }]);
  });

  it('removes duplicate records of one value and deletes everything for a delete', () => {
    assert.deepEqual(diffRecords([slot('1', 'a'), slot('2', 'a')], { values: ['a'], ttl: 60 }, true).delete, [slot('2', 'a')]);
    assert.deepEqual(diffRecords([slot('1', 'a'), slot('2', 'b')], undefined, true).delete, [slot('1', 'a'), slot('2', 'b')]);
  });

  it('revives a paused record holding a wanted value in place when the API can (DNSPod Status, Cloudflare proxied)', () => {
    const paused = slot('9', 'b', 60, false);
    const ops = diffRecords([slot('1', 'x'), paused], { values: ['b'], ttl: 60 }, true);
    assert.deepEqual(ops.modify, [{ record: paused, value: 'b', ttl: 60 }]);
    assert.deepEqual(ops.delete, [slot('1', 'x')]);
  });

  it('deletes paused records first when the API cannot revive them (Alidns), then creates the value', () => {
    const paused = slot('9', 'b', 60, false);
    const ops = diffRecords([paused], { values: ['b'], ttl: 60 }, false);
    assert.deepEqual(ops.deleteFirst, [paused]);
    assert.deepEqual(ops.create, [{ value: 'b', ttl: 60 }]);
  });
});
