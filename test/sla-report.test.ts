import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../src/config/index.js';
import {
  availability, buildReport, creditPercent, findProduct, formatReport, loadTiers, parseMonth, pct, segments, unavailable,
  type History, type ReportSource, type TopologyService,
} from '../src/sla/index.js';

const MIN = 60_000;
const topo: TopologyService[] = [{
  name: 'api',
  pools: [
    { name: 'tencent-gz', provider: 'tencent', region: 'ap-guangzhou', priority: 0, endpoints: ['http://10.0.0.1'] },
    { name: 'aliyun-hz', provider: 'aliyun', region: 'cn-hangzhou', priority: 1, endpoints: ['http://10.1.0.1'] },
  ],
}];

/** April 2026 in China time, observed the whole month, with the primary down `downMs` from 2026-04-08 15:31 (+08:00). */
function april(downMs: number, extra: Partial<History> = {}): { src: ReportSource; month: NonNullable<ReturnType<typeof parseMonth>> } {
  const month = parseMonth('2026-04', 480)!;
  const start = Date.UTC(2026, 3, 8, 7, 31);
  const history: History = {
    runs: [{ start: month.from - 3_600_000, end: month.to + 3_600_000 }],
    topologies: [{ at: month.from - 3_600_000, services: topo }],
    changes: [
      { at: start, service: 'api', pool: 'tencent-gz', endpoint: 'http://10.0.0.1', to: 'ejected' },
      { at: start + downMs, service: 'api', pool: 'tencent-gz', endpoint: 'http://10.0.0.1', to: 'healthy' },
    ],
    ...extra,
  };
  const src: ReportSource = {
    history: async () => history,
    traffic: async () => [
      { service: 'api', pool: null, total: 1_000_000, failed: 250 },
      { service: 'api', pool: 'tencent-gz', total: 600_000, failed: 52_200 },
      { service: 'api', pool: 'aliyun-hz', total: 452_000, failed: 50 },
    ],
    incidents: async () => [{ id: '20260408-0731', title: 'api: tencent ap-guangzhou failing', status: 'resolved', service: 'api', provider: 'tencent', region: 'ap-guangzhou', startedAt: start, recoveredAt: start + downMs, durationMs: downMs, clientErrors: 0 }],
  };
  return { src, month };
}

const cfg = (sla = '') => parseConfig(`
services:
  - pools:
      - { name: tencent-gz, provider: tencent, region: ap-guangzhou, endpoints: [http://10.0.0.1] }
      - { name: aliyun-hz, provider: aliyun, region: cn-hangzhou, endpoints: [http://10.1.0.1] }
sla:
  utcOffset: "+08:00"
  currency: CNY
  spend:
    - { provider: tencent, product: cvm, monthly: 500 }
${sla}`, '/tmp/sla.yaml', {});

describe('SLA arithmetic', () => {
  it('counts 87 minutes down in a 30-day month as 99.80% (1 − 87/43200), inside Tencent CVM\'s 10% credit band', async () => {
    const { src, month } = april(87 * MIN);
    assert.equal(month.minutes, 43_200);
    assert.equal(month.from, Date.UTC(2026, 2, 31, 16), 'a +08:00 month starts at 16:00 UTC the day before');
    const r = await buildReport(src, cfg(), month, month.to + 1);
    const tencent = r.providers.find((p) => p.provider === 'tencent')!;
    assert.equal(tencent.unavailableMinutes, 87);
    assert.ok(Math.abs(tencent.timeAvailability - (1 - 87 / 43_200)) < 1e-12);
    assert.equal(tencent.timeAvailability.toFixed(6), '0.997986');
    assert.equal(tencent.timeAvailabilityPct, '99.80');
    assert.equal(tencent.commitment, 99.95);
    assert.equal(tencent.meetsCommitment, false);
    assert.equal(tencent.creditPercent, 10, '99.80 is in [99, 99.95)');
    assert.equal(tencent.estimatedCredit, 50, '10% of 500 CNY: the 50-yuan voucher');
    assert.equal(tencent.currency, 'CNY');
    assert.equal(tencent.verified, true);
    assert.equal(tencent.requestAvailability, 1 - 52_200 / 600_000);
    const aliyun = r.providers.find((p) => p.provider === 'aliyun')!;
    assert.equal(aliyun.unavailableMinutes, 0);
    assert.equal(aliyun.meetsCommitment, true);
    assert.equal(aliyun.monthlySpend, null, 'no spend configured: no credit estimate');
    assert.equal(aliyun.verified, false);
    assert.ok(r.caveats.some((c) => /aliyun ecs: the published terms are UNVERIFIED/.test(c)));
    const svc = r.services[0]!;
    assert.equal(svc.downMinutes, 0, 'clients were served by the backup throughout');
    assert.equal(svc.requestAvailability, 1 - 250 / 1_000_000);
    assert.ok(Math.abs(svc.budgetSpent - 250 / 1000) < 1e-9, 'a quarter of a 99.9% budget');
  });

  it('applies Tencent\'s definition: an outage of 1 minute or less is not counted, 1 min 01 s counts as 2 minutes', () => {
    const rule = { minOutageMs: 60_000, rounding: 'up' as const };
    const seg = (ms: number) => [{ start: 0, end: ms, level: 'down' as const }];
    assert.equal(unavailable(seg(60_000), 0, 1e9, rule).minutes, 0);
    assert.equal(unavailable(seg(61_000), 0, 1e9, rule).minutes, 2);
    assert.equal(unavailable(seg(87 * MIN), 0, 1e9, rule).minutes, 87);
    assert.equal(unavailable(seg(90_000), 0, 1e9, { minOutageMs: 0, rounding: 'exact' }).minutes, 1.5, 'AWS: as measured');
    // Ejections of 30 s, 60 s, 90 s with the endpoint retried for a few seconds between: one outage, not three short ones.
    const flaps = [
      { start: 0, end: 30_000, level: 'down' as const }, { start: 30_000, end: 32_000, level: 'up' as const },
      { start: 32_000, end: 92_000, level: 'down' as const }, { start: 92_000, end: 95_000, level: 'up' as const },
      { start: 95_000, end: 185_000, level: 'down' as const }, { start: 185_000, end: 600_000, level: 'up' as const },
      { start: 600_000, end: 700_000, level: 'down' as const },
    ];
    const u = unavailable(flaps, 0, 1e9, rule);
    assert.deepEqual(u.outages.map((o) => [o.start, o.end, o.minutes]), [[0, 185_000, 4], [600_000, 700_000, 2]]);
    // Tencent's worked example: 30 days at 99.95% allow 21.6 minutes.
    assert.equal(pct(availability(21.6, 43_200), 4), '99.9500');
  });

  it('picks the credit band by the exact availability, not the rounded display', () => {
    const cvm = findProduct(loadTiers(), 'tencent', 'cvm')!;
    assert.equal(creditPercent(cvm, 99.95), 0);
    assert.equal(creditPercent(cvm, 99.9499), 10, 'shown as 99.95 but below the commitment');
    assert.equal(creditPercent(cvm, 99), 10);
    assert.equal(creditPercent(cvm, 98.999), 25);
    assert.equal(creditPercent(cvm, 94.99), 100);
    const ec2 = findProduct(loadTiers(), 'amazon', undefined)!;
    assert.equal(ec2.product, 'ec2-region', 'aliases and the default product');
    assert.equal(creditPercent(ec2, 98.5), 30);
    assert.equal(creditPercent(findProduct(loadTiers(), 'huawei')!, 90), null, 'no credit table known');
  });

  it('ships every tier table with a source, a date and a confidence, and marks the unconfirmed ones', () => {
    for (const t of loadTiers().values()) {
      for (const p of t.products.values()) {
        assert.ok(p.source.length > 10 && p.sourceDate.length > 0, `${t.provider} ${p.product} source and date`);
        if (p.confidence === 'low' || p.confidence === 'unverified') assert.equal(p.verified, false, `${t.provider} ${p.product} must be marked unverified`);
      }
    }
    assert.equal(findProduct(loadTiers(), 'aliyun', 'ecs')!.verified, false);
    assert.equal(findProduct(loadTiers(), 'tencent', 'cvm')!.commitment, 99.95, 'CVM is 99.95%, not 99.975% (that is Alibaba ECS)');
  });

  it('lets the configuration replace a shipped table', async () => {
    const c = cfg(`  tiers:
    - provider: tencent
      product: cvm
      commitment: 99.99
      unavailableAfter: 0s
      rounding: exact
      credits: [{ from: 99.5, to: 99.99, percent: 15 }, { from: 0, to: 99.5, percent: 50 }]
      source: our enterprise agreement 2026-01
`);
    const { src, month } = april(87 * MIN);
    const r = await buildReport(src, c, month, month.to + 1);
    const t = r.providers.find((p) => p.provider === 'tencent')!;
    assert.equal(t.commitment, 99.99);
    assert.equal(t.creditPercent, 15);
    assert.equal(t.estimatedCredit, 75);
    assert.equal(t.confidence, 'user');
    assert.equal(t.source, 'our enterprise agreement 2026-01');
  });

  it('counts no downtime while Detour was not running, and says how much it did not see', async () => {
    const month = parseMonth('2026-04', 480)!;
    const { src } = april(87 * MIN, { runs: [{ start: month.from + 10 * 86_400_000, end: month.from + 20 * 86_400_000 }] });
    const r = await buildReport(src, cfg(), month, month.to + 1);
    assert.equal(r.providers.find((p) => p.provider === 'tencent')!.unavailableMinutes, 0, 'the outage fell outside the observed days');
    assert.ok(r.caveats.some((c) => /observed 14400 of 43200 minutes/.test(c)), r.caveats.join('\n'));
  });

  it('rebuilds segments per run: a restart starts every endpoint healthy, gaps are unobserved', () => {
    const h: History = {
      runs: [{ start: 0, end: 100 }, { start: 200, end: 300 }],
      topologies: [{ at: 0, services: topo }],
      changes: [{ at: 50, service: 'api', pool: 'tencent-gz', endpoint: 'http://10.0.0.1', to: 'unhealthy' }],
    };
    const s = segments(h, (t, health) => (health('api', 'tencent-gz', t[0]!.pools[0]!.endpoints[0]!) === 'healthy' ? 'up' : 'down'), 0, 300);
    assert.deepEqual(s, [
      { start: 0, end: 50, level: 'up' }, { start: 50, end: 100, level: 'down' },
      { start: 100, end: 200, level: 'unobserved' }, { start: 200, end: 300, level: 'up' },
    ]);
  });

  it('writes the report as Markdown, JSON and spreadsheet-safe CSV', async () => {
    const { src, month } = april(87 * MIN);
    const r = await buildReport(src, cfg(), month, month.to + 1);
    const md = formatReport(r, 'md');
    assert.match(md, /# SLA report 2026-04 \(UTC\+08:00\)/);
    assert.match(md, /\| tencent \| CVM 云服务器 \(single instance\) \| all pools \| 87 \| 99\.80% \| 99\.95% \| 10% \| 50\.00 CNY \| high \|/);
    assert.match(md, /\| aliyun \|.*\*\*UNVERIFIED\*\* \|/);
    const json = JSON.parse(formatReport(r, 'json'));
    assert.equal(json.providers[0].timeAvailabilityPct, '99.80');
    const csv = formatReport(r, 'csv').trimEnd().split('\r\n');
    const header = csv[0]!.split(',');
    const tencent = csv.find((l) => l.startsWith('provider,,,tencent'))!.split(',');
    assert.equal(tencent[header.indexOf('unavailable_min')], '87');
    assert.equal(tencent[header.indexOf('time_availability_pct')], '99.798611');
    assert.equal(tencent[header.indexOf('estimated_credit')], '50');
    // A hostile service name cannot become a spreadsheet formula or break the table.
    const evil = await buildReport({ ...src, history: async () => ({ ...(await src.history(0, 0, 0)), topologies: [{ at: 0, services: [{ ...topo[0]!, name: '=HYPERLINK("x")|<b>' }] }] }) }, cfg(), month, month.to + 1);
    assert.match(formatReport(evil, 'csv'), /"'=HYPERLINK\(""x""\)\|<b>"/);
    assert.match(formatReport(evil, 'md'), /=HYPERLINK\("x"\)\\\|&lt;b&gt;/);
  });
});
