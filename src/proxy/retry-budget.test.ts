import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RetryBudget } from './retry-budget.js';

function withInflight(b: RetryBudget, n: number): RetryBudget {
  for (let i = 0; i < n; i++) b.requestStarted();
  return b;
}

describe('RetryBudget', () => {
  it('always allows the minimum number of concurrent retries, even with little traffic', () => {
    const b = withInflight(new RetryBudget(0.2, 3), 1);
    assert.equal(b.take(), true);
    assert.equal(b.take(), true);
    assert.equal(b.take(), true);
    assert.equal(b.canRetry(), false);
    assert.equal(b.take(), false);
    assert.equal(b.retrying, 3);
  });

  it('allows retries up to ratio × requests in flight once that exceeds the minimum', () => {
    const b = withInflight(new RetryBudget(0.2, 3), 100);
    let granted = 0;
    while (b.take()) granted++;
    assert.equal(granted, 20);
    assert.equal(b.retrying, 20);
  });

  it('does not take a unit when only asked whether a retry is possible', () => {
    const b = withInflight(new RetryBudget(0.2, 1), 1);
    assert.equal(b.canRetry(), true);
    assert.equal(b.canRetry(), true);
    assert.equal(b.retrying, 0);
  });

  it('gives a unit back when the request that held it ends', () => {
    const b = withInflight(new RetryBudget(0.2, 1), 2);
    assert.equal(b.take(), true);
    assert.equal(b.take(), false);
    b.requestEnded(true);
    assert.equal(b.inflight, 1);
    assert.equal(b.retrying, 0);
    assert.equal(b.take(), true);
  });

  it('only counts down retries for requests that held one', () => {
    const b = withInflight(new RetryBudget(0.2, 1), 2);
    assert.equal(b.take(), true);
    b.requestEnded(false);
    assert.equal(b.inflight, 1);
    assert.equal(b.retrying, 1);
    assert.equal(b.canRetry(), false);
  });

  it('shrinks the allowance as traffic drains away', () => {
    const b = withInflight(new RetryBudget(0.5, 1), 10);
    for (let i = 0; i < 5; i++) assert.equal(b.take(), true);
    assert.equal(b.take(), false);
    for (let i = 0; i < 4; i++) b.requestEnded(false); // 6 in flight → 3 allowed, 5 held
    assert.equal(b.canRetry(), false);
    for (let i = 0; i < 3; i++) b.requestEnded(true); // 3 in flight, 2 held → max(1, 1.5) = 1.5
    assert.equal(b.canRetry(), false);
    b.requestEnded(true); // 2 in flight, 1 held → max(1, 1) = 1
    assert.equal(b.canRetry(), false);
    b.requestEnded(true); // 1 in flight, 0 held
    assert.equal(b.canRetry(), true);
  });

  it('denies every retry with a minimum of zero and no traffic', () => {
    assert.equal(new RetryBudget(0.2, 0).take(), false);
  });

  it('accounts in-flight requests and retries to zero after a burst', () => {
    const b = new RetryBudget(0.2, 3);
    const held: boolean[] = [];
    for (let i = 0; i < 50; i++) {
      b.requestStarted();
      held.push(i % 2 === 0 ? b.take() : false);
    }
    assert.equal(b.inflight, 50);
    assert.ok(b.retrying <= Math.max(3, 0.2 * 50));
    for (const h of held) b.requestEnded(h);
    assert.equal(b.inflight, 0);
    assert.equal(b.retrying, 0);
  });
});
