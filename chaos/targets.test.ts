import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TIMING } from './settings.js';
import { flapBound } from './targets.js';

describe('flap bound (README hysteresis arithmetic)', () => {
  it('allows one more ejection each time the growing ejection times still fit in the window', () => {
    const t = { ...TIMING, ejectMs: 5000 };
    // Ejections can start at 0, 5, 15, 30 s: within 13 s only the first two.
    assert.deepEqual([flapBound(13_000, t).maxEjections, flapBound(13_000, t).maxSwitches], [2, 4]);
    assert.equal(flapBound(15_000, t).maxEjections, 2);
    assert.equal(flapBound(15_001, t).maxEjections, 3);
    assert.equal(flapBound(1, t).maxEjections, 1);
  });

  it('explains its arithmetic in words', () => {
    assert.match(flapBound(13_000, { ...TIMING, ejectMs: 5000 }).arithmetic, /≤ 2 ejections per endpoint and ≤ 4 pool switches/);
  });
});
