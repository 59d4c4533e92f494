import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RetryBudget } from './retry-budget.js';

function clock(start = 1_000_000) {
  const c = { t: start, now: () => c.t };
  return c;
}

describe('RetryBudget (token bucket)', () => {
  it('starts with ten seconds of the per-second floor available', () => {
    const b = new RetryBudget(0.2, 10, clock());
    let granted = 0;
    while (b.take()) granted++;
    assert.equal(granted, 100);
    assert.equal(b.canRetry(), false);
  });

  it('lets each request deposit ratio of a token, so retries stay near ratio × traffic', () => {
    const c = clock();
    const b = new RetryBudget(0.2, 0, c);
    assert.equal(b.canRetry(), false, 'no floor and no traffic: no retry');
    for (let i = 0; i < 100; i++) b.requestStarted();
    let granted = 0;
    while (b.take()) granted++;
    assert.equal(granted, 20);
  });

  it('absorbs a burst of simultaneous failures with tokens saved by recent traffic', () => {
    const c = clock();
    const b = new RetryBudget(0.2, 10, c);
    // 5 s of 200 req/s, every request ending fine.
    for (let s = 0; s < 5; s++) {
      for (let i = 0; i < 200; i++) {
        b.requestStarted();
        b.requestEnded(false);
      }
      c.t += 1000;
    }
    // A cloud dies: 150 requests in flight fail in the same instant.
    let granted = 0;
    for (let i = 0; i < 150; i++) if (b.take()) granted++;
    assert.equal(granted, 150);
  });

  it('refills at the floor rate over time and never beyond its cap', () => {
    const c = clock();
    const b = new RetryBudget(0.2, 10, c);
    while (b.take());
    c.t += 500;
    assert.equal(Math.floor(b.tokens), 5);
    c.t += 60_000;
    assert.equal(b.tokens, 100, 'cap: 10 s of the floor with no recent traffic');
  });

  it('forgets deposits older than ten seconds when computing the cap', () => {
    const c = clock();
    const b = new RetryBudget(0.5, 0, c);
    for (let i = 0; i < 100; i++) b.requestStarted();
    assert.equal(b.tokens, 50);
    c.t += 11_000;
    assert.equal(b.tokens, 0, 'no floor and no recent requests: the cap is 0');
  });

  it('does not take a token when only asked whether a retry is possible', () => {
    const b = new RetryBudget(0.2, 1, clock());
    assert.equal(b.canRetry(), true);
    assert.equal(b.tokens, 10);
  });

  it('counts requests that are retrying for the status page and releases them when they end', () => {
    const b = new RetryBudget(0.2, 10, clock());
    b.requestStarted();
    assert.equal(b.inflight, 1);
    assert.equal(b.take(true), true);
    assert.equal(b.take(false), true, 'a second retry of the same request takes a token but is not counted twice');
    assert.equal(b.retrying, 1);
    b.requestEnded(true);
    assert.equal(b.retrying, 0);
    assert.equal(b.inflight, 0);
  });
});
