import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Sampler, type MetricsTotals } from '../src/incidents/sampler.js';
import type { TrafficRow } from '../src/incidents/store/ops.js';
import { Endpoint } from '../src/model/index.js';

describe('metrics sampler', () => {
  it('turns counter growth into client errors, per-minute rows and the start of a failure streak', () => {
    const totals: MetricsTotals = { requests: [], attempts: [], latency: [] };
    const ep = new Endpoint('api', 'gz', 'tencent', 'ap-guangzhou', 'http://10.0.0.2', 1, undefined, 0);
    const errors: Array<[string, number]> = [];
    const minutes: Array<[number, TrafficRow[]]> = [];
    const s = new Sampler(
      { totals: () => totals, endpoints: () => [ep], topology: () => [{ name: 'api', pools: [{ name: 'gz', provider: 'tencent', region: 'ap-guangzhou', priority: 0, endpoints: [] }] }] },
      { clientErrors: (svc, n) => errors.push([svc, n]), minute: (m, rows) => minutes.push([m, rows]) },
    );
    const set = (ok: number, s5xx: number, okAttempts: number, failedAttempts: number) => {
      totals.requests = [
        { labels: { service: 'api', status: '200', code: '' }, value: ok },
        { labels: { service: 'api', status: '502', code: 'DETOUR_UPSTREAM_5XX' }, value: s5xx },
        { labels: { service: 'api', status: '499', code: 'DETOUR_CLIENT_ABORTED' }, value: 3 },
      ];
      totals.attempts = [
        { labels: { service: 'api', pool: 'gz', endpoint: 'http://10.0.0.1', outcome: 'ok' }, value: okAttempts },
        { labels: { service: 'api', pool: 'gz', endpoint: 'http://10.0.0.1', outcome: 'cloud-error' }, value: failedAttempts },
      ];
      totals.latency = [{ labels: { service: 'api', pool: 'gz' }, sum: (okAttempts + failedAttempts) * 0.05, count: okAttempts + failedAttempts }];
    };
    set(10, 0, 10, 0);
    s.tick(60_000);
    set(20, 0, 20, 0);
    s.tick(61_000);
    set(25, 2, 25, 4); // failures between 61 s and 62 s
    s.tick(62_000);
    assert.deepEqual(errors, [['api', 2]], 'only 5xx answers are client-visible errors (a 499 is the client leaving)');
    assert.equal(s.evidence(['api/gz/http://10.0.0.1'], 62_500), 61_000, 'the streak began after the last clean sample');
    assert.equal(s.evidence(['api/gz/http://10.0.0.9'], 62_500), undefined);
    // An active check failing below its threshold is evidence too.
    ep.active = { state: 'healthy', since: 0, consecutiveFailures: 1 };
    s.tick(63_000);
    assert.equal(s.evidence([ep.id], 63_000), 62_500);
    s.tick(120_000);
    const [minute, rows] = minutes[0]!;
    assert.equal(minute, 60_000);
    const svc = rows.find((r) => r.pool === '')!;
    const pool = rows.find((r) => r.pool === 'gz')!;
    assert.deepEqual([svc.total, svc.failed], [30, 2]);
    assert.deepEqual([pool.total, pool.failed, pool.provider], [29, 4, 'tencent']);
    assert.ok(Math.abs(pool.latencySum / pool.latencyCount - 50) < 1e-9, 'mean latency 50 ms');
  });
});
