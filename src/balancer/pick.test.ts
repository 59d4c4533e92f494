import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Endpoint } from '../model/index.js';
import { p2c, roundRobin } from './index.js';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ep = (host: string, weight = 1) => new Endpoint('svc', 'p', undefined, undefined, `http://${host}:80`, weight, undefined, 0);
const byWeight = (e: Endpoint) => e.weight;

describe('p2c picker', () => {
  it('returns the only candidate without drawing a random number', () => {
    const a = ep('a');
    let calls = 0;
    const picker = p2c(() => (calls++, 0.5));
    assert.equal(picker.pick([a], byWeight), a);
    assert.equal(calls, 0);
  });

  it('draws two distinct candidates so the less loaded of two is always the one taken', () => {
    const a = ep('a');
    const b = ep('b');
    b.inflight = 1;
    const picker = p2c(mulberry32(9));
    for (let i = 0; i < 100; i++) assert.equal(picker.pick([a, b], byWeight), a);
  });

  it('shares idle endpoints in proportion to their weights (2:1 within 5% over 30k picks)', () => {
    const a = ep('a', 2);
    const b = ep('b', 1);
    const picker = p2c(mulberry32(21));
    let na = 0;
    const n = 30_000;
    for (let k = 0; k < n; k++) if (picker.pick([a, b], byWeight) === a) na++;
    assert.ok(Math.abs(na / n - 2 / 3) <= (2 / 3) * 0.05, `share of a = ${na / n}`);
  });

  it('avoids a busy endpoint even when it has the larger weight', () => {
    const heavy = ep('heavy', 2);
    const light = ep('light', 1);
    heavy.inflight = 9;
    const picker = p2c(mulberry32(5));
    let nl = 0;
    const n = 10_000;
    for (let k = 0; k < n; k++) if (picker.pick([heavy, light], byWeight) === light) nl++;
    assert.ok(nl / n > 0.8, `share of the idle endpoint = ${nl / n}`);
  });

  it('draws candidates in proportion to weight (first draw decides a tie in load)', () => {
    // With equal weights and equal load the first draw wins, so three equal endpoints share evenly.
    const eps = [ep('a'), ep('b'), ep('c')];
    const picker = p2c(mulberry32(11));
    const counts = new Map<Endpoint, number>();
    const n = 30_000;
    for (let i = 0; i < n; i++) {
      const e = picker.pick(eps, byWeight);
      counts.set(e, (counts.get(e) ?? 0) + 1);
    }
    for (const e of eps) assert.ok(Math.abs(counts.get(e)! / n - 1 / 3) <= (1 / 3) * 0.05, `${e.endpoint}: ${counts.get(e)! / n}`);
  });

  it('uses the injected random source: the same seed gives the same choices', () => {
    const eps = [ep('a'), ep('b'), ep('c'), ep('d')];
    const run = () => {
      const picker = p2c(mulberry32(1234));
      return Array.from({ length: 50 }, () => picker.pick(eps, byWeight).endpoint);
    };
    assert.deepEqual(run(), run());
  });
});

describe('smooth weighted round robin picker', () => {
  it('alternates evenly between equal weights', () => {
    const [a, b, c] = [ep('a'), ep('b'), ep('c')];
    const picker = roundRobin();
    const seq = Array.from({ length: 6 }, () => picker.pick([a, b, c], byWeight).endpoint.slice(7, 8)).join('');
    assert.equal(seq, 'abcabc');
  });

  it('interleaves 2:1 as a,b,a rather than a,a,b', () => {
    const a = ep('a', 2);
    const b = ep('b', 1);
    const picker = roundRobin();
    const seq = Array.from({ length: 6 }, () => (picker.pick([a, b], byWeight) === a ? 'a' : 'b')).join('');
    assert.equal(seq, 'abaaba');
  });

  it('keeps separate state per picker', () => {
    const a = ep('a', 2);
    const b = ep('b', 1);
    const one = roundRobin();
    const two = roundRobin();
    assert.equal(one.pick([a, b], byWeight), a);
    assert.equal(one.pick([a, b], byWeight), b);
    assert.equal(two.pick([a, b], byWeight), a);
  });

  it('uses the weight function it is given (slow-start weights), not the configured weight', () => {
    const a = ep('a', 1);
    const b = ep('b', 1);
    const picker = roundRobin();
    const w = (e: Endpoint) => (e === b ? 0.1 : 1);
    let nb = 0;
    for (let i = 0; i < 1100; i++) if (picker.pick([a, b], w) === b) nb++;
    assert.ok(Math.abs(nb - 100) <= 2, `b picked ${nb} times`);
  });
});
