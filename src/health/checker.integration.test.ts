import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBus, systemClock } from '../common/index.js';
import type { ActiveHealthConfig } from '../config/types.js';
import { Endpoint, HealthModel, type DetourEvent, type EffectiveHealth } from '../model/index.js';
import { HealthChecker } from './checker.js';

type HealthEvent = Extract<DetourEvent, { type: 'endpoint.health' }>;

/** Resolves on the next matching event; the timeout only guards against a hung test. */
function nextHealthEvent(bus: EventBus<DetourEvent>, to: EffectiveHealth, safetyMs = 10_000): Promise<HealthEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (sub.dispose(), reject(new Error(`no endpoint.health → ${to} within ${safetyMs}ms`))), safetyMs);
    const sub = bus.on('endpoint.health', (e) => {
      if (e.to === to) {
        clearTimeout(timer);
        sub.dispose();
        resolve(e);
      }
    });
  });
}

describe('HealthChecker against a real server', () => {
  let mode: 'ok' | 'cloud-error' | 'ok-again' = 'ok';
  // 'cloud-error' answers 200 with an error envelope: only bodyNotContains catches it.
  const server = http.createServer((_req, res) => {
    res.end(mode === 'cloud-error' ? '{"Error":{"Code":"InternalError"}}' : '{"status":"ok"}');
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('drives an endpoint healthy → unhealthy → healthy as the server changes behaviour', async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const cfg: ActiveHealthConfig = {
      type: 'http', path: '/healthz', method: 'GET', interval: 20, unhealthyInterval: 30, timeout: 1000,
      healthyThreshold: 2, unhealthyThreshold: 2, jitter: 0.1,
      expect: { status: [[200, 399]], bodyContains: undefined, bodyNotContains: 'InternalError' }, host: undefined,
    };
    const bus = new EventBus<DetourEvent>();
    const model = new HealthModel(bus, systemClock, 'it');
    const ep = new Endpoint('svc', 'tencent', 'tencent', 'ap-guangzhou', `http://127.0.0.1:${port}`, 1, undefined, Date.now());
    const checker = new HealthChecker({ model, cfg });
    const firstPass = new Promise<void>((resolve) => {
      const sub = checker.onResult((_ep, r) => r.ok && (sub.dispose(), resolve()));
    });
    try {
      checker.start([ep]);
      await firstPass;
      assert.equal(ep.active.state, 'healthy');

      const down = nextHealthEvent(bus, 'unhealthy');
      mode = 'cloud-error';
      const d = await down;
      assert.equal(d.from, 'healthy');
      assert.equal(d.source, 'active');
      assert.equal(d.reason, 'body contains "InternalError" (2 consecutive failed checks)');
      assert.equal(d.evidence?.status, 200);
      assert.equal(ep.routable, false);

      const up = nextHealthEvent(bus, 'healthy');
      mode = 'ok-again';
      const u = await up;
      assert.equal(u.from, 'unhealthy');
      assert.equal(u.reason, '2 consecutive passing checks');
      assert.equal(ep.routable, true);
      assert.equal(ep.routableSince, u.at, 'the model started the slow-start ramp');
    } finally {
      await checker.stop();
    }
  });
});
