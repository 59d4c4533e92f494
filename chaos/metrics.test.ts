import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Sample } from './load.js';
import { analyze, grayCounts, quantile } from './metrics.js';
import type { RunRecord } from './runner.js';
import { scenarios, SHORT } from './scenarios.js';
import { TIMING } from './settings.js';

const kill = scenarios(SHORT).find((s) => s.name === 'kill')!;
const grayAws = scenarios(SHORT).find((s) => s.name === 'gray-aws')!;

function sample(seq: number, start: number, servedBy: string, ok = true, ms = 2): Sample {
  return { seq, id: `t-${seq}`, method: 'GET', start, end: start + ms, status: ok ? 200 : 502, servedBy, ok, ...(ok ? {} : { error: 'status' as const }) };
}

function record(samples: Sample[], extra: Partial<RunRecord> = {}): RunRecord {
  return {
    scenario: kill, proxy: 'detour', method: 'GET', loadStart: 0, loadEnd: 4500, steps: [{ label: 'kill', marks: 'fault', at: 1000, tookMs: 3 }],
    faultAt: 1000, recoverAt: undefined, samples, arrivals: [], configText: '', setupMs: 0,
    observations: { detections: [{ at: 1040, endpoint: 'a1', how: 'outlier.ejection' }, { at: 1060, endpoint: 'a2', how: 'outlier.ejection' }], returns: [], tierChanges: [{ at: 1060, to: 'backup', how: 'pool.active' }], source: '' },
    ...extra,
  };
}

describe('run analysis', () => {
  it('times detection and the full switch from the fault, and counts errors', () => {
    const s: Sample[] = [];
    let seq = 0;
    for (let t = 0; t < 1000; t += 10) s.push(sample(seq++, t, seq % 2 ? 'a1' : 'a2'));
    s.push(sample(seq++, 1005, 'a1', false));
    s.push(sample(seq++, 1015, 'b1', true, 600)); // waited for a timeout: not yet "normal"
    for (let t = 1050; t < 4500; t += 10) s.push(sample(seq++, t, 'b1'));
    const r = analyze(record(s), TIMING);
    assert.equal(r.errors, 1);
    assert.equal(r.lost, 0);
    assert.equal(r.detectMs, 40);
    assert.equal(r.detectAllMs, 60);
    assert.equal(r.firstBackupMs, 15);
    assert.equal(r.fullSwitchMs, 50);
    assert.equal(r.switches, 1);
    assert.equal(r.proxySwitches, 1);
    assert.deepEqual(r.errorKinds, { 'status 502': 1 });
  });

  it('says "never" when the last request of the incident still went to a faulted endpoint', () => {
    const s = [sample(0, 0, 'a1'), sample(1, 1100, 'b1'), sample(2, 1200, 'a2')];
    assert.equal(analyze(record(s), TIMING).fullSwitchMs, null);
  });

  it('counts POST ids that reached the upstreams twice', () => {
    const s: Sample[] = [{ ...sample(0, 1100, 'b1'), method: 'POST' }, { ...sample(1, 1200, 'b1', false), method: 'POST' }];
    const arrivals = [
      { at: 1101, endpoint: 'a1', method: 'POST', path: '/api/orders', id: 't-0', answer: 'ok' as const },
      { at: 1102, endpoint: 'b1', method: 'POST', path: '/api/orders', id: 't-0', answer: 'ok' as const },
      { at: 1201, endpoint: 'a2', method: 'POST', path: '/api/orders', id: 't-1', answer: 'ok' as const },
    ];
    const r = analyze(record(s, { method: 'POST', arrivals }), TIMING);
    assert.deepEqual(r.post, { duplicates: 1, arrived: 2, failedArrived: 1, failedNeverArrived: 0, failedUnsent: 0 });
  });

  it('counts gray responses up to the one that tripped the detector, and the rest before detection as in flight', () => {
    const gray = (at: number, endpoint: string, id: string) => ({ at, endpoint, method: 'GET', path: '/api/items/1', id, answer: 'gray' as const });
    // a1 tripped on t-5 (its 5th failing response); t-6 reached a1 before the ejection: it was sent while t-5's answer was on its way.
    const arrivals = [1001, 1003, 1005, 1007, 1009, 1010].map((at, i) => gray(at, 'a1', `t-${i + 1}`));
    // a2's detection names no response (as for nginx/HAProxy): everything before the detection time counts.
    arrivals.push(...[1002, 1004, 1006, 1020].map((at, i) => gray(at, 'a2', `t-${i + 1}`)));
    const observations = {
      detections: [{ at: 1011, endpoint: 'a1', how: 'outlier.ejection', requestId: 'chaos-t-5' }, { at: 1015, endpoint: 'a2', how: 'outlier.ejection' }],
      returns: [], tierChanges: [], source: '',
    };
    const r = analyze(record([sample(0, 1100, 'b1')], { scenario: grayAws, arrivals, observations }), TIMING);
    assert.deepEqual(r.failingBeforeDetectPerEndpoint, { a1: 5, a2: 3 });
    assert.deepEqual(r.inFlightAtDetectPerEndpoint, { a1: 1 });
    assert.equal(r.failingBeforeDetect, 5);
    assert.equal(r.failingTotal, 10);
    assert.equal(grayCounts(r), 'a1 5 (+1 in flight), a2 3');
  });

  it('takes quantiles by rank', () => {
    assert.equal(quantile([5, 1, 3, 2, 4], 0.5), 3);
    assert.equal(quantile([1, 2, 3, 4, 100], 0.99), 100);
    assert.equal(quantile([], 0.5), null);
  });
});
