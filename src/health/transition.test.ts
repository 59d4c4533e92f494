import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ActiveHealth } from '../model/index.js';
import { nextActive } from './transition.js';

const cfg = { healthyThreshold: 2, unhealthyThreshold: 3 };
const pass = { ok: true, reason: 'check passed' };
const fail = (reason = 'status 503 not in 200-399') => ({ ok: false, reason });

function run(state: ActiveHealth, results: Array<{ ok: boolean; reason: string }>): ActiveHealth {
  return results.reduce((s, r, i) => nextActive(s, r, cfg, 1000 + i), state);
}

describe('nextActive', () => {
  it('decides healthy from unknown on the first passing check', () => {
    assert.deepEqual(nextActive({ state: 'unknown' }, pass, cfg, 5), { state: 'healthy', since: 5, consecutiveFailures: 0 });
  });

  it('decides unhealthy from unknown on the first failing check', () => {
    assert.deepEqual(nextActive({ state: 'unknown' }, fail('connect ECONNREFUSED'), cfg, 5), {
      state: 'unhealthy', since: 5, reason: 'connect ECONNREFUSED', consecutiveSuccesses: 0,
    });
  });

  it('stays healthy until unhealthyThreshold consecutive failures, then turns unhealthy', () => {
    const healthy: ActiveHealth = { state: 'healthy', since: 0, consecutiveFailures: 0 };
    const two = run(healthy, [fail(), fail()]);
    assert.deepEqual(two, { state: 'healthy', since: 0, consecutiveFailures: 2 });
    assert.deepEqual(nextActive(two, fail('timeout after 1000ms'), cfg, 9), {
      state: 'unhealthy', since: 9, reason: 'timeout after 1000ms', consecutiveSuccesses: 0,
    });
  });

  it('resets the failure count on a pass, so interleaved failures never reach the threshold', () => {
    const healthy: ActiveHealth = { state: 'healthy', since: 0, consecutiveFailures: 0 };
    const s = run(healthy, [fail(), fail(), pass, fail(), fail(), pass, fail(), fail()]);
    assert.deepEqual(s, { state: 'healthy', since: 0, consecutiveFailures: 2 });
  });

  it('returns to healthy after healthyThreshold consecutive passes', () => {
    const unhealthy: ActiveHealth = { state: 'unhealthy', since: 0, reason: 'x', consecutiveSuccesses: 0 };
    const one = nextActive(unhealthy, pass, cfg, 1);
    assert.equal(one.state, 'unhealthy');
    assert.deepEqual(nextActive(one, pass, cfg, 2), { state: 'healthy', since: 2, consecutiveFailures: 0 });
  });

  it('resets the success count on a failure and keeps the latest failure reason', () => {
    const unhealthy: ActiveHealth = { state: 'unhealthy', since: 0, reason: 'status 503 not in 200-399', consecutiveSuccesses: 0 };
    const s = run(unhealthy, [pass, fail('connect ECONNREFUSED'), pass]);
    assert.deepEqual(s, { state: 'unhealthy', since: 0, reason: 'connect ECONNREFUSED', consecutiveSuccesses: 1 });
  });

  it('treats thresholds below 1 as 1', () => {
    const healthy: ActiveHealth = { state: 'healthy', since: 0, consecutiveFailures: 0 };
    const s = nextActive(healthy, fail(), { healthyThreshold: 0, unhealthyThreshold: 0 }, 1);
    assert.equal(s.state, 'unhealthy');
    assert.equal(nextActive(s, pass, { healthyThreshold: 0, unhealthyThreshold: 0 }, 2).state, 'healthy');
  });
});
