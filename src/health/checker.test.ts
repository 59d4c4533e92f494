import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus, systemClock } from '../common/index.js';
import type { ActiveHealthConfig } from '../config/types.js';
import { Endpoint, HealthModel, type DetourEvent } from '../model/index.js';
import { HealthChecker, type ProbeFn } from './checker.js';
import type { ProbeResult } from './probe.js';

// Fake timers: setTimeout and Date move together, so Clock (Date.now) and schedule agree.
beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 }));
afterEach(() => mock.timers.reset());

const PASS: ProbeResult = { ok: true, status: 200, latencyMs: 1 };
const FAIL: ProbeResult = { ok: false, reason: 'status 503 not in 200-399', evidence: { status: 503 }, latencyMs: 1 };

/** Lets probe promises and their `.then` chains run (setImmediate is not faked). */
const flush = (): Promise<void> => new Promise((r) => setImmediate(r));
async function tick(ms: number): Promise<void> {
  mock.timers.tick(ms);
  await flush();
}

function setup(over: Partial<ActiveHealthConfig> = {}, opts: { random?: () => number; probe?: ProbeFn } = {}) {
  const cfg: ActiveHealthConfig = {
    type: 'http', path: '/healthz', method: 'GET', interval: 1000, unhealthyInterval: 1000, timeout: 500,
    healthyThreshold: 1, unhealthyThreshold: 1, jitter: 0,
    expect: { status: [[200, 399]], bodyContains: undefined, bodyNotContains: undefined }, host: undefined, ...over,
  };
  const bus = new EventBus<DetourEvent>();
  const events: DetourEvent[] = [];
  bus.onAny((e) => events.push(e));
  const model = new HealthModel(bus, systemClock, 'test');
  const ep = new Endpoint('svc', 'primary', 'aws', 'us-east-1', 'http://10.0.0.1:8080', 1, undefined, Date.now());
  let next: ProbeResult = PASS;
  const calls: number[] = [];
  const probe: ProbeFn = opts.probe ?? (async () => (calls.push(Date.now()), next));
  const checker = new HealthChecker({ model, cfg, probe, ...(opts.random ? { random: opts.random } : {}) });
  return { checker, ep, events, calls, setNext: (r: ProbeResult) => (next = r) };
}

describe('HealthChecker on fake timers', () => {
  it('runs the first check at start, offset by a random share of interval × jitter', async () => {
    const { checker, ep, calls } = setup({ jitter: 0.2 }, { random: () => 0.5 });
    checker.start([ep]);
    await tick(99);
    assert.equal(calls.length, 0);
    await tick(1);
    assert.deepEqual(calls, [100]);
    assert.equal(ep.active.state, 'healthy');
    await checker.stop();
  });

  it('keeps every later check within interval ± jitter of the previous one', async () => {
    const randoms = [0, 0, 0.999999, 0.25];
    let i = 0;
    const { checker, ep, calls } = setup({ jitter: 0.2 }, { random: () => randoms[i++] ?? 0.5 });
    checker.start([ep]); // first at 0 (random 0)
    await tick(0);
    await tick(799); // random 0 → 1000 × (1 - 0.2) = 800
    assert.equal(calls.length, 1);
    await tick(1);
    assert.equal(calls.length, 2);
    await tick(1199); // random ≈ 1 → ≈ 1200
    assert.equal(calls.length, 2);
    await tick(1);
    assert.equal(calls.length, 3);
    await tick(900); // random 0.25 → 1000 × (1 - 0.1) = 900
    assert.deepEqual(calls, [0, 800, 2000, 2900]);
    await checker.stop();
  });

  it('checks at unhealthyInterval while unhealthy and at interval once healthy again', async () => {
    const { checker, ep, calls, setNext } = setup({ interval: 1000, unhealthyInterval: 5000 });
    setNext(FAIL);
    checker.start([ep]);
    await tick(0);
    assert.equal(ep.active.state, 'unhealthy');
    await tick(4999);
    assert.equal(calls.length, 1);
    setNext(PASS);
    await tick(1);
    assert.equal(ep.active.state, 'healthy');
    await tick(1000);
    assert.deepEqual(calls, [0, 5000, 6000]);
    await checker.stop();
  });

  it('never has two probes of one endpoint in flight, and arms the next check when the slow one ends', async () => {
    let release: (r: ProbeResult) => void = () => {};
    const calls: number[] = [];
    const probe: ProbeFn = () => (calls.push(Date.now()), new Promise((r) => (release = r)));
    const { checker, ep } = setup({}, { probe });
    checker.start([ep]);
    await tick(0);
    await tick(10_000);
    const again = checker.checkNow(ep);
    assert.equal(calls.length, 1, 'neither the schedule nor checkNow started a second probe');
    release(PASS);
    assert.deepEqual(await again, PASS);
    await tick(999);
    assert.equal(calls.length, 1);
    await tick(1);
    assert.deepEqual(calls, [0, 11_000]);
    release(PASS);
    await checker.stop();
  });

  it('publishes healthy → unhealthy through the model once unhealthyThreshold failures are in', async () => {
    const { checker, ep, events, setNext } = setup({ unhealthyThreshold: 2 });
    checker.start([ep]);
    await tick(0);
    setNext(FAIL);
    await tick(1000);
    assert.equal(ep.health, 'healthy');
    await tick(1000);
    assert.equal(ep.health, 'unhealthy');
    const health = events.filter((e) => e.type === 'endpoint.health');
    assert.equal(health.length, 1);
    assert.deepEqual(health[0], {
      type: 'endpoint.health', at: 2000, observer: 'test', ...ep.ref(), from: 'healthy', to: 'unhealthy', source: 'active',
      reason: 'status 503 not in 200-399 (2 consecutive failed checks)', evidence: { status: 503 },
    });
    await checker.stop();
  });

  it('reports every applied result to onResult listeners until disposed', async () => {
    const { checker, ep, setNext } = setup();
    const seen: boolean[] = [];
    const sub = checker.onResult((e, r) => (assert.equal(e, ep), seen.push(r.ok)));
    checker.start([ep]);
    await tick(0);
    setNext(FAIL);
    await tick(1000);
    sub.dispose();
    await tick(1000);
    assert.deepEqual(seen, [true, false]);
    await checker.stop();
  });

  it('stop aborts in-flight probes, waits for them, applies nothing and schedules nothing more', async () => {
    let calls = 0;
    const probe: ProbeFn = (_t, _c, signal) => {
      calls += 1;
      return new Promise((r) => signal.addEventListener('abort', () => r({ ok: false, reason: 'aborted', evidence: {}, latencyMs: 0 })));
    };
    const { checker, ep } = setup({}, { probe });
    checker.start([ep]);
    await tick(0);
    await checker.stop();
    assert.equal(ep.active.state, 'unknown');
    await tick(60_000);
    assert.equal(calls, 1);
  });

  it('counts a rejecting probe as a failed check', async () => {
    const { checker, ep } = setup({}, { probe: () => Promise.reject(new Error('boom')) });
    checker.start([ep]);
    await tick(0);
    assert.deepEqual(ep.active, { state: 'unhealthy', since: 0, reason: 'probe error: boom', consecutiveSuccesses: 0 });
    await checker.stop();
  });
});
