import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from '../common/index.js';
import { Endpoint, HealthModel, effectiveHealth, type DetourEvent } from '../model/index.js';
import { Balancer, type BalancerOptions, type Pool, type Selection } from './index.js';

// ---- helpers -------------------------------------------------------------------------

/** Deterministic PRNG (mulberry32) so statistical tests are reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface FakeClock {
  t: number;
  now(): number;
}
function fakeClock(t = 0): FakeClock {
  return { t, now() { return this.t; } };
}

function ep(pool: string, host: string, weight = 1): Endpoint {
  return new Endpoint('svc', pool, undefined, undefined, `http://${host}:80`, weight, undefined, 0);
}

function pool(name: string, priority: number, endpoints: Endpoint[]): Pool {
  return { name, priority, provider: undefined, region: undefined, hostHeader: undefined, endpoints };
}

type State = 'healthy' | 'unhealthy' | 'ejected' | 'drained';
function setState(e: Endpoint, state: State): void {
  e.active = state === 'unhealthy' ? { state: 'unhealthy', since: 0, reason: 'test', consecutiveSuccesses: 0 } : { state: 'unknown' };
  e.outlier = state === 'ejected'
    ? { state: 'ejected', since: 0, until: 30_000, ejections: 1, reason: 'test', passesSince: 0 }
    : { state: 'ok', ejections: 0, lastEjectedAt: undefined };
  e.drained = state === 'drained';
  e.health = effectiveHealth(e);
}

function balancer(pools: Pool[], opts: Partial<BalancerOptions> = {}): Balancer {
  return new Balancer(pools, { kind: 'round-robin', slowStart: 0, allDown: 'fail-closed', clock: fakeClock(), ...opts });
}

function picked(s: Selection): Endpoint {
  assert.equal(s.kind, 'endpoint', `expected an endpoint, got ${JSON.stringify(s)}`);
  if (s.kind !== 'endpoint') throw new Error('unreachable');
  return s.endpoint;
}

const none = new Set<Endpoint>();

/** Two tiers: primary (priority 1: a, b) and backup (priority 2: c). */
function twoTiers(opts: Partial<BalancerOptions> = {}) {
  const a = ep('primary', 'a');
  const b = ep('primary', 'b');
  const c = ep('backup', 'c');
  const primary = pool('primary', 1, [a, b]);
  const backup = pool('backup', 2, [c]);
  // Pools listed out of priority order on purpose: tiers sort them.
  const bal = balancer([backup, primary], opts);
  return { a, b, c, primary, backup, bal };
}

// ---- priority tiers ------------------------------------------------------------------

describe('Balancer priority tiers', () => {
  for (const kind of ['round-robin', 'p2c'] as const) {
    it(`sends every request to the best priority tier while it has a routable endpoint (${kind})`, () => {
      const { a, b, primary, bal } = twoTiers({ kind, random: mulberry32(1) });
      const seen = new Set<Endpoint>();
      for (let i = 0; i < 200; i++) {
        const s = bal.select(none);
        assert.equal(s.kind, 'endpoint');
        if (s.kind !== 'endpoint') return;
        assert.equal(s.tier, 1);
        assert.equal(s.panic, false);
        assert.equal(s.pool, primary);
        seen.add(s.endpoint);
      }
      assert.deepEqual(seen, new Set([a, b]));
    });
  }

  it('skips endpoints already tried, then moves to the next priority, then reports all-tried', () => {
    const { a, b, c, backup, bal } = twoTiers();
    assert.equal(picked(bal.select(new Set([a]))), b);
    assert.equal(picked(bal.select(new Set([b]))), a);
    const s = bal.select(new Set([a, b]));
    assert.equal(picked(s), c);
    assert.equal(s.kind === 'endpoint' && s.tier, 2);
    assert.equal(s.kind === 'endpoint' && s.pool, backup);
    assert.deepEqual(bal.select(new Set([a, b, c])), { kind: 'none', reason: 'all-tried' });
  });

  it('retries on a best tier that is still in slow start once the lower tier was tried', () => {
    const t = 1_000_000;
    const p = ep('primary', 'p');
    const q = ep('backup', 'q');
    p.routableSince = t; // just came back: warming
    const bal = balancer([pool('primary', 0, [p]), pool('backup', 1, [q])], { slowStart: 30_000, clock: fakeClock(t), random: mulberry32(5) });
    for (let i = 0; i < 200; i++) assert.equal(picked(bal.select(new Set([q]))), p);
  });

  it('moves traffic to the next priority when every endpoint of the best tier is ejected', () => {
    const { a, b, c, bal } = twoTiers();
    setState(a, 'ejected');
    setState(b, 'ejected');
    for (let i = 0; i < 10; i++) {
      const s = bal.select(none);
      assert.equal(picked(s), c);
      assert.equal(s.kind === 'endpoint' && s.panic, false);
    }
  });

  it('keeps traffic on the healthy endpoints of the best tier when only some are down', () => {
    const { a, b, bal } = twoTiers();
    setState(a, 'unhealthy');
    for (let i = 0; i < 10; i++) assert.equal(picked(bal.select(none)), b);
  });

  it('moves back to the best tier as soon as one of its endpoints is routable again', () => {
    const { a, b, c, bal } = twoTiers();
    setState(a, 'unhealthy');
    setState(b, 'drained');
    assert.equal(picked(bal.select(none)), c);
    setState(a, 'healthy');
    assert.equal(picked(bal.select(none)), a);
  });

  it('spreads a tier over every pool that shares its priority and reports the pool of the chosen endpoint', () => {
    const a = ep('tencent', 'a');
    const b = ep('aliyun', 'b');
    const tencent = pool('tencent', 1, [a]);
    const aliyun = pool('aliyun', 1, [b]);
    const bal = balancer([tencent, aliyun]);
    assert.equal(bal.tiers.length, 1);
    const counts = new Map<string, number>();
    for (let i = 0; i < 100; i++) {
      const s = bal.select(none);
      assert.equal(s.kind, 'endpoint');
      if (s.kind !== 'endpoint') return;
      assert.equal(s.pool, s.endpoint === a ? tencent : aliyun);
      counts.set(s.pool.name, (counts.get(s.pool.name) ?? 0) + 1);
    }
    assert.deepEqual(Object.fromEntries(counts), { tencent: 50, aliyun: 50 });
  });
});

// ---- forced priority -----------------------------------------------------------------

describe('Balancer forced priority', () => {
  it('sends traffic to the forced priority first even though a better tier is healthy', () => {
    const { c, bal } = twoTiers();
    bal.forcedPriority = 2;
    for (let i = 0; i < 5; i++) {
      const s = bal.select(none);
      assert.equal(picked(s), c);
      assert.equal(s.kind === 'endpoint' && s.tier, 2);
    }
  });

  it('falls back to the best other tier when the forced tier has nothing routable', () => {
    const { a, b, c, bal } = twoTiers();
    bal.forcedPriority = 2;
    setState(c, 'ejected');
    const got = new Set([picked(bal.select(none)), picked(bal.select(none))]);
    assert.deepEqual(got, new Set([a, b]));
  });

  it('falls back to the other tiers when the forced tier was already tried', () => {
    const { a, b, c, bal } = twoTiers();
    bal.forcedPriority = 2;
    const e = picked(bal.select(new Set([c])));
    assert.ok(e === a || e === b);
  });

  it('behaves automatically when the forced priority names no tier, and again once cleared', () => {
    const { a, b, c, bal } = twoTiers();
    bal.forcedPriority = 7;
    assert.notEqual(picked(bal.select(none)), c);
    bal.forcedPriority = 2;
    assert.equal(picked(bal.select(none)), c);
    bal.forcedPriority = undefined;
    const e = picked(bal.select(none));
    assert.ok(e === a || e === b);
  });
});

// ---- all down: fail-open / fail-closed -----------------------------------------------

describe('Balancer when nothing is routable', () => {
  it('fail-closed answers kind none with reason all-down', () => {
    const { a, b, c, bal } = twoTiers({ allDown: 'fail-closed' });
    setState(a, 'unhealthy');
    setState(b, 'ejected');
    setState(c, 'drained');
    assert.deepEqual(bal.select(none), { kind: 'none', reason: 'all-down' });
    assert.equal(bal.anyRoutable(), false);
  });

  it('fail-open returns non-drained endpoints of the best tier and marks the selection as panic', () => {
    const { a, b, c, bal } = twoTiers({ allDown: 'fail-open' });
    setState(a, 'unhealthy');
    setState(b, 'ejected');
    setState(c, 'unhealthy');
    const seen = new Set<Endpoint>();
    for (let i = 0; i < 20; i++) {
      const s = bal.select(none);
      assert.equal(s.kind, 'endpoint');
      if (s.kind !== 'endpoint') return;
      assert.equal(s.panic, true);
      assert.equal(s.tier, 1);
      seen.add(s.endpoint);
    }
    assert.deepEqual(seen, new Set([a, b]));
  });

  it('never chooses a drained endpoint, even in fail-open panic mode', () => {
    const { a, b, c, bal } = twoTiers({ allDown: 'fail-open' });
    setState(a, 'drained');
    setState(b, 'unhealthy');
    setState(c, 'drained');
    for (let i = 0; i < 20; i++) assert.equal(picked(bal.select(none)), b);
    // b tried: the only non-drained endpoint is gone; c (drained) must not be used.
    assert.deepEqual(bal.select(new Set([b])), { kind: 'none', reason: 'all-down' });
  });

  it('fail-open moves to the next tier in panic when the best tier is wholly drained', () => {
    const { a, b, c, bal } = twoTiers({ allDown: 'fail-open' });
    setState(a, 'drained');
    setState(b, 'drained');
    setState(c, 'ejected');
    const s = bal.select(none);
    assert.equal(picked(s), c);
    assert.equal(s.kind === 'endpoint' && s.panic, true);
    assert.equal(s.kind === 'endpoint' && s.tier, 2);
  });

  it('fail-open answers all-down when every endpoint is drained', () => {
    const { a, b, c, bal } = twoTiers({ allDown: 'fail-open' });
    for (const e of [a, b, c]) setState(e, 'drained');
    assert.deepEqual(bal.select(none), { kind: 'none', reason: 'all-down' });
  });

  it('does not panic while a routable endpoint exists but was already tried (all-tried)', () => {
    const { a, b, c, bal } = twoTiers({ allDown: 'fail-open' });
    setState(b, 'unhealthy');
    setState(c, 'unhealthy');
    assert.deepEqual(bal.select(new Set([a])), { kind: 'none', reason: 'all-tried' });
  });
});

// ---- activeTier / anyRoutable --------------------------------------------------------

describe('Balancer.activeTier', () => {
  it('is the best tier that has a routable endpoint', () => {
    const { a, b, bal } = twoTiers();
    assert.equal(bal.activeTier()?.priority, 1);
    setState(a, 'ejected');
    assert.equal(bal.activeTier()?.priority, 1);
    setState(b, 'unhealthy');
    assert.equal(bal.activeTier()?.priority, 2);
  });

  it('is undefined when nothing is routable anywhere', () => {
    const { a, b, c, bal } = twoTiers({ allDown: 'fail-open' });
    setState(a, 'unhealthy');
    setState(b, 'drained');
    setState(c, 'ejected');
    assert.equal(bal.activeTier(), undefined);
    assert.equal(bal.anyRoutable(), false);
  });

  it('is the forced tier while it has a routable endpoint, else the best routable one', () => {
    const { c, bal } = twoTiers();
    bal.forcedPriority = 2;
    assert.equal(bal.activeTier()?.priority, 2);
    setState(c, 'drained');
    assert.equal(bal.activeTier()?.priority, 1);
  });

  it('groups pools by priority into tiers sorted best (lowest number) first', () => {
    const { bal, primary, backup, a, b, c } = twoTiers();
    assert.deepEqual(bal.tiers.map((t) => t.priority), [1, 2]);
    assert.deepEqual(bal.tiers[0]?.pools, [primary]);
    assert.deepEqual(bal.tiers[0]?.endpoints, [a, b]);
    assert.deepEqual(bal.tiers[1]?.pools, [backup]);
    assert.deepEqual(bal.tiers[1]?.endpoints, [c]);
  });
});

// ---- weights -------------------------------------------------------------------------

describe('Balancer weights', () => {
  it('round robin interleaves 2:1 as a,b,a (nginx smooth weighted round robin), not a,a,b', () => {
    const a = ep('p', 'a', 2);
    const b = ep('p', 'b', 1);
    const bal = balancer([pool('p', 1, [a, b])], { kind: 'round-robin' });
    const seq = Array.from({ length: 9 }, () => (picked(bal.select(none)) === a ? 'a' : 'b')).join(',');
    assert.equal(seq, 'a,b,a,a,b,a,a,b,a');
  });

  it('round robin gives the nginx sequence a,a,b,a,c,a,a for weights 5:1:1', () => {
    const a = ep('p', 'a', 5);
    const b = ep('p', 'b', 1);
    const c = ep('p', 'c', 1);
    const bal = balancer([pool('p', 1, [a, b, c])], { kind: 'round-robin' });
    const name = new Map([[a, 'a'], [b, 'b'], [c, 'c']]);
    const seq = Array.from({ length: 14 }, () => name.get(picked(bal.select(none)))).join('');
    assert.equal(seq, 'aabacaa'.repeat(2));
  });

  it('round robin respects 2:1 weights within 5% over 30k picks', () => {
    const a = ep('p', 'a', 2);
    const b = ep('p', 'b', 1);
    const bal = balancer([pool('p', 1, [a, b])], { kind: 'round-robin' });
    let na = 0;
    const n = 30_000;
    for (let i = 0; i < n; i++) if (picked(bal.select(none)) === a) na++;
    assert.ok(Math.abs(na / n - 2 / 3) <= (2 / 3) * 0.05, `share of a = ${na / n}`);
    assert.equal(na, 20_000); // smooth WRR is exact over whole cycles
  });

  it('p2c respects 2:1 weights within 5% over 30k picks when requests overlap', () => {
    // Closed-loop load model: 100 requests in flight, all with the same latency (FIFO
    // completion); each step one request finishes and a new one is balanced.
    const a = ep('p', 'a', 2);
    const b = ep('p', 'b', 1);
    const bal = balancer([pool('p', 1, [a, b])], { kind: 'p2c', random: mulberry32(42) });
    const inFlight: Endpoint[] = [];
    const start = (): Endpoint => {
      const e = picked(bal.select(none));
      e.inflight++;
      inFlight.push(e);
      return e;
    };
    for (let i = 0; i < 100; i++) start();
    let na = 0;
    const n = 30_000;
    for (let i = 0; i < n; i++) {
      inFlight.shift()!.inflight--;
      if (start() === a) na++;
    }
    assert.ok(Math.abs(na / n - 2 / 3) <= (2 / 3) * 0.05, `share of a = ${na / n}`);
  });

  it('p2c respects 2:1:1 weights within 5% over 30k picks when requests overlap', () => {
    const a = ep('p', 'a', 2);
    const b = ep('p', 'b', 1);
    const c = ep('p', 'c', 1);
    const bal = balancer([pool('p', 1, [a, b, c])], { kind: 'p2c', random: mulberry32(7) });
    const inFlight: Endpoint[] = [];
    const counts = new Map<Endpoint, number>([[a, 0], [b, 0], [c, 0]]);
    const start = (): void => {
      const e = picked(bal.select(none));
      e.inflight++;
      inFlight.push(e);
      counts.set(e, counts.get(e)! + 1);
    };
    for (let i = 0; i < 100; i++) start();
    for (const k of counts.keys()) counts.set(k, 0);
    const n = 30_000;
    for (let i = 0; i < n; i++) {
      inFlight.shift()!.inflight--;
      start();
    }
    const share = (e: Endpoint) => counts.get(e)! / n;
    assert.ok(Math.abs(share(a) - 0.5) <= 0.5 * 0.05, `share of a = ${share(a)}`);
    assert.ok(Math.abs(share(b) - 0.25) <= 0.25 * 0.05, `share of b = ${share(b)}`);
    assert.ok(Math.abs(share(c) - 0.25) <= 0.25 * 0.05, `share of c = ${share(c)}`);
  });

  it('p2c respects 2:1 weights within 5% over 30k picks when requests do not overlap', () => {
    const a = ep('p', 'a', 2);
    const b = ep('p', 'b', 1);
    const bal = balancer([pool('p', 1, [a, b])], { kind: 'p2c', random: mulberry32(42) });
    let na = 0;
    const n = 30_000;
    for (let i = 0; i < n; i++) if (picked(bal.select(none)) === a) na++;
    assert.ok(Math.abs(na / n - 2 / 3) <= (2 / 3) * 0.05, `share of a = ${na / n}`);
  });

  it('p2c prefers the endpoint with fewer requests in flight', () => {
    const a = ep('p', 'a');
    const b = ep('p', 'b');
    const bal = balancer([pool('p', 1, [a, b])], { kind: 'p2c', random: mulberry32(3) });
    a.inflight = 5;
    for (let i = 0; i < 50; i++) assert.equal(picked(bal.select(none)), b);
    a.inflight = 0;
    b.inflight = 1;
    for (let i = 0; i < 50; i++) assert.equal(picked(bal.select(none)), a);
  });
});

// ---- slow start ----------------------------------------------------------------------

describe('Balancer slow start', () => {
  it('ramps an endpoint that returns from ejection from 10% of its share to 100% over the window', () => {
    const clock = fakeClock(100_000);
    const bus = new EventBus<DetourEvent>();
    const events: DetourEvent[] = [];
    bus.onAny((e) => events.push(e));
    const model = new HealthModel(bus, clock, 'test');
    const a = ep('p', 'a');
    const b = ep('p', 'b');
    const bal = new Balancer([pool('p', 1, [a, b])], { kind: 'round-robin', slowStart: 10_000, allDown: 'fail-closed', clock });

    b.outlier = { state: 'ejected', since: clock.t, until: clock.t + 30_000, ejections: 1, reason: 'test', passesSince: 0 };
    model.settle(b, 'passive', 'ejected');
    for (let i = 0; i < 10; i++) assert.equal(picked(bal.select(none)), a);

    clock.t = 130_000;
    b.outlier = { state: 'ok', ejections: 1, lastEjectedAt: 100_000 };
    model.settle(b, 'passive', 'ejection over');
    assert.equal(b.routableSince, 130_000);
    assert.deepEqual(events.map((e) => e.type === 'endpoint.health' && `${e.from}->${e.to}`), ['healthy->ejected', 'ejected->healthy']);

    const shareOfB = (n: number): number => {
      let nb = 0;
      for (let i = 0; i < n; i++) if (picked(bal.select(none)) === b) nb++;
      return nb / n;
    };
    // Start of the window: weight 0.1 vs 1.
    assert.ok(Math.abs(shareOfB(1100) - 0.1 / 1.1) < 0.01);
    // Half-way: weight 0.5 vs 1.
    clock.t = 135_000;
    assert.ok(Math.abs(shareOfB(1500) - 0.5 / 1.5) < 0.01);
    // Window over: full weight.
    clock.t = 140_000;
    assert.ok(Math.abs(shareOfB(1000) - 0.5) < 0.01);
  });
});
