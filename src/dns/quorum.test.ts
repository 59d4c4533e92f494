import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decide, ObservationStore, tally, type Observation, type QuorumRule } from './quorum.js';

const obs = (observer: string, healthy: boolean, at = 1000): Observation => ({ observer, record: 'api.example.com', value: '192.0.2.1', healthy, at, reason: healthy ? 'ok' : 'refused' });
const rule = (quorum: QuorumRule['quorum'], maxAge = 10_000): QuorumRule => ({ quorum, maxAge });

describe('quorum over vantage points', () => {
  it('withdraws a value when the single local vantage point sees it down (quorum 1, the default)', () => {
    assert.equal(decide('up', [obs('a', false)], rule(1), 1000), 'down');
    assert.equal(decide('unknown', [obs('a', true)], rule(1), 1000), 'up');
  });

  it('needs two of three observers to withdraw with quorum 2, and two to restore', () => {
    assert.equal(decide('up', [obs('a', false), obs('b', true), obs('c', true)], rule(2), 1000), 'up');
    assert.equal(decide('up', [obs('a', false), obs('b', false), obs('c', true)], rule(2), 1000), 'down');
    // One observer recovering is not enough while two still see it down …
    assert.equal(decide('down', [obs('a', true), obs('b', false), obs('c', false)], rule(2), 1000), 'down');
    // … and once only one sees it down, two see it up: restored.
    assert.equal(decide('down', [obs('a', true), obs('b', true), obs('c', false)], rule(2), 1000), 'up');
  });

  it('keeps the previous decision when no quorum either way (hysteresis)', () => {
    assert.equal(decide('down', [obs('a', true)], rule(2), 1000), 'down');
    assert.equal(decide('up', [obs('a', false)], rule(2), 1000), 'up');
    assert.equal(decide('unknown', [obs('a', false)], rule(2), 1000), 'unknown');
  });

  it('counts a majority of the observers that reported recently', () => {
    assert.deepEqual(tally([obs('a', false), obs('b', true), obs('c', false)], rule('majority'), 1000), { up: 1, down: 2, needed: 2 });
    assert.equal(decide('up', [obs('a', false), obs('b', true), obs('c', false)], rule('majority'), 1000), 'down');
    assert.equal(decide('up', [obs('a', false), obs('b', true)], rule('majority'), 1000), 'up', '1 of 2 is no majority');
  });

  it('gives an observer that stopped reporting no vote', () => {
    const stale = obs('a', false, 0);
    assert.equal(decide('up', [stale], rule(1, 500), 1000), 'up');
    assert.equal(decide('up', [stale, obs('b', true)], rule('majority', 500), 1000), 'up');
    assert.deepEqual(tally([stale], rule(1, 500), 1000), { up: 0, down: 0, needed: 1 });
  });
});

describe('ObservationStore', () => {
  it('keeps the newest observation per observer and value', () => {
    const s = new ObservationStore();
    s.record(obs('a', false, 2000));
    s.record(obs('a', true, 1000)); // older, arrived late (a remote observer): ignored
    s.record(obs('b', true, 1500));
    assert.deepEqual(s.get('api.example.com', '192.0.2.1').map((o) => [o.observer, o.healthy]), [['a', false], ['b', true]]);
    assert.deepEqual(s.from('b').map((o) => o.at), [1500]);
  });

  it('drops values that are no longer configured', () => {
    const s = new ObservationStore();
    s.record(obs('a', true));
    s.record({ ...obs('a', true), value: '192.0.2.2' });
    s.retain((_r, v) => v === '192.0.2.2');
    assert.equal(s.get('api.example.com', '192.0.2.1').length, 0);
    assert.equal(s.get('api.example.com', '192.0.2.2').length, 1);
  });
});
