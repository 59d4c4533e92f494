import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('doubles per failure between half and all of the capped delay', () => {
    assert.equal(backoffDelay(1, 1000, 60_000, () => 0), 500);
    assert.equal(backoffDelay(1, 1000, 60_000, () => 0.999999), 1000);
    assert.equal(backoffDelay(4, 1000, 60_000, () => 0), 4000);
    assert.equal(backoffDelay(4, 1000, 60_000, () => 0.5), 6000);
  });

  it('never exceeds the cap, however many failures', () => {
    assert.equal(backoffDelay(100, 1000, 60_000, () => 0.999999), 60_000);
    assert.equal(backoffDelay(100, 1000, 60_000, () => 0), 30_000);
  });
});
