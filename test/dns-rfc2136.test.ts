import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isDetourError } from '../src/errors/index.js';
import { createRfc2136Provider } from '../src/dns/index.js';
import { updateMessage } from '../src/dns/providers/rfc2136.js';
import { decodeMessage, encodeMessage } from '../src/dns/wire/message.js';
import { parseTsigRdata, sign } from '../src/dns/wire/tsig.js';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);
import type { DnsProvider, RecordSet } from '../src/dns/index.js';
import { startBind, type Bind } from './dns-bind.js';

const signal = new AbortController().signal;

describe('RFC 2136 provider against a real BIND 9', () => {
  let bind: Bind;
  let p: DnsProvider;
  const zone = 'example.test';
  const n = (label: string): string => `${label}.${zone}`;

  before(async () => {
    bind = await startBind({ zone, records: ['manual IN A 192.0.2.200'] });
    p = createRfc2136Provider({ name: 'own', host: '127.0.0.1', port: bind.port, tsig: bind.key });
  });
  after(async () => {
    await bind?.stop();
  });

  it('writes A, AAAA, CNAME and TXT sets with a TSIG-signed UPDATE, and dig sees them', async () => {
    await p.apply(zone, [
      { op: 'create', after: { name: n('_detour-a.api'), type: 'TXT', ttl: 60, values: ['heritage=detour,detour/owner=t'] } },
      { op: 'create', after: { name: n('api'), type: 'A', ttl: 60, values: ['192.0.2.10', '192.0.2.11'] } },
      { op: 'create', after: { name: n('api'), type: 'AAAA', ttl: 60, values: ['2001:db8::10'] } },
      { op: 'create', after: { name: n('www'), type: 'CNAME', ttl: 120, values: ['cdn-a.example.net'] } },
    ], signal);
    assert.deepEqual(await bind.dig(n('api'), 'A'), ['192.0.2.10', '192.0.2.11']);
    assert.deepEqual(await bind.dig(n('api'), 'AAAA'), ['2001:db8::10']);
    assert.deepEqual(await bind.dig(n('www'), 'CNAME'), ['cdn-a.example.net.']);
    assert.deepEqual(await bind.dig(n('_detour-a.api'), 'TXT'), ['heritage=detour,detour/owner=t']);
  });

  it('lists the record sets at exactly the asked names, values merged and sorted', async () => {
    const sets = await p.list(zone, [n('api'), n('www'), n('_detour-a.api'), n('absent')], signal);
    const byKey = Object.fromEntries(sets.map((s) => [`${s.name} ${s.type}`, s]));
    assert.deepEqual(byKey[`${n('api')} A`], { name: n('api'), type: 'A', ttl: 60, values: ['192.0.2.10', '192.0.2.11'] });
    assert.deepEqual(byKey[`${n('www')} CNAME`], { name: n('www'), type: 'CNAME', ttl: 120, values: ['cdn-a.example.net'] });
    assert.equal(sets.length, 4);
  });

  it('updates and deletes a set only while it still holds the listed values (RFC 2136 prerequisites)', async () => {
    const before: RecordSet = { name: n('api'), type: 'A', ttl: 60, values: ['192.0.2.10', '192.0.2.11'] };
    await p.apply(zone, [{ op: 'update', before, after: { ...before, values: ['198.51.100.7'] } }], signal);
    assert.deepEqual(await bind.dig(n('api'), 'A'), ['198.51.100.7']);
    // A stale "before" (someone changed the zone since it was listed) fails as a whole, retryably.
    await assert.rejects(
      p.apply(zone, [
        { op: 'update', before, after: { ...before, values: ['203.0.113.1'] } },
        { op: 'delete', before: { name: n('www'), type: 'CNAME', ttl: 120, values: ['cdn-a.example.net'] } },
      ], signal),
      (e: unknown) => isDetourError(e) && e.code === 'DETOUR_DNS_PROVIDER_UNAVAILABLE' && e.retryable && /NXRRSET/.test(e.message),
    );
    assert.deepEqual(await bind.dig(n('api'), 'A'), ['198.51.100.7']);
    assert.deepEqual(await bind.dig(n('www'), 'CNAME'), ['cdn-a.example.net.'], 'the delete in the same message was not applied either');
    await p.apply(zone, [{ op: 'delete', before: { name: n('www'), type: 'CNAME', ttl: 120, values: ['cdn-a.example.net'] } }], signal);
    assert.deepEqual(await bind.dig(n('www'), 'CNAME'), []);
  });

  it('refuses to create over a set that appeared since it was listed', async () => {
    await assert.rejects(
      p.apply(zone, [{ op: 'create', after: { name: n('manual'), type: 'A', ttl: 60, values: ['192.0.2.1'] } }], signal),
      (e: unknown) => isDetourError(e) && /YXRRSET/.test(e.message),
    );
    assert.deepEqual(await bind.dig(n('manual'), 'A'), ['192.0.2.200']);
  });

  it('sends an update larger than 512 bytes over TCP and BIND applies all of it', async () => {
    const values = Array.from({ length: 60 }, (_, i) => `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`).sort();
    const change = { op: 'create' as const, after: { name: n('big'), type: 'A' as const, ttl: 60, values } };
    assert.ok(encodeMessage(updateMessage(zone, [change])).length > 512, 'the test message must exceed the UDP limit');
    await p.apply(zone, [change], signal);
    assert.deepEqual(await bind.dig(n('big'), 'A'), [...values].sort());
  });

  it('signs with HMAC-SHA512 too', async () => {
    const p512 = createRfc2136Provider({ name: 'own', host: '127.0.0.1', port: bind.port, tsig: bind.key512 });
    await p512.apply(zone, [{ op: 'create', after: { name: n('sha512'), type: 'TXT', ttl: 60, values: ['signed with sha512'] } }], signal);
    assert.deepEqual(await bind.dig(n('sha512'), 'TXT'), ['signed with sha512']);
  });

  for (const alg of ['hmac-sha256', 'hmac-sha512'] as const) {
    it(`computes the same ${alg} MAC as BIND's dig for the same request (known answer)`, async () => {
      // dig signs a query to a socket we hold; we re-sign its bytes at its time and compare.
      const sock = dgram.createSocket('udp4');
      await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
      const got = once(sock, 'message') as Promise<[Buffer]>;
      const secret = randomBytes(alg === 'hmac-sha512' ? 64 : 32).toString('base64');
      const digRun = execFileP('dig', ['@127.0.0.1', '-p', String(sock.address().port), '+time=1', '+tries=1', '-y', `${alg}:kat-key:${secret}`, n('api'), 'A']).catch(() => undefined);
      const [raw] = await got;
      sock.close();
      await digRun;
      const decoded = decodeMessage(raw);
      const tsig = decoded.message.additionals.at(-1)!;
      const t = parseTsigRdata(tsig.rdata);
      const unsigned = { ...decoded.message, additionals: decoded.message.additionals.slice(0, -1) };
      const mine = sign(unsigned, { name: 'kat-key', algorithm: alg, secret: Buffer.from(secret, 'base64') }, t.timeSigned);
      assert.equal(mine.mac.toString('hex'), t.mac.toString('hex'));
      assert.deepEqual(mine.wire, raw, 'byte for byte the same signed message');
    });
  }

  it('reports a wrong TSIG key as BADSIG, not retryable, and writes nothing', async () => {
    const wrong = createRfc2136Provider({ name: 'own', host: '127.0.0.1', port: bind.port, tsig: { ...bind.key, secret: Buffer.alloc(32, 7).toString('base64') } });
    await assert.rejects(
      wrong.apply(zone, [{ op: 'create', after: { name: n('intruder'), type: 'A', ttl: 60, values: ['192.0.2.66'] } }], signal),
      (e: unknown) => {
        assert.ok(isDetourError(e));
        assert.equal(e.code, 'DETOUR_DNS_PROVIDER_REJECTED');
        assert.equal(e.retryable, false);
        assert.match(e.message, /NOTAUTH.*BADSIG/);
        assert.ok(!e.message.includes(bind.key.secret), 'the key never appears in an error');
        return true;
      },
    );
    assert.deepEqual(await bind.dig(n('intruder'), 'A'), []);
    await assert.rejects(wrong.list(zone, [n('api')], signal), /BADSIG/);
  });

  it('reports an unknown key name as BADKEY', async () => {
    const other = createRfc2136Provider({ name: 'own', host: '127.0.0.1', port: bind.port, tsig: { ...bind.key, name: 'nobody' } });
    await assert.rejects(
      other.apply(zone, [{ op: 'create', after: { name: n('intruder'), type: 'A', ttl: 60, values: ['192.0.2.66'] } }], signal),
      /BADKEY/,
    );
    assert.deepEqual(await bind.dig(n('intruder'), 'A'), []);
  });

  it('refuses an unsigned update (allow-update needs the key) with REFUSED', async () => {
    const unsigned = createRfc2136Provider({ name: 'own', host: '127.0.0.1', port: bind.port });
    await assert.rejects(
      unsigned.apply(zone, [{ op: 'create', after: { name: n('intruder'), type: 'A', ttl: 60, values: ['192.0.2.66'] } }], signal),
      (e: unknown) => isDetourError(e) && e.code === 'DETOUR_DNS_PROVIDER_REJECTED' && /REFUSED/.test(e.message),
    );
  });

  it('reports a server that does not answer as retryable', async () => {
    bind.pause();
    try {
      const slow = createRfc2136Provider({ name: 'own', host: '127.0.0.1', port: bind.port, tsig: bind.key, timeout: 300 });
      await assert.rejects(slow.list(zone, [n('api')], signal), (e: unknown) => isDetourError(e) && e.code === 'DETOUR_DNS_PROVIDER_UNAVAILABLE' && e.retryable);
      await assert.rejects(
        slow.apply(zone, [{ op: 'create', after: { name: n('late'), type: 'A', ttl: 60, values: ['192.0.2.5'] } }], signal),
        (e: unknown) => isDetourError(e) && e.retryable && /within 300ms/.test(e.message),
      );
    } finally {
      bind.resume();
    }
  });
});
