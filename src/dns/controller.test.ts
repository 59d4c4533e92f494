import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from '../common/index.js';
import type { DnsConfig, DnsRecordConfig } from '../config/dns.js';
import type { ProbeFn } from '../health/index.js';
import type { DetourEvent } from '../model/index.js';
import { DnsController } from './controller.js';
import { flush, MemoryAudit, MemoryProvider } from './testing.js';

const check = {
  type: 'http' as const, path: '/healthz', method: 'GET' as const, interval: 1000, unhealthyInterval: 1000, timeout: 500,
  healthyThreshold: 3, unhealthyThreshold: 2, jitter: 0.1, expect: { status: [[200, 399]] as Array<[number, number]>, bodyContains: undefined, bodyNotContains: undefined }, host: undefined,
};
const record: DnsRecordConfig = {
  name: 'api.example.com', type: 'A', ttl: undefined, adopt: false, health: { url: 'http://{value}:8080/healthz', check },
  pools: [{ priority: 0, values: ['203.0.113.10', '203.0.113.11'] }, { priority: 1, values: ['198.51.100.7'] }],
};
const config = (over: Partial<DnsConfig> = {}): DnsConfig => ({
  zone: 'example.com', ttl: 60, owner: 'me', quorum: 1, observationMaxAge: undefined,
  safety: { maxChangeShare: 0.3, minExisting: 10 }, audit: { path: '/dev/null' },
  reconcile: { interval: 60_000, timeout: 5_000, backoff: 1_000, maxBackoff: 60_000 },
  providers: [], records: [record], ...over,
});

describe('DnsController (fake timers, injected probe)', () => {
  let down: Set<string>;
  let events: DetourEvent[];
  let bus: EventBus<DetourEvent>;
  let ctrl: DnsController | undefined;
  const probe: ProbeFn = async (target) =>
    down.has(target.url.hostname) ? { ok: false, reason: 'connect ECONNREFUSED', evidence: { message: 'refused' }, latencyMs: 1 } : { ok: true, status: 200, latencyMs: 1 };

  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 5_000_000 });
    down = new Set();
    events = [];
    bus = new EventBus<DetourEvent>();
    bus.onAny((e) => events.push(e));
  });
  afterEach(async () => {
    await ctrl?.stop();
    ctrl = undefined;
    mock.timers.reset();
  });

  const start = async (cfg: DnsConfig, providers: MemoryProvider[]): Promise<DnsController> => {
    ctrl = new DnsController(cfg, providers, { bus, observer: 'here', audit: new MemoryAudit(), actor: 'test', clock: { now: () => Date.now() }, random: () => 0.5, probe });
    await ctrl.start();
    await tick(0);
    return ctrl;
  };
  const tick = async (ms: number): Promise<void> => {
    for (let left = ms; left >= 0; left -= 100) {
      mock.timers.tick(Math.min(100, Math.max(left, 0)));
      await flush();
      if (left === 0) break;
    }
  };
  const answerOf = (p: MemoryProvider): string[] | undefined => p.get('api.example.com', 'A')?.values;

  it('publishes the best pool, then withdraws a value after unhealthyThreshold failures on every provider', async () => {
    const a = new MemoryProvider('a');
    const b = new MemoryProvider('b');
    await start(config(), [a, b]);
    assert.deepEqual(answerOf(a), ['203.0.113.10', '203.0.113.11']);
    assert.deepEqual(answerOf(b), ['203.0.113.10', '203.0.113.11']);
    down.add('203.0.113.10');
    await tick(1000); // first failure: below the threshold
    assert.deepEqual(answerOf(a), ['203.0.113.10', '203.0.113.11']);
    await tick(1000); // second failure: withdrawn, pushed at once
    assert.deepEqual(answerOf(a), ['203.0.113.11']);
    assert.deepEqual(answerOf(b), ['203.0.113.11']);
    const answer = events.find((e) => e.type === 'dns.answer' && e.from.length === 2);
    assert.ok(answer?.type === 'dns.answer');
    assert.deepEqual(answer.to, ['203.0.113.11']);
    assert.match(answer.reason, /down 203\.0\.113\.10/);
    assert.ok(events.some((e) => e.type === 'dns.observation' && e.value === '203.0.113.10' && !e.healthy && e.observer === 'here'));
  });

  it('fails over to the next pool and restores only after healthyThreshold passes (hysteresis)', async () => {
    const a = new MemoryProvider('a');
    await start(config(), [a]);
    down.add('203.0.113.10');
    down.add('203.0.113.11');
    await tick(2000);
    assert.deepEqual(answerOf(a), ['198.51.100.7']);
    down.clear();
    await tick(2000); // two passes: not yet
    assert.deepEqual(answerOf(a), ['198.51.100.7']);
    await tick(1000); // third pass
    assert.deepEqual(answerOf(a), ['203.0.113.10', '203.0.113.11']);
  });

  it('keeps the last answer and raises one alert when every value is down', async () => {
    const a = new MemoryProvider('a');
    await start(config(), [a]);
    down.add('203.0.113.10');
    down.add('203.0.113.11');
    await tick(2000);
    assert.deepEqual(answerOf(a), ['198.51.100.7']);
    down.add('198.51.100.7');
    await tick(5000);
    assert.deepEqual(answerOf(a), ['198.51.100.7'], 'never empty: the last answer stays');
    const alerts = events.filter((e) => e.type === 'dns.alert' && e.kind === 'all-down');
    assert.equal(alerts.length, 1);
    const st = ctrl!.status().records[0]!;
    assert.equal(st.degraded, true);
    assert.deepEqual(st.answer, ['198.51.100.7']);
    assert.match(st.reason, /every value is down/);
  });

  it('with quorum 2, withdraws only when a second vantage point agrees', async () => {
    const a = new MemoryProvider('a');
    await start(config({ quorum: 2 }), [a]);
    // The remote observer also says "up" so restoring later has a quorum of up votes.
    ctrl!.observe({ observer: 'remote', record: 'api.example.com', value: '203.0.113.10', healthy: true, at: Date.now(), reason: 'ok' });
    down.add('203.0.113.10');
    await tick(2000);
    assert.deepEqual(answerOf(a), ['203.0.113.10', '203.0.113.11'], 'one vantage point is not a quorum');
    ctrl!.observe({ observer: 'remote', record: 'api.example.com', value: '203.0.113.10', healthy: false, at: Date.now(), reason: 'timeout' });
    await tick(0);
    assert.deepEqual(answerOf(a), ['203.0.113.11']);
    const value = ctrl!.status().records[0]!.values.find((v) => v.value === '203.0.113.10')!;
    assert.equal(value.state, 'down');
    assert.deepEqual(value.observations.map((o) => [o.observer, o.healthy]).sort(), [['here', false], ['remote', false]]);
  });

  it('reports per provider last success, pending diff and last error', async () => {
    const a = new MemoryProvider('a');
    const b = new MemoryProvider('b');
    await start(config(), [a, b]);
    b.mode = 'down';
    down.add('203.0.113.10');
    await tick(2000);
    const [sa, sb] = ctrl!.status().providers;
    assert.equal(sa?.state, 'in-sync');
    assert.deepEqual(sa?.pending, []);
    assert.equal(sb?.state, 'retrying');
    assert.equal(sb?.pending.length, 1);
    assert.match(sb?.lastError?.message ?? '', /503/);
    assert.equal(typeof sb?.lastSuccess, 'number');
  });
});
