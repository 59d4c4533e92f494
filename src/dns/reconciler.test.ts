import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from '../common/index.js';
import type { DetourEvent } from '../model/index.js';
import { markerName } from './names.js';
import type { DesiredRecord } from './planner.js';
import type { RecordSet } from './provider.js';
import { ProviderReconciler, type DesiredState } from './reconciler.js';
import { flush, MemoryAudit, MemoryProvider } from './testing.js';

const timing = { interval: 60_000, timeout: 10_000, backoff: 1_000, maxBackoff: 60_000 };
const clock = { now: () => Date.now() };

function desiredOf(sets: RecordSet[]): DesiredState {
  const records: DesiredRecord[] = sets.map((set) => ({ set, allowed: ['192.0.2.1', '192.0.2.2', '192.0.2.3'], adopt: false }));
  return { records, names: sets.flatMap((s) => [s.name, markerName(s.name, s.type)]), reasonFor: () => 'test' };
}

describe('ProviderReconciler (fake timers)', () => {
  let bus: EventBus<DetourEvent>;
  let events: DetourEvent[];
  let audit: MemoryAudit;
  let desired: DesiredState;
  const loops: ProviderReconciler[] = [];
  const api = (v: string): RecordSet => ({ name: 'api.example.com', type: 'A', ttl: 60, values: [v] });

  const make = (p: MemoryProvider, extra: Partial<ConstructorParameters<typeof ProviderReconciler>[0]> = {}): ProviderReconciler => {
    const r = new ProviderReconciler({
      provider: p, zone: 'example.com', owner: 'me', safety: { maxChangeShare: 0.3, minExisting: 10 }, timing,
      desired: () => desired, audit, actor: 'test', bus, observer: 'obs', clock, random: () => 0.5, ...extra,
    });
    loops.push(r);
    return r;
  };

  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
    bus = new EventBus<DetourEvent>();
    events = [];
    bus.onAny((e) => events.push(e));
    audit = new MemoryAudit();
    desired = desiredOf([api('192.0.2.1')]);
  });
  afterEach(async () => {
    for (const l of loops.splice(0)) await l.stop();
    mock.timers.reset();
  });

  const tick = async (ms: number): Promise<void> => {
    mock.timers.tick(ms);
    await flush();
  };

  it('converges, audits each change, and reports last success with nothing pending', async () => {
    const p = new MemoryProvider('a');
    const r = make(p);
    r.start();
    await tick(0);
    assert.deepEqual(p.get('api.example.com', 'A')?.values, ['192.0.2.1']);
    const st = r.status();
    assert.equal(st.state, 'in-sync');
    assert.equal(st.lastSuccess, 1_000_000);
    assert.deepEqual(st.pending, []);
    assert.equal(st.lastError, null);
    assert.deepEqual(audit.entries.map((e) => [e.op, e.name, e.result]), [['create', '_detour-a.api.example.com', 'ok'], ['create', 'api.example.com', 'ok']]);
    assert.ok(events.some((e) => e.type === 'dns.provider' && e.ok && e.changes === 2));
  });

  it('backs off exponentially with jitter while the API is down, then catches up on its own', async () => {
    const p = new MemoryProvider('a');
    p.mode = 'down';
    const r = make(p);
    r.start();
    await tick(0);
    // random() = 0.5 → delay = 3/4 of min(max, base × 2^(n-1)): 750, 1500, 3000, 6000 …
    for (const delay of [750, 1500, 3000, 6000]) {
      assert.equal(r.status().nextAttemptAt, Date.now() + delay);
      await tick(delay - 1);
      const before = p.calls.length;
      await tick(1);
      assert.equal(p.calls.length, before + 1, `a retry after ${delay} ms`);
    }
    const st = r.status();
    assert.equal(st.state, 'retrying');
    assert.equal(st.consecutiveFailures, 5);
    assert.equal(st.lastError?.code, 'DETOUR_DNS_PROVIDER_UNAVAILABLE');
    assert.equal(st.lastSuccess, null);
    const failed = events.filter((e) => e.type === 'dns.provider' && !e.ok);
    assert.equal(failed.length, 5);
    p.mode = 'up';
    await tick(12_000); // the next retry (cap 16 s → 12 s with this jitter)
    assert.deepEqual(p.get('api.example.com', 'A')?.values, ['192.0.2.1']);
    assert.equal(r.status().state, 'in-sync');
    assert.equal(r.status().consecutiveFailures, 0);
  });

  it('never lets a provider that is down delay another one', async () => {
    const down = new MemoryProvider('down');
    const up = new MemoryProvider('up');
    down.mode = 'down';
    const a = make(down);
    const b = make(up);
    a.start();
    b.start();
    await tick(0);
    assert.deepEqual(up.get('api.example.com', 'A')?.values, ['192.0.2.1']);
    desired = desiredOf([api('192.0.2.2')]);
    a.kick();
    b.kick();
    await tick(0);
    assert.deepEqual(up.get('api.example.com', 'A')?.values, ['192.0.2.2'], 'the healthy provider converged at once');
    assert.equal(down.get('api.example.com', 'A'), undefined);
    assert.equal(a.status().state, 'retrying');
  });

  it('keeps a kick during backoff for the scheduled retry instead of hammering the API', async () => {
    const p = new MemoryProvider('a');
    p.mode = 'down';
    const r = make(p);
    r.start();
    await tick(0);
    const calls = p.calls.length;
    r.kick();
    await tick(0);
    assert.equal(p.calls.length, calls, 'no extra call');
    await tick(750);
    assert.equal(p.calls.length, calls + 1);
  });

  it('shows the pending diff of a provider that missed a change while down', async () => {
    const p = new MemoryProvider('a');
    const r = make(p);
    r.start();
    await tick(0);
    p.mode = 'down';
    desired = desiredOf([api('192.0.2.3')]);
    r.kick();
    await tick(0);
    const st = r.status();
    assert.equal(st.pending.length, 1);
    assert.deepEqual(st.pending[0], { op: 'update', before: api('192.0.2.1'), after: api('192.0.2.3') });
    assert.equal(st.lastSuccess, 1_000_000);
    assert.match(st.lastError?.message ?? '', /503/);
  });

  it('finishes a change that failed half-way in the next round, without rolling anything back', async () => {
    const p = new MemoryProvider('a');
    p.failApply = true;
    const r = make(p);
    r.start();
    await tick(0);
    assert.ok(p.get(markerName('api.example.com', 'A'), 'TXT'), 'the first half (the marker) was written and stays');
    assert.equal(p.get('api.example.com', 'A'), undefined);
    assert.ok(audit.entries.some((e) => e.result === 'failed'));
    p.failApply = false;
    await tick(750);
    assert.deepEqual(p.get('api.example.com', 'A')?.values, ['192.0.2.1']);
    assert.deepEqual(r.status().pending, []);
  });

  it('retries a refusal (wrong credentials) only at the longest backoff', async () => {
    const p = new MemoryProvider('a');
    p.mode = 'refuse';
    const r = make(p);
    r.start();
    await tick(0);
    assert.equal(r.status().nextAttemptAt, Date.now() + timing.maxBackoff);
    assert.equal(r.status().lastError?.code, 'DETOUR_DNS_PROVIDER_REJECTED');
  });

  it('gives up a round that hangs at the round timeout and retries', async () => {
    const p = new MemoryProvider('a');
    p.mode = 'hang';
    const r = make(p);
    r.start();
    await tick(0);
    await tick(timing.timeout);
    assert.equal(r.status().state, 'retrying');
    assert.match(r.status().lastError?.message ?? '', /timed out after 10000ms/);
  });

  it('blocks an unsafe plan with one alert, writes nothing, and audits the refusal once', async () => {
    const p = new MemoryProvider('a');
    desired = { ...desiredOf([]), records: [{ set: { name: 'sub.example.com', type: 'NS', ttl: 60, values: ['ns1.other.net'] }, allowed: [], adopt: false }], names: ['sub.example.com'] };
    const r = make(p);
    r.start();
    await tick(0);
    await tick(timing.interval);
    await tick(timing.interval);
    assert.equal(r.status().state, 'blocked');
    assert.equal(r.status().lastError?.code, 'DETOUR_DNS_UNSAFE_PLAN');
    assert.equal(p.sets.length, 0);
    assert.equal(events.filter((e) => e.type === 'dns.alert').length, 1);
    assert.equal(audit.entries.filter((e) => e.result === 'refused').length, 2, 'marker + NS, once');
  });

  it('still applies a health-driven switch while the rest of the plan is refused', async () => {
    const p = new MemoryProvider('a');
    const ns: DesiredRecord = { set: { name: 'sub.example.com', type: 'NS', ttl: 60, values: ['ns1.other.net'] }, allowed: [], adopt: false };
    const r = make(p);
    r.start();
    await tick(0);
    desired = { ...desiredOf([api('192.0.2.2')]), records: [...desiredOf([api('192.0.2.2')]).records, ns], names: [...desiredOf([api('192.0.2.2')]).names, 'sub.example.com'] };
    r.kick();
    await tick(0);
    assert.deepEqual(p.get('api.example.com', 'A')?.values, ['192.0.2.2'], 'the failover went through');
    assert.equal(p.get('sub.example.com', 'NS'), undefined, 'the NS change did not');
    assert.equal(r.status().state, 'blocked');
    assert.deepEqual(r.status().pending.map((c) => c.op === 'create' ? c.after.type : ''), ['TXT', 'NS']);
  });

  it('reports records it may not touch as blocked, while applying the rest', async () => {
    const p = new MemoryProvider('a');
    p.sets = [{ name: 'www.example.com', type: 'A', ttl: 60, values: ['10.0.0.1'] }];
    desired = desiredOf([api('192.0.2.1'), { name: 'www.example.com', type: 'A', ttl: 60, values: ['192.0.2.2'] }]);
    const r = make(p);
    r.start();
    await tick(0);
    assert.deepEqual(p.get('api.example.com', 'A')?.values, ['192.0.2.1']);
    assert.deepEqual(p.get('www.example.com', 'A')?.values, ['10.0.0.1']);
    assert.equal(r.status().state, 'blocked');
    assert.equal(r.status().lastError?.code, 'DETOUR_DNS_NOT_OWNED');
    assert.ok(events.some((e) => e.type === 'dns.alert' && e.kind === 'not-owned'));
  });

  it('resyncs on the interval and repairs drift made by hand', async () => {
    const p = new MemoryProvider('a');
    const r = make(p);
    r.start();
    await tick(0);
    p.sets = p.sets.map((s) => (s.name === 'api.example.com' ? { ...s, values: ['10.6.6.6'] } : s));
    await tick(timing.interval);
    assert.deepEqual(p.get('api.example.com', 'A')?.values, ['192.0.2.1']);
    assert.equal(r.status().changesApplied, 3);
  });
});
