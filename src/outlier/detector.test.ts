import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus, systemClock } from '../common/index.js';
import type { PassiveHealthConfig } from '../config/types.js';
import { Endpoint, HealthModel, type DetourEvent } from '../model/index.js';
import { OutlierDetector, type Outcome } from './detector.js';

// Fake timers: Date.now (the model's clock) and setTimeout (return timers) move together.
beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 }));
afterEach(() => mock.timers.reset());

const OK: Outcome = { ok: true };
const FAIL: Outcome = { ok: false, kind: '5xx', evidence: { status: 503 } };
type Ejection = Extract<DetourEvent, { type: 'outlier.ejection' }>;
type Health = Extract<DetourEvent, { type: 'endpoint.health' }>;

function setup(over: Partial<PassiveHealthConfig> = {}, activeHealthyThreshold?: number, poolSize = 1) {
  const cfg: PassiveHealthConfig = {
    enabled: true, consecutiveFailures: 5, failureRatio: 0.5, minRequests: 20, window: 10_000,
    baseEjection: 30_000, maxEjection: 300_000, maxEjectionPercent: 100, cloudErrors: 0, ...over,
  };
  const bus = new EventBus<DetourEvent>();
  const ejections: Ejection[] = [];
  const health: Health[] = [];
  bus.on('outlier.ejection', (e) => ejections.push(e));
  bus.on('endpoint.health', (e) => health.push(e));
  const model = new HealthModel(bus, systemClock, 'test');
  const eps = Array.from({ length: poolSize }, (_, i) =>
    new Endpoint('svc', 'tencent', 'tencent', 'ap-guangzhou', `http://10.0.0.${i + 1}:80`, 1, undefined, 0));
  const detector = new OutlierDetector({ model, cfg, activeHealthyThreshold });
  detector.setPools([{ name: 'svc/tencent', endpoints: eps }]);
  const ep = eps[0]!;
  const failTimes = (n: number, e = ep) => { for (let i = 0; i < n; i++) detector.record(e, FAIL); };
  return { detector, ep, eps, ejections, health, failTimes };
}

describe('OutlierDetector', () => {
  it('ejects after consecutiveFailures in a row, and a success in between restarts the count', () => {
    const { detector, ep, ejections, health, failTimes } = setup();
    failTimes(4);
    detector.record(ep, OK);
    failTimes(4);
    assert.equal(ep.outlier.state, 'ok');
    failTimes(1);
    assert.equal(ep.outlier.state, 'ejected');
    assert.equal(ep.routable, false);
    assert.deepEqual(ejections.map((e) => [e.enforced, e.ejections, e.durationMs, e.reason]),
      [[true, 1, 30_000, '5 consecutive failures (last: 5xx)']]);
    assert.deepEqual(health.map((e) => [e.from, e.to, e.source]), [['healthy', 'ejected', 'passive']]);
    assert.deepEqual(health[0]?.evidence, { status: 503 });
    assert.equal(detector.detectedConsecutive, 1);
    detector.stop();
  });

  it('ejects on the failure ratio only once minRequests are inside the window', () => {
    const { detector, ep, ejections } = setup({ consecutiveFailures: 100 });
    for (let i = 1; i <= 19; i++) detector.record(ep, i % 2 === 0 ? FAIL : OK); // 9 of 19 failed
    detector.record(ep, OK); // 9/20: below the ratio
    detector.record(ep, FAIL); // 10/21: below 0.5
    assert.equal(ep.outlier.state, 'ok');
    detector.record(ep, FAIL); // 11/22 = 0.5
    assert.equal(ep.outlier.state, 'ejected');
    assert.equal(ejections[0]?.reason, 'failure ratio 11/22 ≥ 0.5 within 10s (last: 5xx)');
    assert.equal(detector.detectedRatio, 1);
    detector.stop();
  });

  it('does not eject on a ratio that is high but below minRequests', () => {
    const { detector, ep } = setup({ consecutiveFailures: 100, minRequests: 20 });
    for (let i = 0; i < 19; i++) detector.record(ep, FAIL);
    assert.equal(ep.outlier.state, 'ok');
    detector.stop();
  });

  it('lets failures age out of the ratio window', () => {
    const { detector, ep, failTimes } = setup({ consecutiveFailures: 100, minRequests: 4 });
    failTimes(3);
    mock.timers.tick(11_000);
    detector.record(ep, OK);
    detector.record(ep, OK);
    detector.record(ep, OK);
    failTimes(1); // 1/4 inside the window; the 3 old failures are gone
    assert.equal(ep.outlier.state, 'ok');
    detector.stop();
  });

  it('ejects the only endpoint of a one-endpoint pool (no minimum host count)', () => {
    const { ep, detector, failTimes } = setup({ maxEjectionPercent: 100 });
    failTimes(5);
    assert.equal(ep.outlier.state, 'ejected');
    assert.deepEqual(detector.stats().pools['svc/tencent'], { detected: 1, enforced: 1, ejectedNow: 1 });
    detector.stop();
  });

  it('detects but does not enforce an ejection that would exceed maxEjectionPercent', () => {
    const { detector, eps, ejections, failTimes } = setup({ maxEjectionPercent: 50 }, undefined, 2);
    const [a, b] = [eps[0]!, eps[1]!];
    failTimes(5, a);
    failTimes(5, b);
    assert.equal(a.outlier.state, 'ejected');
    assert.equal(b.outlier.state, 'ok');
    assert.equal(b.routable, true);
    assert.equal(ejections[1]?.enforced, false);
    assert.equal(ejections[1]?.durationMs, 0);
    assert.match(ejections[1]?.reason ?? '', /not enforced: 2\/2 of pool svc\/tencent would exceed maxEjectionPercent 50/);
    assert.deepEqual(detector.stats(), {
      detected: 2, enforced: 1, ejectedNow: 1, detectedConsecutive: 2, detectedRatio: 0,
      pools: { 'svc/tencent': { detected: 2, enforced: 1, ejectedNow: 1 } },
    });
    failTimes(4, b);
    assert.equal(ejections.length, 2, 'the counter was reset: the next detection needs 5 fresh failures');
    detector.stop();
  });

  it('backs off 30s → 60s → 90s, capped at maxEjection, returning on the timer without active checks', () => {
    const { ep, ejections, health, failTimes, detector } = setup({ maxEjection: 75_000 });
    for (const expected of [30_000, 60_000, 75_000]) {
      failTimes(5);
      assert.equal(ejections.at(-1)?.durationMs, expected);
      mock.timers.tick(expected - 1);
      assert.equal(ep.outlier.state, 'ejected');
      mock.timers.tick(1);
      assert.equal(ep.outlier.state, 'ok');
    }
    assert.deepEqual(ejections.map((e) => e.ejections), [1, 2, 3]);
    const back = health.at(-1);
    assert.equal(back?.to, 'healthy');
    assert.equal(back?.reason, 'ejection ended after 1.25m');
    assert.equal(ep.routableSince, Date.now(), 'the return starts slow start');
    detector.stop();
  });

  it('keeps an endpoint ejected after its time until activeHealthyThreshold checks pass in a row', () => {
    const { detector, ep, health, failTimes } = setup({}, 2);
    failTimes(5);
    mock.timers.tick(30_000);
    assert.equal(ep.outlier.state, 'ejected', 'time served, but no passing checks yet');
    detector.noteActiveResult(ep, true);
    detector.noteActiveResult(ep, false); // a failure restarts the count
    detector.noteActiveResult(ep, true);
    assert.equal(ep.outlier.state, 'ejected');
    detector.noteActiveResult(ep, true);
    assert.equal(ep.outlier.state, 'ok');
    assert.equal(health.at(-1)?.reason, 'ejection ended after 30s and 2 passing active checks');
    detector.stop();
  });

  it('returns at the end of the ejection time when the checks already passed', () => {
    const { detector, ep, failTimes } = setup({}, 2);
    failTimes(5);
    mock.timers.tick(10_000);
    detector.noteActiveResult(ep, true);
    detector.noteActiveResult(ep, true);
    assert.equal(ep.outlier.state, 'ejected', 'passing checks alone do not cut the ejection short');
    mock.timers.tick(20_000);
    assert.equal(ep.outlier.state, 'ok');
    detector.stop();
  });

  it('decays the multiplier by one per full baseEjection spent un-ejected since the last return', () => {
    const { ep, ejections, failTimes, detector } = setup();
    failTimes(5); // ejections 1, 30s
    mock.timers.tick(30_000); // returns at 30s
    mock.timers.tick(10_000);
    failTimes(5); // 10s after return: no decay → ejections 2, 60s
    mock.timers.tick(60_000); // returns at 100s
    assert.equal(ep.outlier.state, 'ok');
    mock.timers.tick(65_000); // two full 30s periods: 2 - 2 = 0
    failTimes(5);
    assert.deepEqual(ejections.map((e) => [e.ejections, e.durationMs]), [[1, 30_000], [2, 60_000], [1, 30_000]]);
    detector.stop();
  });

  it('ignores outcomes of an ejected endpoint (late in-flight requests)', () => {
    const { detector, ejections, failTimes } = setup();
    failTimes(5);
    failTimes(20);
    assert.equal(ejections.length, 1);
    assert.equal(detector.detected, 1);
    detector.stop();
  });

  it('records nothing when passive detection is disabled', () => {
    const { ep, failTimes, detector } = setup({ enabled: false });
    failTimes(50);
    assert.equal(ep.outlier.state, 'ok');
    assert.equal(detector.detected, 0);
  });

  it('stop and forget clear the return timers', () => {
    const a = setup();
    a.failTimes(5);
    a.detector.stop();
    mock.timers.tick(60_000);
    assert.equal(a.ep.outlier.state, 'ejected');

    const b = setup();
    b.failTimes(5);
    b.detector.forget(b.ep);
    mock.timers.tick(60_000);
    assert.equal(b.ep.outlier.state, 'ejected');
    assert.deepEqual(b.detector.stats().pools['svc/tencent'], { detected: 1, enforced: 1, ejectedNow: 0 });
  });
});
