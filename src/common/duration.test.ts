import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from './index.js';

describe('parseDuration', () => {
  it('parses milliseconds, seconds, minutes and hours', () => {
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('2s'), 2000);
    assert.equal(parseDuration('1m'), 60_000);
    assert.equal(parseDuration('1h'), 3_600_000);
    assert.equal(parseDuration('0s'), 0);
  });

  it('parses fractions and rounds to whole milliseconds', () => {
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('0.25m'), 15_000);
    assert.equal(parseDuration('1.0004s'), 1000);
    assert.equal(parseDuration('0.5ms'), 1);
  });

  it('ignores surrounding whitespace', () => {
    assert.equal(parseDuration('  30s\n'), 30_000);
  });

  it('takes a non-negative finite number as milliseconds', () => {
    assert.equal(parseDuration(1500), 1500);
    assert.equal(parseDuration(0), 0);
  });

  it('answers undefined for anything else', () => {
    for (const bad of ['', 'abc', '10', '-1s', '1 s', '1S', '1.s', '.5s', '1e3ms', '1d', '1sec', '1s2', 's', '1ms ms', '+1s', '1_000ms']) {
      assert.equal(parseDuration(bad), undefined, JSON.stringify(bad));
    }
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(parseDuration(bad), undefined, String(bad));
  });
});

describe('formatDuration', () => {
  it('formats for humans in the largest unit that reads well', () => {
    assert.equal(formatDuration(250), '250ms');
    assert.equal(formatDuration(1500), '1.5s');
    assert.equal(formatDuration(2000), '2s');
    assert.equal(formatDuration(90_000), '1.5m');
  });

  it('round-trips through parseDuration', () => {
    for (const ms of [0, 1, 250, 999, 1000, 1500, 59_999, 60_000, 90_000]) assert.equal(parseDuration(formatDuration(ms)), ms, String(ms));
  });
});
