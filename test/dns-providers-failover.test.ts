/**
 * Issue #4, "Behaviour that must hold" 1 and 5: one desired state pushed to four emulated clouds
 * (official SDKs → documented wire formats) and a real BIND 9 (RFC 2136 + TSIG), each through its
 * own ProviderReconciler (src/dns/reconciler.ts, the loop `detour start` runs). Each cloud in turn
 * has its API fail in the middle of a change, each with a different failure: the others converge
 * anyway, nothing is rolled back or emptied at the failing one, and it catches up by itself once
 * its API answers again.
 *
 * test/dns-five-providers.test.ts covers the same through the config file and the gateway with one
 * failing cloud (DNSPod, whole API down); this file drives the reconcilers directly so that every
 * cloud gets to be the one that fails half-way.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus, systemClock } from '../src/common/index.js';
import type { DetourEvent } from '../src/model/index.js';
import { ProviderReconciler, type DesiredState } from '../src/dns/reconciler.js';
import { namesToList, RECORD_TYPES } from '../src/dns/names.js';
import { createRfc2136Provider } from '../src/dns/providers/index.js';
import { MemoryAudit } from '../src/dns/testing.js';
import type { DnsProvider, RecordSet } from '../src/dns/provider.js';
import { CLOUD_TYPES, startCloud, ZONE, type Cloud, type CloudType } from './emulators/harness.js';
import { waitUntil, type FaultKind } from './emulators/server.js';
import { startBind, type Bind } from './dns-bind.js';

type ProviderEvent = Extract<DetourEvent, { type: 'dns.provider' }>;
const API = `api.${ZONE}`;
const POOL = ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4', '198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4', '198.51.100.5', '198.51.100.6'];
/** How each cloud fails when it is its turn: its own envelope, a black hole, or a load balancer's 503. */
const FAULT: Record<CloudType, FaultKind> = { cloudflare: 'timeout', 'tencent-dnspod': 'internal-error', alibaba: 'http-5xx', route53: 'internal-error' };

describe('one desired state, four emulated clouds and BIND: a cloud failing mid-change holds up nobody and catches up', () => {
  const clouds = new Map<CloudType, Cloud>();
  const providers = new Map<string, DnsProvider>();
  const reconcilers: ProviderReconciler[] = [];
  const events: ProviderEvent[] = [];
  const bus = new EventBus<DetourEvent>();
  let bind: Bind;
  let desired: DesiredState;

  const want = (values: string[]): void => {
    const set: RecordSet = { name: API, type: 'A', ttl: 60, values: [...values].sort() };
    desired = { records: [{ set, allowed: POOL, adopt: false }], names: namesToList([set], RECORD_TYPES), reasonFor: () => 'test: new answer' };
    for (const r of reconcilers) r.kick();
  };
  const held = (type: CloudType): string[] => clouds.get(type)!.rrsets().find((s) => s.name === API && s.type === 'A')?.values ?? [];
  const ttlAt = (type: CloudType): number | undefined => clouds.get(type)!.rrsets().find((s) => s.name === API && s.type === 'A')?.ttl;
  const same = (a: readonly string[], b: readonly string[]): boolean => [...a].sort().join() === [...b].sort().join();
  const bindHolds = async (values: string[]): Promise<void> => {
    const end = Date.now() + 60_000;
    while (!same(await bind.dig(API, 'A'), values)) {
      if (Date.now() > end) assert.fail(`BIND never answered ${values.join(',')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  before(async () => {
    bus.on('dns.provider', (e) => void events.push(e));
    bind = await startBind({ zone: ZONE });
    for (const type of CLOUD_TYPES) {
      const cloud = await startCloud(type);
      clouds.set(type, cloud);
      providers.set(type, cloud.provider({ name: type, timeoutMs: 5_000 }));
    }
    providers.set('bind', createRfc2136Provider({ name: 'bind', host: '127.0.0.1', port: bind.port, tsig: bind.key, timeout: 5_000 }));
    // Load each SDK and open its connections first (the SDKs load lazily, which takes seconds on
    // a busy CI machine): the tests below are about the reconcile loops, not about module loading.
    // Separate instances with a patient deadline: only the module cache is shared with the ones under test.
    await Promise.all([...clouds.values()].map((c) => c.provider({ timeoutMs: 60_000 }).list(ZONE, [ZONE], new AbortController().signal)));
    want(POOL.slice(0, 2));
    for (const provider of providers.values()) {
      reconcilers.push(
        new ProviderReconciler({
          provider, zone: ZONE, owner: 'detour', safety: { maxChangeShare: 1, minExisting: 10 },
          timing: { interval: 60_000, timeout: 15_000, backoff: 100, maxBackoff: 400 },
          desired: () => desired, audit: new MemoryAudit(), actor: 'test', bus, observer: 'test', clock: systemClock,
        }),
      );
    }
    for (const r of reconcilers) r.start();
  });

  after(async () => {
    await Promise.all(reconcilers.map((r) => r.stop()));
    await Promise.all([...clouds.values()].map((c) => c.emulator.close()));
    await bind?.stop();
  });

  it('converges every provider from empty, with the TTL raised to each cloud\'s minimum', async () => {
    await waitUntil(() => CLOUD_TYPES.every((t) => same(held(t), POOL.slice(0, 2))), 'all clouds to hold the first answer', 60_000);
    await bindHolds(POOL.slice(0, 2));
    assert.deepEqual(CLOUD_TYPES.map(ttlAt), [60, 600, 600, 60]);
  });

  CLOUD_TYPES.forEach((victim, round) => {
    it(`${victim} fails mid-change (${FAULT[victim]}): the other clouds and BIND converge, ${victim} catches up by itself`, async () => {
      const cloud = clouds.get(victim)!;
      const before = held(victim);
      const next = POOL.slice(2 + 2 * round, 4 + 2 * round);
      const perRecord = cloud.writeActions.length > 1;
      // Per-record APIs: the first write of the change passes, every later one fails (half-way).
      // Batch APIs (Cloudflare, Route 53): the batch call itself fails.
      cloud.emulator.faults.failNext(10_000, FAULT[victim], { action: cloud.writeActions, skip: perRecord ? 1 : 0 });
      const t0 = Date.now();
      want(next);

      const others = CLOUD_TYPES.filter((t) => t !== victim);
      await waitUntil(() => others.every((t) => same(held(t), next)), `${others.join(', ')} to converge`, 60_000);
      await bindHolds(next);
      await waitUntil(() => events.some((e) => e.provider === victim && !e.ok && e.at >= t0), `${victim} to report its failure`, 60_000);
      const failure = events.find((e) => e.provider === victim && !e.ok && e.at >= t0)!;
      assert.equal(failure.code, 'DETOUR_DNS_PROVIDER_UNAVAILABLE', failure.error);

      const mid = held(victim);
      assert.ok(mid.length >= before.length, `${victim} still answers with at least as many values: ${mid.join(',')}`);
      assert.ok(!same(mid, next), `${victim} has not converged while its API fails`);
      if (perRecord) assert.ok(mid.some((v) => next.includes(v)) && mid.some((v) => before.includes(v)), `${victim} was left half-way: ${mid.join(',')}`);
      else assert.deepEqual(mid, before, `${victim}'s batch is all or nothing`);

      const back = Date.now();
      cloud.emulator.faults.clear();
      await waitUntil(() => same(held(victim), next), `${victim} to catch up`, 60_000);
      await waitUntil(() => events.some((e) => e.provider === victim && e.ok && e.at >= back), `${victim} to report success`, 60_000);
      for (const t of others) assert.deepEqual(held(t), [...next].sort(), `${t} kept the new answer`);
    });
  });
});
