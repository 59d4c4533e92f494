import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Sampler, type MetricsTotals } from '../src/incidents/sampler.js';
import type { DetourEvent } from '../src/model/index.js';
import { BurnAlerts, BurnRates, WORKBOOK_RULES, errorBudget } from '../src/sla/index.js';

type SloBurn = Extract<DetourEvent, { type: 'slo.burn' }>;
const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 3, 8, 0, 0);

/** Node 20's mock timers set Date to the end of a tick before running callbacks, so time moves a second at a time. */
function advance(ms: number): void {
  for (let t = 0; t < ms; t += 1000) mock.timers.tick(1000);
}

/**
 * A fake gateway's counters: `rps` requests a second to the service and its pool, of
 * which `failRatio()` fail (as upstream attempts; clients see none, failover hides them).
 */
function traffic(rps: number, failRatio: () => number) {
  let total = 0;
  let failed = 0;
  let last = Date.now();
  return {
    advance(): void {
      const secs = (Date.now() - last) / 1000;
      last = Date.now();
      total += rps * secs;
      failed += rps * secs * failRatio();
    },
    totals(): MetricsTotals {
      return {
        requests: [{ labels: { service: 'api', status: '200', code: '' }, value: total }],
        attempts: [
          { labels: { service: 'api', pool: 'tencent-gz', endpoint: 'http://10.0.0.1', outcome: 'ok' }, value: total - failed },
          { labels: { service: 'api', pool: 'tencent-gz', endpoint: 'http://10.0.0.1', outcome: 'cloud-error' }, value: failed },
        ],
        latency: [],
      };
    },
  };
}

describe('error budget burn-rate alerts', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setInterval', 'Date'], now: T0 }));
  afterEach(() => mock.timers.reset());

  it('pages on a 20× burn once the 1h window passes 14.4×, then the 6h window passes 6×, and clears each page within its short window after recovery', () => {
    let ratio = 0;
    const fake = traffic(100, () => ratio);
    const alerts: SloBurn[] = [];
    const burn = new BurnAlerts(0.999, 'test', (e) => alerts.push(e));
    const sampler = new Sampler(
      { totals: () => fake.totals(), endpoints: () => [], topology: () => [{ name: 'api', pools: [{ name: 'tencent-gz', provider: 'tencent', region: 'ap-guangzhou', priority: 0, endpoints: [] }] }] },
      { clientErrors: () => {}, minute: (m, rows) => burn.minute(m, rows, Date.now()) },
    );
    // The same loop the record feature runs: one sample a second.
    const timer = setInterval(() => {
      fake.advance();
      sampler.tick(Date.now());
    }, 1000);
    const fired = (alert: string) => alerts.find((a) => a.alert === alert && a.state === 'firing' && a.pool === 'tencent-gz');

    advance(2 * HOUR); // a healthy baseline
    assert.equal(alerts.length, 0);
    ratio = 0.02; // 2% of attempts fail against a 0.1% budget: a 20× burn
    const start = Date.now();
    advance(42 * MIN);
    assert.equal(fired('fast'), undefined, 'the 1h window is below 14.4× before 43.2 minutes');
    advance(3 * MIN);
    const fast = fired('fast')!;
    assert.ok(fast, 'fast burn pages');
    assert.equal(fast.severity, 'page');
    assert.equal(fast.provider, 'tencent');
    assert.equal(fast.threshold, 14.4);
    assert.ok(fast.shortBurn > 19 && fast.shortBurn < 21, `short window burn ${fast.shortBurn}`);
    assert.ok(fast.at - start >= 43 * MIN && fast.at - start <= 45 * MIN);
    assert.equal(alerts.filter((a) => a.service === 'api' && a.pool === undefined).length, 0, 'clients saw no errors: the service budget is untouched');

    advance(75 * MIN);
    assert.ok(fired('medium'), 'the 6h window passes 6× after 1.8 hours');
    // With 2 hours of history the 3-day window holds what there is: 1× (a ticket) is crossed after about 6 minutes.
    assert.equal(fired('slow')?.severity, 'ticket');

    ratio = 0;
    const recovered = Date.now();
    advance(5 * MIN);
    const cleared = () => alerts.filter((a) => a.state === 'resolved').map((a) => a.alert).sort();
    assert.deepEqual(cleared(), ['fast'], 'the fast page clears within its 5-minute short window');
    advance(25 * MIN);
    assert.deepEqual(cleared(), ['fast', 'medium'], 'the medium page within its 30-minute one; the ticket stays');
    assert.ok(alerts.filter((a) => a.state === 'resolved').every((a) => a.at - recovered <= 30 * MIN));
    clearInterval(timer);
  });

  it('computes burn rates and budgets as the SRE workbook defines them', () => {
    assert.deepEqual(WORKBOOK_RULES.map((r) => [r.burnRate, r.longMs / HOUR, r.shortMs / MIN]), [[14.4, 1, 5], [6, 6, 30], [1, 72, 360]]);
    const b = new BurnRates(0.999);
    for (let m = 0; m < 60; m++) b.record({ service: 'api' }, T0 + m * MIN, 1000, m < 30 ? 0 : 2);
    // 60 failures in 60,000 requests = 0.1%: exactly the budget rate, burn 1.
    assert.ok(Math.abs(b.burn({ service: 'api' }, HOUR, T0 + HOUR) - 1) < 1e-9);
    assert.ok(Math.abs(b.burn({ service: 'api' }, 5 * MIN, T0 + HOUR) - 2) < 1e-9);
    const budget = errorBudget(0.999, 1_000_000, 250);
    assert.ok(Math.abs(budget.allowed - 1000) < 1e-6 && Math.abs(budget.spent - 0.25) < 1e-9 && Math.abs(budget.remaining - 0.75) < 1e-9);
  });
});
