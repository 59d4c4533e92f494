/**
 * Route 53 specifics, through @aws-sdk/client-route-53 (SigV4) against the REST-XML emulator:
 * one transactional ChangeResourceRecordSets per apply with UPSERT/DELETE, the documented batch
 * limits, name and TXT escapes, and the SDK's default credential chain.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRoute53Provider } from '../src/dns/providers/route53.js';
import type { DnsProvider, RecordSet } from '../src/dns/provider.js';
import { startRoute53Emulator, type Route53Emulator } from './emulators/route53.js';
import { CREDS, ZONE } from './emulators/harness.js';

const never = new AbortController().signal;
const ZID = CREDS.R53_ZONE_ID;

describe('Route 53 adapter', () => {
  let emu: Route53Emulator;
  let p: DnsProvider;
  const provider = (over: Partial<Parameters<typeof createRoute53Provider>[0]> = {}): DnsProvider =>
    createRoute53Provider({ name: 'r53', hostedZoneId: ZID, endpoint: emu.url, credentials: { accessKeyId: CREDS.AWS_ID, secretAccessKey: CREDS.AWS_KEY }, ...over });
  const changes = (from: number) => emu.calls.slice(from).filter((c) => c.action === 'ChangeResourceRecordSets').map((c) => String(c.params.body));
  const actions = (xml: string) => [...xml.matchAll(/<Action>(\w+)<\/Action><ResourceRecordSet><Name>([^<]+)<\/Name><Type>(\w+)<\/Type>/g)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);

  before(async () => {
    emu = await startRoute53Emulator({ credentials: { [CREDS.AWS_ID]: CREDS.AWS_KEY }, zones: { [ZID]: ZONE } });
    p = provider();
  });
  after(() => emu.close());

  it('sends one ChangeResourceRecordSets per apply: UPSERT for creates and updates, DELETE with the RRset as stored', async () => {
    const a: RecordSet = { name: `api.${ZONE}`, type: 'A', ttl: 60, values: ['192.0.2.1'] };
    const gone: RecordSet = { name: `gone.${ZONE}`, type: 'CNAME', ttl: 300, values: ['old.example.net'] };
    emu.seed(ZID, { Name: `gone.${ZONE}.`, Type: 'CNAME', TTL: 300, ResourceRecords: ['Old.Example.NET.'] });
    await p.apply(ZONE, [{ op: 'create', after: a }], never);
    const n = emu.calls.length;
    const b: RecordSet = { ...a, values: ['192.0.2.1', '192.0.2.2'] };
    const www: RecordSet = { name: `www.${ZONE}`, type: 'CNAME', ttl: 60, values: ['cdn-a.example.net'] };
    await p.apply(ZONE, [{ op: 'delete', before: gone }, { op: 'update', before: a, after: b }, { op: 'create', after: www }], never);
    const sent = changes(n);
    assert.equal(sent.length, 1);
    assert.deepEqual(actions(sent[0]!), [`DELETE gone.${ZONE}. CNAME`, `UPSERT api.${ZONE}. A`, `UPSERT www.${ZONE}. CNAME`]);
    assert.match(sent[0]!, /<Value>Old\.Example\.NET\.<\/Value>/, 'DELETE repeats the stored value exactly');
    assert.deepEqual(await p.list(ZONE, [`api.${ZONE}`, `gone.${ZONE}`, `www.${ZONE}`], never), [b, www]);
  });

  it('applies a batch all or nothing: one refused change leaves every RRset as it was', async () => {
    const ok: RecordSet = { name: `fine.${ZONE}`, type: 'A', ttl: 60, values: ['192.0.2.9'] };
    const bad: RecordSet = { name: `broken.${ZONE}`, type: 'A', ttl: 60, values: ['192.0.2.300'] };
    const before = emu.rrsetsRaw(ZID);
    await assert.rejects(p.apply(ZONE, [{ op: 'create', after: ok }, { op: 'create', after: bad }], never), {
      code: 'DETOUR_DNS_PROVIDER_REJECTED',
      message: /HTTP 400 InvalidChangeBatch .*ARRDATAIllegalIPv4Address/,
    });
    assert.deepEqual(emu.rrsetsRaw(ZID), before);
  });

  it('splits a batch above 1000 ResourceRecord elements, an UPSERT counting twice', async () => {
    const sets: RecordSet[] = Array.from({ length: 6 }, (_, i) => ({
      name: `big${i}.${ZONE}`, type: 'A', ttl: 60, values: Array.from({ length: 100 }, (_v, j) => `10.${i}.${Math.floor(j / 10)}.${j % 10}`).sort(),
    }));
    const n = emu.calls.length;
    await p.apply(ZONE, sets.map((s) => ({ op: 'create' as const, after: s })), never);
    assert.deepEqual(changes(n).map((xml) => actions(xml).length), [5, 1]);
    assert.deepEqual(await p.list(ZONE, sets.map((s) => s.name), never), sets);
  });

  it('round-trips a wildcard name (listed as \\052) and TXT text with quotes and non-ASCII (octal escapes)', async () => {
    const star: RecordSet = { name: `*.${ZONE}`, type: 'A', ttl: 60, values: ['192.0.2.42'] };
    const txt: RecordSet = { name: `_detour-a.api.${ZONE}`, type: 'TXT', ttl: 60, values: ['heritage=detour,detour/owner=edge "1" 中'] };
    await p.apply(ZONE, [{ op: 'create', after: star }, { op: 'create', after: txt }], never);
    assert.deepEqual(await p.list(ZONE, [`*.${ZONE}`, `_detour-a.api.${ZONE}`], never), [star, txt]);
    assert.ok(emu.rrsetsRaw(ZID).some((r) => r.Type === 'TXT' && r.ResourceRecords[0] === '"heritage=detour,detour/owner=edge \\"1\\" \\344\\270\\255"'));
  });

  it('skips the DELETE of an RRset that is already gone instead of failing the batch', async () => {
    const n = emu.calls.length;
    await p.apply(ZONE, [{ op: 'delete', before: { name: `never.${ZONE}`, type: 'A', ttl: 60, values: ['192.0.2.1'] } }], never);
    assert.deepEqual(changes(n), []);
  });

  it('accepts a hosted zone id in the "/hostedzone/…" form the console shows', async () => {
    assert.deepEqual(await provider({ hostedZoneId: `/hostedzone/${ZID}` }).list(ZONE, [`*.${ZONE}`], never), [{ name: `*.${ZONE}`, type: 'A', ttl: 60, values: ['192.0.2.42'] }]);
  });

  it("uses the AWS SDK's default credential chain when no keys are configured", async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, key: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = CREDS.AWS_ID;
    process.env.AWS_SECRET_ACCESS_KEY = CREDS.AWS_KEY;
    try {
      const fromEnv = provider({ credentials: undefined });
      assert.equal((await fromEnv.list(ZONE, [`*.${ZONE}`], never)).length, 1);
    } finally {
      for (const [k, v] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.key]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
