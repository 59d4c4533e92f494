/**
 * Cloudflare specifics, through the `cloudflare` SDK against the API v4 emulator: one batch call
 * per round (one transaction), split at batchSize, DNS-only records, TTL "automatic", zone access.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCloudflareProvider } from '../src/dns/providers/cloudflare.js';
import type { DnsProvider, RecordSet } from '../src/dns/provider.js';
import { startCloudflareEmulator, type CloudflareEmulator } from './emulators/cloudflare.js';
import { CREDS, ZONE } from './emulators/harness.js';

const never = new AbortController().signal;
const Z = CREDS.CF_ZONE_ID;
const OTHER_ZONE = '0123456789abcdef0123456789abcdef';

describe('Cloudflare adapter', () => {
  let emu: CloudflareEmulator;
  let p: DnsProvider;
  const provider = (over: Partial<Parameters<typeof createCloudflareProvider>[0]> = {}): DnsProvider =>
    createCloudflareProvider({ name: 'cf', apiToken: CREDS.CF_TOKEN, zoneId: Z, baseURL: emu.baseURL, ...over });
  const batches = (from: number) => emu.calls.slice(from).filter((c) => c.action === 'BatchDNSRecords');
  const kinds = (params: Record<string, unknown>) => Object.fromEntries(['deletes', 'patches', 'posts'].map((k) => [k, Array.isArray(params[k]) ? (params[k] as unknown[]).length : 0]));

  before(async () => {
    emu = await startCloudflareEmulator({ tokens: { [CREDS.CF_TOKEN]: [Z] }, zones: { [Z]: ZONE, [OTHER_ZONE]: 'example.org' } });
    p = provider();
  });
  after(() => emu.close());

  it('makes all changes of one apply in a single batch call: deletes, patches and posts together', async () => {
    const a: RecordSet = { name: `api.${ZONE}`, type: 'A', ttl: 60, values: ['192.0.2.1', '192.0.2.2'] };
    const old: RecordSet = { name: `old.${ZONE}`, type: 'TXT', ttl: 60, values: ['x'] };
    await p.apply(ZONE, [{ op: 'create', after: a }, { op: 'create', after: old }], never);
    const n = emu.calls.length;
    const b: RecordSet = { name: `api.${ZONE}`, type: 'A', ttl: 60, values: ['192.0.2.2', '192.0.2.3', '192.0.2.4'] };
    await p.apply(ZONE, [{ op: 'delete', before: old }, { op: 'update', before: a, after: b }], never);
    const calls = batches(n);
    assert.equal(calls.length, 1);
    assert.deepEqual(kinds(calls[0]!.params), { deletes: 1, patches: 1, posts: 1 });
    assert.deepEqual(await p.list(ZONE, [`api.${ZONE}`, `old.${ZONE}`], never), [b]);
  });

  it('splits more operations than batchSize into several calls in Cloudflare\'s order (deletes, patches, posts)', async () => {
    const small = provider({ batchSize: 2 });
    const before: RecordSet = { name: `split.${ZONE}`, type: 'A', ttl: 60, values: ['198.51.100.1', '198.51.100.2'] };
    await small.apply(ZONE, [{ op: 'create', after: before }], never);
    const n = emu.calls.length;
    const after: RecordSet = { name: `many.${ZONE}`, type: 'A', ttl: 60, values: ['198.51.100.10', '198.51.100.11', '198.51.100.12'] };
    await small.apply(ZONE, [{ op: 'delete', before }, { op: 'create', after }], never);
    assert.deepEqual(batches(n).map((c) => kinds(c.params)), [
      { deletes: 2, patches: 0, posts: 0 },
      { deletes: 0, patches: 0, posts: 2 },
      { deletes: 0, patches: 0, posts: 1 },
    ]);
    assert.deepEqual(await p.list(ZONE, [`split.${ZONE}`, `many.${ZONE}`], never), [after]);
  });

  it('does not report a proxied record as holding its value, and patches it back to DNS-only in place', async () => {
    const id = emu.seed(Z, { name: `edge.${ZONE}`, type: 'A', content: '192.0.2.99', proxied: true, ttl: 1 });
    assert.deepEqual(await p.list(ZONE, [`edge.${ZONE}`], never), []);
    const n = emu.calls.length;
    await p.apply(ZONE, [{ op: 'create', after: { name: `edge.${ZONE}`, type: 'A', ttl: 60, values: ['192.0.2.99'] } }], never);
    assert.deepEqual(kinds(batches(n)[0]!.params), { deletes: 0, patches: 1, posts: 0 });
    const rec = emu.records(Z).find((r) => r.id === id);
    assert.equal(rec?.proxied, false);
    assert.equal(rec?.ttl, 60);
  });

  it('reports TTL 1 ("automatic") as the 300 s Cloudflare documents', async () => {
    emu.seed(Z, { name: `auto.${ZONE}`, type: 'A', content: '192.0.2.5', ttl: 1 });
    assert.deepEqual(await p.list(ZONE, [`auto.${ZONE}`], never), [{ name: `auto.${ZONE}`, type: 'A', ttl: 300, values: ['192.0.2.5'] }]);
  });

  it('writes TXT as quoted character-strings and changes nothing when one record of a batch is refused', async () => {
    const before = emu.records(Z).length;
    const good: RecordSet = { name: `good.${ZONE}`, type: 'TXT', ttl: 60, values: ['heritage=detour,detour/owner=x'] };
    const bad: RecordSet = { name: `bad.${ZONE}`, type: 'A', ttl: 30, values: ['192.0.2.1'] };
    await assert.rejects(p.apply(ZONE, [{ op: 'create', after: good }, { op: 'create', after: bad }], never), {
      code: 'DETOUR_DNS_PROVIDER_REJECTED',
      message: /9021 "Invalid TTL/,
    });
    assert.equal(emu.records(Z).length, before, 'one transaction: nothing was written');
    await p.apply(ZONE, [{ op: 'create', after: good }], never);
    assert.equal(emu.records(Z).find((r) => r.name === `good.${ZONE}`)?.content, '"heritage=detour,detour/owner=x"');
  });

  it('refuses, as not retryable, a token without access to the configured zone (403, code 10000)', async () => {
    await assert.rejects(provider({ zoneId: OTHER_ZONE }).list(ZONE, [ZONE], never), { code: 'DETOUR_DNS_PROVIDER_REJECTED', message: /HTTP 403 code 10000 "Authentication error"/ });
  });
});
