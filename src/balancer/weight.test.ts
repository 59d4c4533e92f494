import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Endpoint } from '../model/index.js';
import { effectiveWeight, SLOW_START_MIN_FACTOR } from './index.js';

function ep(weight: number, routableSince: number): Endpoint {
  const e = new Endpoint('svc', 'p', undefined, undefined, 'http://a:80', weight, undefined, 0);
  e.routableSince = routableSince;
  return e;
}

describe('effectiveWeight (slow start)', () => {
  const window = 30_000;

  it('starts an endpoint that has just become routable at 10% of its weight', () => {
    assert.equal(SLOW_START_MIN_FACTOR, 0.1);
    assert.equal(effectiveWeight(ep(10, 1000), 1000, window), 1);
  });

  it('is at half its weight half-way through the window', () => {
    assert.equal(effectiveWeight(ep(10, 1000), 1000 + window / 2, window), 5);
  });

  it('reaches full weight at the end of the window and stays there', () => {
    assert.equal(effectiveWeight(ep(10, 1000), 1000 + window, window), 10);
    assert.equal(effectiveWeight(ep(10, 1000), 1000 + 10 * window, window), 10);
  });

  it('never goes below the 10% floor early in the window', () => {
    assert.equal(effectiveWeight(ep(10, 1000), 1000 + window * 0.05, window), 1);
  });

  it('grows monotonically over the window', () => {
    const e = ep(7, 0);
    let last = 0;
    for (let t = 0; t <= window; t += 1000) {
      const w = effectiveWeight(e, t, window);
      assert.ok(w >= last, `weight fell at t=${t}`);
      last = w;
    }
    assert.equal(last, 7);
  });

  it('is the configured weight when slow start is off (0)', () => {
    assert.equal(effectiveWeight(ep(3, 1000), 1000, 0), 3);
  });
});
