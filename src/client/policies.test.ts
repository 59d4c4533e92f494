import { afterEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { fullJitter, retryAfter } from './backoff.js';
import { latency } from './latency.js';
import { retryQuota } from './quota.js';

afterEach(() => mock.restoreAll());

describe('retry quota (AWS SDK v3 standard mode)', () => {
  it('takes 5 or 10 tokens per retry, never more than it has, and refunds up to capacity', () => {
    const q = retryQuota(500);
    assert.equal(q.take(10), true);
    assert.equal(q.tokens, 490);
    q.refund(10);
    assert.equal(q.tokens, 500);
    q.refund(0);
    assert.equal(q.tokens, 500, 'capped at capacity');
    const small = retryQuota(7);
    assert.equal(small.take(5), true);
    assert.equal(small.take(5), false);
    assert.equal(small.tokens, 2);
    small.refund(0);
    assert.equal(small.tokens, 3, 'a request that was not retried gives back 1');
  });
});

describe('backoff', () => {
  it('draws full jitter from 0 up to min(cap, base × 2^n)', () => {
    mock.method(Math, 'random', () => 0.999);
    assert.equal(fullJitter(0), 99);
    assert.equal(fullJitter(3), 799);
    assert.equal(fullJitter(20), 19980, 'capped at 20 s');
    mock.method(Math, 'random', () => 0);
    assert.equal(fullJitter(5), 0);
  });

  it('reads Retry-After as seconds or an HTTP-date (RFC 9110 §10.2.3)', () => {
    const now = Date.parse('2024-04-08T07:00:00Z');
    assert.equal(retryAfter('120', now), 120_000);
    assert.equal(retryAfter('Mon, 08 Apr 2024 07:01:30 GMT', now), 90_000);
    assert.equal(retryAfter('Mon, 08 Apr 2024 06:00:00 GMT', now), 0, 'a date in the past means now');
    assert.equal(retryAfter('soon', now), undefined);
    assert.equal(retryAfter(null, now), undefined);
  });
});

describe('latency percentile for hedging', () => {
  it('has no delay before 8 samples, then the nearest-rank percentile of the last 64, at least 10 ms', () => {
    const l = latency();
    for (let i = 1; i <= 7; i++) l.add(i * 100);
    assert.equal(l.delay(95), undefined);
    l.add(800);
    assert.equal(l.delay(95), 800);
    assert.equal(l.delay(50), 400);
    for (let i = 0; i < 64; i++) l.add(1);
    assert.equal(l.delay(95), 10, 'old samples rolled out; floor applies');
  });
});
