import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Endpoint } from '../model/index.js';
import { Balancer } from './balancer.js';
import type { Pool } from './pool.js';

function pools(now: number): { primary: Endpoint; backup: Endpoint; list: Pool[] } {
  const primary = new Endpoint('s', 'primary', 'tencent', undefined, 'http://10.0.0.1', 1, undefined, now);
  const backup = new Endpoint('s', 'backup', 'aliyun', undefined, 'http://10.0.0.2', 1, undefined, now);
  const mk = (name: string, priority: number, ep: Endpoint): Pool => ({ name, priority, provider: undefined, region: undefined, hostHeader: undefined, endpoints: [ep] });
  return { primary, backup, list: [mk('primary', 0, primary), mk('backup', 1, backup)] };
}

function share(b: Balancer, ep: Endpoint, n = 20_000): number {
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const s = b.select(new Set());
    if (s.kind === 'endpoint' && s.endpoint === ep) hits++;
  }
  return hits / n;
}

function seeded(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('failback ramp across priorities', () => {
  it('gives a primary that just came back 10% of traffic and ramps it to all of it over slowStart', () => {
    let t = 1_000_000;
    const { primary, list } = pools(t);
    const b = new Balancer(list, { kind: 'p2c', slowStart: 30_000, allDown: 'fail-open', clock: { now: () => t }, random: seeded(7) });
    primary.routableSince = t; // just recovered
    assert.ok(Math.abs(share(b, primary) - 0.1) < 0.02, 'starts at the 10% floor');
    t += 15_000;
    assert.ok(Math.abs(share(b, primary) - 0.5) < 0.02, 'half-way through the window: half the traffic');
    t += 15_000;
    assert.equal(share(b, primary), 1, 'after the window: everything');
  });

  it('sends everything to a warming primary when no lower tier can take traffic', () => {
    const t = 1_000_000;
    const { primary, backup, list } = pools(t);
    backup.drained = true;
    backup.health = 'drained';
    const b = new Balancer(list, { kind: 'p2c', slowStart: 30_000, allDown: 'fail-open', clock: { now: () => t }, random: seeded(3) });
    primary.routableSince = t;
    assert.equal(share(b, primary, 2000), 1);
  });

  it('moves all traffic back at once when slowStart is 0', () => {
    const t = 1_000_000;
    const { primary, list } = pools(t);
    const b = new Balancer(list, { kind: 'round-robin', slowStart: 0, allDown: 'fail-open', clock: { now: () => t } });
    primary.routableSince = t;
    assert.equal(share(b, primary, 1000), 1);
  });
});
