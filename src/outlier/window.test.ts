import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SlidingWindow } from './window.js';

describe('SlidingWindow', () => {
  it('counts requests and failures recorded inside the window', () => {
    const w = new SlidingWindow(10_000);
    w.record(0, false);
    w.record(2500, true);
    w.record(9999, true);
    assert.equal(w.requests(9999), 3);
    assert.equal(w.failures(9999), 2);
  });

  it('drops whole buckets as they age out, lazily on the next read', () => {
    const w = new SlidingWindow(10_000); // ten 1s buckets
    w.record(500, true); // bucket [0, 1000)
    w.record(1500, false); // bucket [1000, 2000)
    assert.equal(w.requests(9999), 2);
    assert.equal(w.requests(10_000), 1, 'the [0, 1000) bucket left when [10000, 11000) began');
    assert.equal(w.failures(10_000), 0);
    assert.equal(w.requests(11_000), 0);
  });

  it('forgets everything after a gap longer than the window', () => {
    const w = new SlidingWindow(10_000);
    for (let t = 0; t < 10_000; t += 100) w.record(t, true);
    assert.equal(w.requests(9_999), 100);
    w.record(60_000, false);
    assert.equal(w.requests(60_000), 1);
    assert.equal(w.failures(60_000), 0);
  });

  it('keeps counting in the current bucket if the clock steps back', () => {
    const w = new SlidingWindow(10_000);
    w.record(5000, true);
    w.record(4000, true);
    assert.equal(w.failures(5000), 2);
  });

  it('reset empties the window', () => {
    const w = new SlidingWindow(1000);
    w.record(1, true);
    w.reset();
    assert.equal(w.requests(2), 0);
    assert.equal(w.failures(2), 0);
  });
});
