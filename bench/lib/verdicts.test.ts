import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TargetId, TargetKind } from './lineup.js';
import { toCell, type Cell, type Sample } from './measure.js';
import { judge } from './verdicts.js';

const kinds = new Map<TargetId, TargetKind>([
  ['nginx', 'native'], ['detour', 'detour'], ['detour-full', 'detour'], ['detour-cap1', 'detour'], ['detour-w2', 'detour'],
  ['fastify', 'node-peer'], ['http-proxy', 'node-peer'],
]);

function cell(target: TargetId, rps: number, p99Us: number, cpuUsPerReq: number, more: Partial<Sample> = {}): Cell {
  return toCell(target, 'small-c50', [{ rps, p50Us: p99Us / 4, p99Us, cpuUsPerReq, rssBytes: 1, errors: 0, foreignPct: 0, topProcessShare: 1, ...more }]);
}

const goal = (cells: Cell[], g: string) => judge('small-c50', cells, kinds).find((v) => v.goal === g)!;

describe('targets of issue #3', () => {
  it('meets the throughput target at 2× the best Node peer with a lower p99', () => {
    const v = goal([cell('detour', 8000, 900, 100), cell('fastify', 3000, 1500, 300), cell('http-proxy', 4000, 1000, 250)], 'throughput');
    assert.equal(v.pass, true);
    assert.match(v.measured, /^2\.00× http-proxy/);
  });

  it('misses the throughput target with a higher p99 than the peer, even at 3× its req/s', () => {
    const v = goal([cell('detour', 9000, 2000, 100), cell('http-proxy', 3000, 1000, 250)], 'throughput');
    assert.equal(v.pass, false);
    assert.match(v.shortfall!, /p99 \+100% above http-proxy's/);
  });

  it('judges a load-bound scenario (Detour as fast as the upstream alone) by CPU per request', () => {
    const direct = cell('direct', 1000, 1, 160);
    const peer = cell('http-proxy', 700, 30_000, 1400);
    assert.equal(goal([direct, peer, cell('detour', 950, 20_000, 650)], 'throughput').pass, true);
    const v = goal([direct, peer, cell('detour', 950, 20_000, 840)], 'throughput');
    assert.equal(v.pass, false);
    assert.equal(v.shortfall, 'needs -17% CPU per request');
    assert.match(v.measured, /load-bound \(Detour 950 req\/s, the upstream alone 1000\): judged by CPU\/req/);
    assert.equal(goal([cell('direct', 5000, 1, 160), peer, cell('detour', 950, 20_000, 650)], 'throughput').pass, false, 'not load-bound: req/s decides');
  });

  it('says how much more req/s a miss needs', () => {
    const v = goal([cell('detour', 5000, 900, 100), cell('http-proxy', 4000, 1000, 250)], 'throughput');
    assert.equal(v.pass, false);
    assert.equal(v.shortfall, 'needs +60% req/s');
  });

  it('judges CPU per request against nginx and says how much must go', () => {
    const cells = [cell('detour', 5000, 900, 120), cell('nginx', 20000, 300, 30)];
    const v = goal(cells, 'cpu');
    assert.equal(v.pass, false);
    assert.equal(v.shortfall, 'needs -25% CPU per request');
    assert.equal(goal([cell('detour', 5000, 900, 90), cell('nginx', 20000, 300, 30)], 'cpu').pass, true);
  });

  it('allows the classifier and health machinery to cost 10% of throughput, not more', () => {
    assert.equal(goal([cell('detour', 10000, 1, 1), cell('detour-full', 9000, 1, 1)], 'machinery').pass, true);
    assert.equal(goal([cell('detour', 10000, 1, 1), cell('detour-full', 8900, 1, 1)], 'machinery').pass, false);
  });

  it('cannot judge multi-core mode when the build has no --workers', () => {
    const v = goal([cell('detour', 10000, 1, 1)], 'multicore');
    assert.equal(v.pass, undefined);
    assert.match(v.measured, /--workers/);
  });

  it('judges --workers against one process with the same share of one core: 1.8× and the work spread', () => {
    const one = cell('detour-cap1', 8000, 1, 50);
    // 52 µs/req: 15200 req/s use 99% of two 40% shares, 12000 use 78%.
    const w2 = (rps: number, top: number, cpu = 52) => goal([one, cell('detour-w2', rps, 1, cpu, { topProcessShare: top })], 'multicore');
    assert.equal(w2(15200, 0.52).pass, true);
    assert.match(w2(15200, 0.52).measured, /^1\.90× req\/s \(15200 vs 8000\); busiest worker 52% of the work/);
    assert.equal(w2(12000, 0.52, 65).shortfall, 'needs +20% req/s');
    assert.equal(w2(15200, 0.9).shortfall, 'one worker did 90% of the work');
  });

  it('does not judge --workers when the workers left part of their CPU shares unused (the load was the limit)', () => {
    const v = goal([cell('detour-cap1', 8000, 1, 50), cell('detour-w2', 12000, 1, 52, { topProcessShare: 0.5 })], 'multicore');
    assert.equal(v.pass, undefined);
    assert.match(v.measured, /used 78% of their CPU shares \(not judged/);
  });

  it('cannot judge multi-core mode without the capped single process (no CPU quotas)', () => {
    const v = goal([cell('detour', 10000, 1, 1), cell('detour-w2', 12000, 1, 1)], 'multicore');
    assert.equal(v.pass, undefined);
    assert.match(v.measured, /no CPU quotas/);
  });

  it('takes the median of the rounds, so one disturbed round does not decide', () => {
    const c = toCell('detour', 'small-c50', [1000, 9000, 9500].map((rps) => ({ rps, p50Us: 1, p99Us: 1, cpuUsPerReq: 1, rssBytes: 1, errors: 0, foreignPct: 0, topProcessShare: 1 })));
    assert.equal(c.rps, 9000);
  });
});
