/**
 * The DnsProvider contract, run against each cloud adapter driven through its official SDK and
 * pointed at that cloud's emulator (test/emulators/): reads and writes, paging, error mapping to
 * DetourError, secrets kept out of errors, deadlines and AbortSignal.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { isDetourError, type DetourError } from '../src/errors/index.js';
import type { Change, DnsProvider, RecordSet } from '../src/dns/provider.js';
import { CLOUD_TYPES, managed, startCloud, ZONE, type Cloud } from './emulators/harness.js';
import { waitUntil, type FaultKind } from './emulators/server.js';

const API = `api.${ZONE}`;
const never = new AbortController().signal;

async function rejects(p: Promise<unknown>): Promise<DetourError> {
  try {
    await p;
  } catch (e) {
    assert.ok(isDetourError(e), `expected a DetourError, got ${inspect(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

/** What a planner would send to turn `current` into `desired` at one name+type. */
function planOne(current: RecordSet | undefined, desired: RecordSet | undefined): Change[] {
  if (current === undefined) return desired === undefined ? [] : [{ op: 'create', after: desired }];
  if (desired === undefined) return [{ op: 'delete', before: current }];
  return [{ op: 'update', before: current, after: desired }];
}

async function converge(p: DnsProvider, desired: RecordSet): Promise<void> {
  const current = (await p.list(ZONE, [desired.name], never)).find((s) => s.type === desired.type);
  await p.apply(ZONE, planOne(current, desired), never);
}

for (const type of CLOUD_TYPES) {
  describe(`${type} adapter against its emulator`, () => {
    let cloud: Cloud;
    let p: DnsProvider;
    let ttl: number;
    before(async () => {
      cloud = await startCloud(type);
      p = cloud.provider();
      ttl = Math.max(cloud.minTtl, 60);
    });
    after(() => cloud.emulator.close());

    it('lists nothing at names that hold no records', async () => {
      assert.deepEqual(await p.list(ZONE, [`nothing.${ZONE}`], never), []);
    });

    it('creates an RRset, lists it back with sorted values, updates it in place and deletes it', async () => {
      const a: RecordSet = { name: API, type: 'A', ttl, values: ['192.0.2.10', '192.0.2.11'] };
      await p.apply(ZONE, [{ op: 'create', after: a }], never);
      assert.deepEqual(await p.list(ZONE, [API], never), [a]);
      assert.deepEqual(managed(cloud.rrsets()).filter((s) => s.name === API), [a]);

      const b: RecordSet = { name: API, type: 'A', ttl: ttl + 60, values: ['192.0.2.11', '198.51.100.7'] };
      await p.apply(ZONE, [{ op: 'update', before: a, after: b }], never);
      assert.deepEqual(await p.list(ZONE, [API], never), [b]);

      await p.apply(ZONE, [{ op: 'delete', before: b }], never);
      assert.deepEqual(await p.list(ZONE, [API], never), []);
      assert.deepEqual(managed(cloud.rrsets()).filter((s) => s.name === API), []);
    });

    it('returns only the asked names, every supported type at them, and leaves other records alone', async () => {
      const www: RecordSet = { name: `www.${ZONE}`, type: 'CNAME', ttl, values: [`cdn-a.example.net`] };
      const six: RecordSet = { name: `v6.${ZONE}`, type: 'AAAA', ttl, values: ['2001:db8::1', '2001:db8::2'] };
      const txt: RecordSet = { name: `v6.${ZONE}`, type: 'TXT', ttl, values: ['heritage=detour,detour/owner=edge-1,"q" ü'] };
      await p.apply(ZONE, [{ op: 'create', after: www }, { op: 'create', after: six }, { op: 'create', after: txt }], never);
      assert.deepEqual(await p.list(ZONE, [`v6.${ZONE}`], never), [six, txt]);
      assert.deepEqual(await p.list(ZONE, [`www.${ZONE}`, `other.${ZONE}`], never), [www]);
      await p.apply(ZONE, [{ op: 'delete', before: six }], never);
      assert.deepEqual(await p.list(ZONE, [`v6.${ZONE}`, `www.${ZONE}`], never), [txt, www]);
    });

    it('replaces an A with a CNAME at the same name when the planner puts the delete first', async () => {
      const a: RecordSet = { name: `swap.${ZONE}`, type: 'A', ttl, values: ['192.0.2.50'] };
      const c: RecordSet = { name: `swap.${ZONE}`, type: 'CNAME', ttl, values: ['backup.example.net'] };
      await p.apply(ZONE, [{ op: 'create', after: a }], never);
      await p.apply(ZONE, [{ op: 'delete', before: a }, { op: 'create', after: c }], never);
      assert.deepEqual(await p.list(ZONE, [`swap.${ZONE}`], never), [c]);
    });

    it('pages through a zone larger than one page', async () => {
      const names = Array.from({ length: 7 }, (_, i) => `page${i}.${ZONE}`);
      names.forEach((n, i) => cloud.seedA(n, `203.0.113.${i + 1}`, ttl));
      const small = cloud.provider({ pageSize: 3 });
      const before = cloud.emulator.callsOf(cloud.listAction).length;
      const got = await small.list(ZONE, names, never);
      assert.deepEqual(got.map((s) => s.values[0]).sort(), names.map((_, i) => `203.0.113.${i + 1}`).sort());
      assert.ok(cloud.emulator.callsOf(cloud.listAction).length - before >= 3, 'at least three pages were requested');
    });

    for (const [fault, what] of [
      ['internal-error', "the provider's server-error envelope"],
      ['http-5xx', 'a 503 from a load balancer'],
      ['throttle', 'rate limiting'],
      ['reset', 'a reset connection'],
    ] as Array<[FaultKind, string]>) {
      it(`maps ${what} to a retryable DETOUR_DNS_PROVIDER_UNAVAILABLE`, async () => {
        cloud.emulator.faults.failNext(1, fault);
        const e = await rejects(p.list(ZONE, [API], never));
        assert.equal(e.code, 'DETOUR_DNS_PROVIDER_UNAVAILABLE');
        assert.equal(e.retryable, true);
        assert.match(e.message, new RegExp(`"${p.name}" \\(${type}\\) ${cloud.listAction} failed`));
        assert.equal(cloud.emulator.faults.pending, 0);
      });
    }

    it('gives up on an unanswered call at its per-call timeout, as retryable', async () => {
      cloud.emulator.faults.failNext(1, 'timeout');
      const e = await rejects(cloud.provider({ timeoutMs: 300 }).list(ZONE, [API], never));
      assert.equal(e.code, 'DETOUR_DNS_PROVIDER_UNAVAILABLE');
      assert.match(e.message, /timed out after 300 ms/);
    });

    it("ends a hanging call when the caller's signal aborts", async () => {
      cloud.emulator.faults.failNext(1, 'timeout');
      const ac = new AbortController();
      const n = cloud.emulator.calls.length;
      const pending = cloud.provider({ timeoutMs: 60_000 }).list(ZONE, [API], ac.signal);
      await waitUntil(() => cloud.emulator.calls.length > n, 'the call to reach the emulator');
      ac.abort();
      const e = await rejects(pending);
      assert.equal(e.retryable, true);
      assert.match(e.message, /aborted by the caller/);
    });

    it('rejects a wrong secret as not retryable, without the secret anywhere in the error', async () => {
      const e = await rejects(cloud.provider({ wrongSecret: true }).list(ZONE, [API], never));
      assert.equal(e.code, 'DETOUR_DNS_PROVIDER_REJECTED');
      assert.equal(e.retryable, false);
      const everything = [e.message, e.stack ?? '', inspect(e, { depth: null, showHidden: true }), JSON.stringify(e)].join('\n');
      for (const secret of [cloud.secret, 'ThisIsNotTheSecretKey0123456789abcdefXYZ']) {
        assert.ok(!everything.includes(secret), 'secret leaked into the error');
        assert.ok(!everything.includes(encodeURIComponent(secret)), 'URL-encoded secret leaked into the error');
      }
    });

    it('rejects a record the provider refuses (invalid A value) as not retryable', async () => {
      const bad: RecordSet = { name: `bad.${ZONE}`, type: 'A', ttl, values: ['192.0.2.300'] };
      const e = await rejects(p.apply(ZONE, [{ op: 'create', after: bad }], never));
      assert.equal(e.code, 'DETOUR_DNS_PROVIDER_REJECTED');
      assert.equal(e.retryable, false);
    });

    it('fails mid-change without ever emptying the name, and a fresh round converges', async () => {
      const name = `mid.${ZONE}`;
      const first: RecordSet = { name, type: 'A', ttl, values: ['192.0.2.1', '192.0.2.2'] };
      const want: RecordSet = { name, type: 'A', ttl: ttl + 60, values: ['192.0.2.3', '192.0.2.4', '192.0.2.5'] };
      await p.apply(ZONE, [{ op: 'create', after: first }], never);
      // The second write of a per-record API, or the only batch call of Cloudflare and Route 53.
      cloud.emulator.faults.failNext(1, 'internal-error', { action: cloud.writeActions, skip: cloud.writeActions.length > 1 ? 1 : 0 });
      const e = await rejects(p.apply(ZONE, [{ op: 'update', before: first, after: want }], never));
      assert.equal(e.retryable, true);
      const mid = await p.list(ZONE, [name], never);
      assert.equal(mid.length, 1);
      assert.ok(mid[0]!.values.length >= 2, `the name kept answering: ${JSON.stringify(mid)}`);
      await converge(p, want);
      assert.deepEqual(await p.list(ZONE, [name], never), [want]);
    });
  });
}
