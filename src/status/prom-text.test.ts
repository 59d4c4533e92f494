import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSamples, quantile } from './prom-text.js';

describe('Prometheus text parsing', () => {
  it('reads wanted families with escaped label values and skips comments and other families', () => {
    const text = [
      '# HELP detour_requests_total Requests.',
      '# TYPE detour_requests_total counter',
      'detour_requests_total{service="a\\"b\\\\c\\nd",status="200",code=""} 12',
      'detour_other 3',
      'detour_requests_total{service="x",status="503",code="DETOUR_NO_HEALTHY_UPSTREAM"} 1e3',
    ].join('\n');
    const got = parseSamples(text, (n) => n === 'detour_requests_total');
    assert.deepEqual(got, [
      { name: 'detour_requests_total', labels: { service: 'a"b\\c\nd', status: '200', code: '' }, value: 12 },
      { name: 'detour_requests_total', labels: { service: 'x', status: '503', code: 'DETOUR_NO_HEALTHY_UPSTREAM' }, value: 1000 },
    ]);
  });

  it('interpolates quantiles inside buckets as histogram_quantile does', () => {
    const b: Array<[number, number]> = [[0.01, 50], [0.1, 90], [1, 100], [Infinity, 100]];
    assert.equal(quantile(0.5, b), 0.01);
    assert.ok(Math.abs(quantile(0.7, b)! - 0.055) < 1e-9);
    assert.ok(Math.abs(quantile(0.95, b)! - 0.55) < 1e-9);
    assert.equal(quantile(0.5, [[1, 0], [Infinity, 0]]), null);
    assert.equal(quantile(0.99, [[1, 1], [Infinity, 10]]), 1, 'in the +Inf bucket: the last finite bound');
  });
});
