import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Endpoint } from '../model/index.js';
import { tiersOf, type Pool } from './index.js';

const ep = (pool: string, host: string) => new Endpoint('svc', pool, undefined, undefined, `http://${host}:80`, 1, undefined, 0);
const pool = (name: string, priority: number, endpoints: Endpoint[]): Pool =>
  ({ name, priority, provider: undefined, region: undefined, hostHeader: undefined, endpoints });

describe('tiersOf', () => {
  it('groups pools of the same priority into one tier, best (lowest) priority first', () => {
    const a = ep('x', 'a');
    const b = ep('y', 'b');
    const c = ep('z', 'c');
    const x = pool('x', 2, [a]);
    const y = pool('y', 0, [b]);
    const z = pool('z', 2, [c]);
    const tiers = tiersOf([x, y, z]);
    assert.deepEqual(tiers.map((t) => t.priority), [0, 2]);
    assert.deepEqual(tiers[0]?.pools, [y]);
    assert.deepEqual(tiers[1]?.pools, [x, z]);
    assert.deepEqual(tiers[1]?.endpoints, [a, c]);
  });

  it('has no tiers without pools', () => {
    assert.deepEqual(tiersOf([]), []);
  });
});
