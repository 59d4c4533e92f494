import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from '../common/index.js';
import { createMetrics } from '../metrics/index.js';
import { Endpoint, type DetourEvent } from '../model/index.js';
import { MetricsSampler } from './sampler.js';

describe('metrics sampler', () => {
  it('turns the gateway registry into per-interval requests, 5xx and latency quantiles per service', () => {
    const m = createMetrics(new EventBus<DetourEvent>(), { endpoints: () => [], inflight: () => [] });
    const ep = new Endpoint('api', 'tencent-gz', 'tencent', undefined, 'http://10.0.0.1:80', 1, undefined, 0);
    const s = new MetricsSampler(() => m.render(), 3);
    m.requestDone('api', 200, undefined);
    s.tick(1000);
    assert.deepEqual(s.series('api'), [], 'the first scrape is only a baseline');
    for (let i = 0; i < 9; i++) {
      m.requestDone('api', 200, undefined);
      m.attemptDone(ep, 200, undefined, 20);
    }
    m.requestDone('api', 502, 'DETOUR_UPSTREAM_5XX');
    m.attemptDone(ep, 502, '5xx', 800);
    const errors = s.tick(2000);
    const [p] = s.series('api');
    assert.equal(p!.requests, 10);
    assert.equal(p!.errors, 1);
    assert.equal(errors.get('api'), 1);
    assert.ok(p!.p50! > 0.01 && p!.p50! <= 0.025, `p50 ${p!.p50}`);
    assert.ok(p!.p95! > 0.5 && p!.p95! <= 1, `p95 ${p!.p95}`);
    s.tick(3000);
    assert.deepEqual(s.series('api')[1], { at: 3000, requests: 0, errors: 0, p50: null, p95: null });
    s.tick(4000);
    s.tick(5000);
    assert.equal(s.series('api').length, 3, 'keeps at most `keep` points');
  });
});
