/**
 * Alidns specifics, through @alicloud/alidns20150109 (ACS3-HMAC-SHA256) against the emulator:
 * TTL default and range, the "default" line, paused records, no-op updates, throttling.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createAlidnsProvider } from '../src/dns/providers/alibaba.js';
import type { DnsProvider, RecordSet } from '../src/dns/provider.js';
import { startAlidnsEmulator, type AlidnsEmulator } from './emulators/alidns.js';
import { CREDS, ZONE } from './emulators/harness.js';

const never = new AbortController().signal;

describe('Alidns adapter', () => {
  let emu: AlidnsEmulator;
  let p: DnsProvider;
  const writes = (from: number) => emu.calls.slice(from).filter((c) => c.action !== 'DescribeDomainRecords');

  before(async () => {
    emu = await startAlidnsEmulator({ credentials: { [CREDS.ALI_ID]: CREDS.ALI_KEY }, zones: [ZONE] });
    p = createAlidnsProvider({ name: 'alidns', accessKeyId: CREDS.ALI_ID, accessKeySecret: CREDS.ALI_KEY, endpoint: emu.url });
  });
  after(() => emu.close());

  it('advertises 600–86400 s (free/personal editions) and maps a lower TTL to QuotaExceeded.TTL, not retryable', async () => {
    assert.deepEqual(p.limits, { minTtl: 600, maxTtl: 86_400 });
    await assert.rejects(p.apply(ZONE, [{ op: 'create', after: { name: `low.${ZONE}`, type: 'A', ttl: 60, values: ['192.0.2.1'] } }], never), {
      code: 'DETOUR_DNS_PROVIDER_REJECTED',
      message: /AddDomainRecord failed: HTTP 400 QuotaExceeded\.TTL "The specified TTL is invalid\. A valid TTL must be in the range of 600 to 86400\."/,
    });
  });

  it('sends TTL, RR and the "default" line explicitly (Alidns would default the TTL to 600)', async () => {
    const n = emu.calls.length;
    await p.apply(ZONE, [{ op: 'create', after: { name: `api.${ZONE}`, type: 'A', ttl: 900, values: ['192.0.2.10'] } }, { op: 'create', after: { name: ZONE, type: 'TXT', ttl: 600, values: ['v=spf1 -all'] } }], never);
    assert.deepEqual(writes(n).map((c) => [c.action, c.params.RR, c.params.TTL, c.params.Line]), [
      ['AddDomainRecord', 'api', '900', 'default'],
      ['AddDomainRecord', '@', '600', 'default'],
    ]);
    assert.deepEqual(emu.rrsets(ZONE), [
      { name: `api.${ZONE}`, type: 'A', ttl: 900, values: ['192.0.2.10'] },
      { name: ZONE, type: 'TXT', ttl: 600, values: ['v=spf1 -all'] },
    ]);
  });

  it('sends nothing for an update that changes nothing (Alidns would answer DomainRecordDuplicate)', async () => {
    const set: RecordSet = { name: `api.${ZONE}`, type: 'A', ttl: 900, values: ['192.0.2.10'] };
    const n = emu.calls.length;
    await p.apply(ZONE, [{ op: 'update', before: set, after: set }], never);
    assert.deepEqual(writes(n), []);
  });

  it('deletes a paused record at a managed name and creates the value again (UpdateDomainRecord cannot enable it)', async () => {
    const id = emu.seed(ZONE, { rr: 'paused', type: 'A', value: '192.0.2.77', status: 'DISABLE' });
    assert.deepEqual(await p.list(ZONE, [`paused.${ZONE}`], never), []);
    const n = emu.calls.length;
    await p.apply(ZONE, [{ op: 'create', after: { name: `paused.${ZONE}`, type: 'A', ttl: 600, values: ['192.0.2.77'] } }], never);
    assert.deepEqual(writes(n).map((c) => [c.action, c.params.RecordId]), [['DeleteDomainRecord', id], ['AddDomainRecord', undefined]]);
    assert.deepEqual(emu.records(ZONE).filter((r) => r.RR === 'paused').map((r) => r.Status), ['ENABLE']);
  });

  it('leaves records on other lines alone', async () => {
    emu.seed(ZONE, { rr: 'api', type: 'A', value: '203.0.113.5', line: 'telecom' });
    assert.deepEqual(await p.list(ZONE, [`api.${ZONE}`], never), [{ name: `api.${ZONE}`, type: 'A', ttl: 900, values: ['192.0.2.10'] }]);
    await p.apply(ZONE, [{ op: 'delete', before: { name: `api.${ZONE}`, type: 'A', ttl: 900, values: ['192.0.2.10'] } }], never);
    assert.deepEqual(emu.records(ZONE).filter((r) => r.RR === 'api').map((r) => r.Line), ['telecom']);
  });

  it('treats Throttling.User (HTTP 400) as retryable, unlike other 400s', async () => {
    emu.faults.failNext(1, 'throttle');
    await assert.rejects(p.list(ZONE, [ZONE], never), { code: 'DETOUR_DNS_PROVIDER_UNAVAILABLE', retryable: true, message: /HTTP 400 Throttling\.User/ });
  });
});
