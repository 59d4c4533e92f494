/**
 * DNSPod specifics, through tencentcloud-sdk-nodejs-dnspod against the API 3.0 emulator:
 * record lines ("默认"), the plan's TTL floor, paused records, DNSPod's own apex NS records and
 * DescribeRecordList's "empty is an error" default.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createDnspodProvider } from '../src/dns/providers/tencent-dnspod.js';
import type { DnsProvider } from '../src/dns/provider.js';
import { startDnspodEmulator, type DnspodEmulator } from './emulators/dnspod.js';
import { CREDS, ZONE } from './emulators/harness.js';

const never = new AbortController().signal;
const API = `api.${ZONE}`;

describe('DNSPod adapter', () => {
  let emu: DnspodEmulator;
  let p: DnsProvider;
  const provider = (over: Partial<Parameters<typeof createDnspodProvider>[0]> = {}): DnsProvider =>
    createDnspodProvider({ name: 'dnspod', secretId: CREDS.TC_ID, secretKey: CREDS.TC_KEY, endpoint: emu.url, ...over });
  const writes = (from: number) => emu.calls.slice(from).filter((c) => c.action !== 'DescribeRecordList');

  before(async () => {
    emu = await startDnspodEmulator({ credentials: { [CREDS.TC_ID]: CREDS.TC_KEY }, zones: [ZONE] });
    p = provider();
  });
  after(() => emu.close());

  it('advertises the free plan TTL floor of 600 s, and a lower TTL is refused with LimitExceeded.RecordTtlLimit', async () => {
    assert.deepEqual(p.limits, { minTtl: 600, maxTtl: 604_800 });
    assert.equal(provider({ minTtl: 1 }).limits.minTtl, 1, 'a paid plan can lower it');
    await assert.rejects(p.apply(ZONE, [{ op: 'create', after: { name: `low.${ZONE}`, type: 'A', ttl: 60, values: ['192.0.2.1'] } }], never), {
      code: 'DETOUR_DNS_PROVIDER_REJECTED',
      retryable: false,
      message: /CreateRecord failed: LimitExceeded\.RecordTtlLimit/,
    });
  });

  it('writes every record on the 默认 line, the apex as "@", and lists only that line', async () => {
    emu.seed(ZONE, { name: 'api', type: 'A', value: '203.0.113.9', line: '联通' });
    const n = emu.calls.length;
    await p.apply(ZONE, [{ op: 'create', after: { name: API, type: 'A', ttl: 600, values: ['192.0.2.10'] } }, { op: 'create', after: { name: ZONE, type: 'A', ttl: 600, values: ['192.0.2.20'] } }], never);
    const creates = writes(n);
    assert.deepEqual(creates.map((c) => [c.action, c.params.SubDomain, c.params.RecordLine]), [
      ['CreateRecord', 'api', '默认'],
      ['CreateRecord', '@', '默认'],
    ]);
    assert.deepEqual(await p.list(ZONE, [API], never), [{ name: API, type: 'A', ttl: 600, values: ['192.0.2.10'] }]);
    await p.apply(ZONE, [{ op: 'delete', before: { name: API, type: 'A', ttl: 600, values: ['192.0.2.10'] } }], never);
    const left = emu.records(ZONE).filter((r) => r.Name === 'api');
    assert.deepEqual(left.map((r) => [r.Line, r.Value]), [['联通', '203.0.113.9']], 'the other line is not Detour\'s');
  });

  it("reports DNSPod's own apex NS records and never touches them", async () => {
    const apex = await p.list(ZONE, [ZONE], never);
    assert.deepEqual(apex.find((s) => s.type === 'NS')?.values, ['f1g1ns1.dnspod.net', 'f1g1ns2.dnspod.net']);
    assert.ok(emu.records(ZONE).filter((r) => r.DefaultNS).length === 2);
  });

  it('lists a line that holds nothing without tripping on ResourceNotFound.NoDataOfRecord', async () => {
    const overseas = provider({ recordLine: '境外' });
    const n = emu.calls.length;
    assert.deepEqual(await overseas.list(ZONE, [API, ZONE], never), []);
    assert.equal(emu.calls[n]?.params.ErrorOnEmpty, 'no');
  });

  it('brings a paused record back in place (ModifyRecord Status ENABLE) instead of adding a duplicate', async () => {
    const id = emu.seed(ZONE, { name: 'paused', type: 'A', value: '192.0.2.77', ttl: 600, status: 'DISABLE' });
    assert.deepEqual(await p.list(ZONE, [`paused.${ZONE}`], never), [], 'a paused record does not answer, so it is not reported');
    const n = emu.calls.length;
    await p.apply(ZONE, [{ op: 'create', after: { name: `paused.${ZONE}`, type: 'A', ttl: 600, values: ['192.0.2.77'] } }], never);
    assert.deepEqual(writes(n).map((c) => [c.action, c.params.RecordId, c.params.Status]), [['ModifyRecord', id, 'ENABLE']]);
    assert.equal(emu.records(ZONE).find((r) => r.RecordId === id)?.Status, 'ENABLE');
  });

  it('stores CNAME targets with DNSPod\'s trailing dot and reads them back without it', async () => {
    await p.apply(ZONE, [{ op: 'create', after: { name: `www.${ZONE}`, type: 'CNAME', ttl: 600, values: ['cdn-a.example.net'] } }], never);
    assert.equal(emu.records(ZONE).find((r) => r.Name === 'www')?.Value, 'cdn-a.example.net.');
    assert.deepEqual(await p.list(ZONE, [`www.${ZONE}`], never), [{ name: `www.${ZONE}`, type: 'CNAME', ttl: 600, values: ['cdn-a.example.net'] }]);
  });
});
