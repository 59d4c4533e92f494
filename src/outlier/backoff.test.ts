import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decayEjections, ejectionDuration } from './backoff.js';

describe('ejection backoff', () => {
  it('multiplies baseEjection by the ejection count and caps it at maxEjection', () => {
    const cfg = { baseEjection: 30_000, maxEjection: 300_000 };
    assert.deepEqual([1, 2, 3, 10, 11].map((n) => ejectionDuration(n, cfg)), [30_000, 60_000, 90_000, 300_000, 300_000]);
  });

  it('never ejects for less than one base period when maxEjection is set below it', () => {
    assert.equal(ejectionDuration(3, { baseEjection: 30_000, maxEjection: 10_000 }), 30_000);
  });

  it('takes one ejection off per full baseEjection spent un-ejected, floored at zero', () => {
    assert.equal(decayEjections(3, 29_999, 30_000), 3);
    assert.equal(decayEjections(3, 30_000, 30_000), 2);
    assert.equal(decayEjections(3, 65_000, 30_000), 1);
    assert.equal(decayEjections(3, 3_600_000, 30_000), 0);
  });

  it('does not decay without a known return time', () => {
    assert.equal(decayEjections(2, undefined, 30_000), 2);
  });
});
