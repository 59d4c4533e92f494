import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lineChart, niceCeil } from './charts.js';

describe('line chart', () => {
  it('rounds the axis top up to 1, 2 or 5 times a power of ten', () => {
    assert.deepEqual([0.0042, 0.01, 0.013, 0.03, 0.07, 120, 0].map(niceCeil), [0.005, 0.01, 0.02, 0.05, 0.1, 200, 1]);
  });

  it('draws gaps where there is no data, and says so when there is none at all', () => {
    const svg = lineChart({
      title: 'Latency', from: 0, to: 100, floor: 0.01, format: String,
      series: [{ name: 'p50', cls: 's-p50', values: [[10, 0.02], [20, 0.03], [30, null], [40, 0.01], [50, 0.02]] }],
    }).value;
    const d = /class="line s-p50" d="([^"]*)"/.exec(svg)![1]!;
    assert.equal(d.split('M').length - 1, 2, 'two segments around the gap');
    assert.ok(!svg.includes('No traffic'));
    const empty = lineChart({ title: 'x', from: 0, to: 100, floor: 0.01, format: String, series: [{ name: 'a', cls: 'c', values: [[10, null]] }] }).value;
    assert.ok(empty.includes('No traffic in this period'));
    assert.ok(!svg.includes('style='), 'no inline style: the CSP forbids it');
  });
});
