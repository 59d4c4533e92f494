import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_MS, dailyUptime, recordLevel, type LevelHistory } from './uptime.js';

const day0 = Date.UTC(2024, 3, 1); // 2024-04-01T00:00Z
const MIN = 60_000;

describe('daily uptime', () => {
  it('counts 87 minutes down on 2024-04-08 as 93.96% that day and 100% on the days around it', () => {
    const start = Date.UTC(2024, 3, 8, 7, 30);
    const h: LevelHistory = { since: day0, initial: 'up', changes: [{ at: start, level: 'down' }, { at: start + 87 * MIN, level: 'up' }] };
    const days = dailyUptime(h, 10, day0 + 10 * DAY_MS - 1);
    assert.equal(days.length, 10);
    const apr8 = days.find((d) => d.day === '2024-04-08')!;
    assert.equal(apr8.downMs, 87 * MIN);
    assert.equal(apr8.availability!.toFixed(4), (1 - 87 / 1440).toFixed(4));
    assert.deepEqual(days.filter((d) => d.day !== '2024-04-08').map((d) => d.availability), new Array(9).fill(1));
  });

  it('splits an outage across midnight between the two days', () => {
    const h: LevelHistory = { since: day0, initial: 'up', changes: [{ at: day0 + DAY_MS - 30 * MIN, level: 'down' }, { at: day0 + DAY_MS + 10 * MIN, level: 'up' }] };
    const [d1, d2] = dailyUptime(h, 2, day0 + 2 * DAY_MS - 1);
    assert.equal(d1!.downMs, 30 * MIN);
    assert.equal(d2!.downMs, 10 * MIN);
  });

  it('shows days before observation began as no data, and counts only the observed part of a partial day', () => {
    const since = day0 + 12 * 60 * MIN; // observed from noon
    const h: LevelHistory = { since, initial: 'up', changes: [{ at: since + 6 * 60 * MIN, level: 'down' }] };
    const [before, first] = dailyUptime(h, 2, day0 + DAY_MS - 1);
    assert.equal(before!.availability, null);
    assert.equal(first!.availability!.toFixed(3), '0.500'); // 6 h down of the 12 h observed
  });

  it('counts degraded time apart from downtime: degraded is still available', () => {
    const h: LevelHistory = { since: day0, initial: 'up', changes: [{ at: day0 + MIN, level: 'degraded' }, { at: day0 + 21 * MIN, level: 'up' }] };
    const [d] = dailyUptime(h, 1, day0 + DAY_MS - 1);
    assert.deepEqual({ a: d!.availability, down: d!.downMs, degraded: d!.degradedMs }, { a: 1, down: 0, degraded: 20 * MIN });
  });

  it('records only real changes and folds changes older than the window into the initial level', () => {
    const h: LevelHistory = { since: day0, initial: 'up', changes: [] };
    assert.equal(recordLevel(h, day0 + 1, 'up', 0), false);
    assert.equal(recordLevel(h, day0 + DAY_MS, 'down', 0), true);
    assert.equal(recordLevel(h, day0 + 100 * DAY_MS, 'up', day0 + 9 * DAY_MS), true);
    assert.equal(h.initial, 'down');
    assert.equal(h.since, day0 + 9 * DAY_MS);
    assert.deepEqual(h.changes, [{ at: day0 + 100 * DAY_MS, level: 'up' }]);
  });
});
