import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus, systemClock } from '../common/index.js';
import type { PassiveHealthConfig } from '../config/types.js';
import { Endpoint, HealthModel, type DetourEvent } from '../model/index.js';
import { OutlierDetector, type Outcome } from './detector.js';

beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 }));
afterEach(() => mock.timers.reset());

const OK: Outcome = { ok: true };
const CLOUD: Outcome = { ok: false, kind: 'cloud-error', evidence: { status: 200, errorCode: 'InternalError', cloudProvider: 'tencent' } };
const HTTP_500: Outcome = { ok: false, kind: '5xx', evidence: { status: 500 } };

function setup(over: Partial<PassiveHealthConfig> = {}) {
  const cfg: PassiveHealthConfig = {
    enabled: true, consecutiveFailures: 5, failureRatio: 0.5, minRequests: 20, window: 10_000,
    baseEjection: 30_000, maxEjection: 300_000, maxEjectionPercent: 100, cloudErrors: 5, ...over,
  };
  const bus = new EventBus<DetourEvent>();
  const ejections: Array<Extract<DetourEvent, { type: 'outlier.ejection' }>> = [];
  bus.on('outlier.ejection', (e) => ejections.push(e));
  const ep = new Endpoint('api', 'tencent-gz', 'tencent', 'ap-guangzhou', 'http://10.0.0.1:80', 1, undefined, 0);
  const detector = new OutlierDetector({ model: new HealthModel(bus, systemClock, 'test'), cfg, activeHealthyThreshold: undefined });
  detector.setPools([{ name: 'tencent-gz', endpoints: [ep] }]);
  return { ep, detector, ejections };
}

describe('cloud error envelopes in passive detection', () => {
  it('ejects an endpoint that answers InternalError to every other request after 5 such responses', () => {
    const { ep, detector, ejections } = setup();
    for (let i = 0; i < 4; i++) {
      detector.record(ep, CLOUD);
      detector.record(ep, OK);
    }
    assert.equal(ep.health, 'healthy', 'four cloud errors, never two in a row: not yet');
    detector.record(ep, CLOUD);
    assert.equal(ep.health, 'ejected');
    assert.match(ejections[0]!.reason, /5 cloud error responses within 10s \(last: InternalError\)/);
  });

  it('does not count plain 5xx answers towards the cloud error limit', () => {
    const { ep, detector } = setup();
    for (let i = 0; i < 8; i++) {
      detector.record(ep, HTTP_500);
      detector.record(ep, OK);
    }
    assert.equal(ep.health, 'healthy', 'eight 500s alternating with successes stay under the other rules');
  });

  it('forgets cloud errors older than the window', () => {
    const { ep, detector } = setup();
    for (let i = 0; i < 4; i++) {
      detector.record(ep, CLOUD);
      detector.record(ep, OK);
    }
    mock.timers.tick(11_000);
    detector.record(ep, CLOUD);
    assert.equal(ep.health, 'healthy');
  });

  it('can be turned off with cloudErrors: 0', () => {
    const { ep, detector } = setup({ cloudErrors: 0 });
    for (let i = 0; i < 8; i++) {
      detector.record(ep, CLOUD);
      detector.record(ep, OK);
    }
    assert.equal(ep.health, 'healthy');
  });
});
