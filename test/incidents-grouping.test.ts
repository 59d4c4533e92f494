import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { IncidentTracker } from '../src/incidents/tracker.js';
import type { IncidentState } from '../src/incidents/incident.js';
import type { DetourEvent, EffectiveHealth } from '../src/model/index.js';
import type { TopologyService } from '../src/sla/index.js';

// Beijing 15:31 on 2024-04-08 is 07:31 UTC: the start of Tencent Cloud's 87-minute API outage.
const DAY = Date.UTC(2024, 3, 8);
const t = (hhmmss: string): number => {
  const [h, m, s] = hhmmss.split(':').map(Number) as [number, number, number];
  return DAY + ((h - 8) * 3600 + m * 60 + s) * 1000; // Beijing time → UTC
};

const GZ1 = 'http://10.0.0.1:8080';
const GZ2 = 'http://10.0.0.2:8080';
const SH1 = 'http://10.0.1.1:8080';
const HZ1 = 'http://10.1.0.1:8080';

const topology: TopologyService[] = [{
  name: 'api',
  pools: [
    { name: 'tencent-gz', provider: 'tencent', region: 'ap-guangzhou', priority: 0, endpoints: [GZ1, GZ2] },
    { name: 'tencent-sh', provider: 'tencent', region: 'ap-shanghai', priority: 0, endpoints: [SH1] },
    { name: 'aliyun-hz', provider: 'aliyun', region: 'cn-hangzhou', priority: 1, endpoints: [HZ1] },
  ],
}];
const poolOf: Record<string, [string, string, string]> = {
  [GZ1]: ['tencent-gz', 'tencent', 'ap-guangzhou'], [GZ2]: ['tencent-gz', 'tencent', 'ap-guangzhou'],
  [SH1]: ['tencent-sh', 'tencent', 'ap-shanghai'], [HZ1]: ['aliyun-hz', 'aliyun', 'cn-hangzhou'],
};

interface Harness {
  tracker: IncidentTracker;
  bus: DetourEvent[];
  saved: Map<string, IncidentState>;
  links: Map<string, DetourEvent[]>;
  health(endpoint: string, from: EffectiveHealth, to: EffectiveHealth, at: number, source?: 'active' | 'passive' | 'admin'): void;
  active(from: string | null, fromPrio: number, to: string | null, toPrio: number, at: number): void;
  send(e: DetourEvent): void;
  advanceTo(at: number): void;
  settle(): Promise<void>;
}

function harness(opts: { evidence?: (ids: readonly string[], at: number) => number | undefined } = {}): Harness {
  const bus: DetourEvent[] = [];
  const saved = new Map<string, IncidentState>();
  const links = new Map<string, DetourEvent[]>();
  const tracker = new IncidentTracker({
    clock: { now: () => Date.now() }, observer: 'test', quietPeriod: 5 * 60_000,
    emit: (e) => send(e),
    persist: (s) => saved.set(s.id, structuredClone(s)),
    ...(opts.evidence ? { evidence: opts.evidence } : {}),
  });
  tracker.setTopology(topology);
  tracker.seedActive('api', ['tencent-gz', 'tencent-sh']);
  const send = (e: DetourEvent): void => {
    bus.push(e);
    for (const id of tracker.handle(e)) links.set(id, [...(links.get(id) ?? []), e]);
  };
  return {
    tracker, bus, saved, links, send,
    health(endpoint, from, to, at, source = 'passive') {
      const [pool, provider, region] = poolOf[endpoint]!;
      send({
        type: 'endpoint.health', at, observer: 'test', service: 'api', pool, provider, region, endpoint, from, to, source,
        reason: to === 'healthy' ? 'passed 2 checks' : 'InternalError in 5 responses', evidence: { status: 200, errorCode: 'InternalError', cloudProvider: 'tencent' },
      });
    },
    active(from, fromPrio, to, toPrio, at) {
      send({ type: 'pool.active', at, observer: 'test', service: 'api', from: from === null ? null : { pool: from, priority: fromPrio }, to: to === null ? null : { pool: to, priority: toPrio }, reason: 'health changed' });
    },
    advanceTo(at) {
      const d = at - Date.now();
      assert.ok(d >= 0, 'events go forward in time');
      mock.timers.tick(d);
    },
    settle: () => new Promise<void>((r) => queueMicrotask(r)),
  };
}

const changes = (h: Harness, id: string) =>
  h.bus.filter((e): e is Extract<DetourEvent, { type: 'incident.changed' }> => e.type === 'incident.changed' && e.id === id).map((e) => e.status);

describe('incident grouping', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: t('15:30:00') }));
  afterEach(() => mock.timers.reset());

  it('follows the 2024-04-08 pattern: a rise across regions, a partial recovery by region, and a tail, one incident per region', async () => {
    const h = harness({ evidence: (_ids, at) => at - 4_000 });
    // The rise: Guangzhou loses one endpoint, then the other; Shanghai follows; traffic ends up on Alibaba Cloud.
    h.advanceTo(t('15:31:10'));
    h.health(GZ1, 'healthy', 'ejected', t('15:31:10'));
    h.advanceTo(t('15:31:40'));
    h.health(GZ2, 'healthy', 'ejected', t('15:31:40'));
    h.active('tencent-gz+tencent-sh', 0, 'tencent-sh', 0, t('15:31:40'));
    h.advanceTo(t('15:32:05'));
    h.health(SH1, 'healthy', 'ejected', t('15:32:05'));
    h.active('tencent-sh', 0, 'aliyun-hz', 1, t('15:32:05'));
    await h.settle();

    const open = h.tracker.open();
    assert.equal(open.length, 2, 'one incident per provider/region');
    const gz = open.find((i) => i.region === 'ap-guangzhou')!;
    const sh = open.find((i) => i.region === 'ap-shanghai')!;
    assert.equal(gz.id, '20240408-0731');
    assert.equal(sh.id, '20240408-0732');
    assert.equal(gz.startedAt, t('15:31:06'), 'started at the first failure evidence, before detection');
    assert.equal(gz.detectedAt, t('15:31:10'));
    assert.equal(gz.mitigatedAt, t('15:31:10'), 'the other Guangzhou endpoint took the traffic at once');
    assert.deepEqual(gz.failing.length, 2);
    assert.equal(sh.status, 'mitigated');
    assert.equal(sh.mitigatedAt, t('15:32:05'), 'mitigated by the failover to aliyun-hz');
    assert.deepEqual(changes(h, sh.id), ['detected', 'mitigated']);

    // Partial recovery: Shanghai comes back first and takes the traffic again.
    h.advanceTo(t('16:20:00'));
    h.health(SH1, 'ejected', 'healthy', t('16:20:00'), 'active');
    h.active('aliyun-hz', 1, 'tencent-sh', 0, t('16:20:00'));
    await h.settle();
    assert.equal(h.tracker.get(sh.id)?.status, 'monitoring');
    assert.equal(h.tracker.get(gz.id)?.status, 'mitigated', 'Guangzhou is still down');

    // The tail: Shanghai fails once more inside the quiet period, then holds.
    h.advanceTo(t('16:22:00'));
    h.health(SH1, 'healthy', 'ejected', t('16:22:00'));
    h.active('tencent-sh', 0, 'aliyun-hz', 1, t('16:22:00'));
    await h.settle();
    assert.equal(h.tracker.get(sh.id)?.status, 'mitigated', 'a relapse stays in the same incident');
    h.advanceTo(t('16:23:00'));
    h.health(SH1, 'ejected', 'healthy', t('16:23:00'), 'active');
    h.active('aliyun-hz', 1, 'tencent-sh', 0, t('16:23:00'));
    h.advanceTo(t('16:27:59'));
    assert.equal(h.tracker.get(sh.id)?.status, 'monitoring', 'not resolved before the quiet period');
    h.advanceTo(t('16:28:00'));
    await h.settle();
    const shDone = h.saved.get(sh.id)!;
    assert.equal(shDone.status, 'resolved');
    assert.equal(shDone.recoveredAt, t('16:23:00'), 'recovered when the tail ended');
    assert.equal(shDone.resolvedAt, t('16:28:00'));
    // The relapse is detected with the endpoint event, and mitigated by the failover that follows it.
    assert.deepEqual(changes(h, sh.id), ['detected', 'mitigated', 'monitoring', 'detected', 'mitigated', 'monitoring', 'resolved']);

    // Guangzhou recovers at 16:58, 87 minutes after it started.
    h.advanceTo(t('16:58:00'));
    h.health(GZ1, 'ejected', 'healthy', t('16:58:00'), 'active');
    h.health(GZ2, 'ejected', 'healthy', t('16:58:00'), 'active');
    h.active('tencent-sh', 0, 'tencent-gz+tencent-sh', 0, t('16:58:00'));
    h.advanceTo(t('17:03:00'));
    await h.settle();
    const gzDone = h.saved.get(gz.id)!;
    assert.equal(gzDone.status, 'resolved');
    assert.equal(gzDone.recoveredAt! - gzDone.startedAt, (87 * 60 - 6) * 1000 + 0);
    assert.deepEqual(gzDone.pools, ['tencent-gz']);
    assert.deepEqual(gzDone.endpoints, [GZ1, GZ2]);
    assert.equal(h.tracker.open().length, 0);
    // The failover events belong to both incidents; each endpoint event only to its region's incident.
    assert.ok(h.links.get(gz.id)!.some((e) => e.type === 'pool.active' && e.to?.pool === 'aliyun-hz'));
    assert.ok(!h.links.get(gz.id)!.some((e) => e.type === 'endpoint.health' && e.endpoint === SH1));
  });

  it('keeps an incident detected while every tier is down, and mitigates it when a tier returns', async () => {
    const h = harness();
    h.advanceTo(t('15:31:00'));
    h.health(GZ1, 'healthy', 'unhealthy', t('15:31:00'), 'active');
    h.health(GZ2, 'healthy', 'unhealthy', t('15:31:00'), 'active');
    h.health(SH1, 'healthy', 'unhealthy', t('15:31:00'), 'active');
    h.health(HZ1, 'healthy', 'unhealthy', t('15:31:00'), 'active');
    h.active('tencent-gz+tencent-sh', 0, null, 0, t('15:31:00'));
    h.send({ type: 'service.all-down', at: t('15:31:00'), observer: 'test', service: 'api', policy: 'fail-open' });
    await h.settle();
    assert.deepEqual(h.tracker.open().map((i) => i.status), ['detected', 'detected', 'detected']);
    h.advanceTo(t('15:40:00'));
    h.health(HZ1, 'unhealthy', 'healthy', t('15:40:00'), 'active');
    h.active(null, 0, 'aliyun-hz', 1, t('15:40:00'));
    await h.settle();
    const byRegion = new Map(h.tracker.open().map((i) => [i.region, i]));
    assert.equal(byRegion.get('ap-guangzhou')?.status, 'mitigated');
    assert.equal(byRegion.get('ap-shanghai')?.mitigatedAt, t('15:40:00'), 'nothing took Shanghai\'s traffic until Hangzhou returned');
    assert.equal(byRegion.get('cn-hangzhou')?.status, 'monitoring');
  });

  it('opens no incident for an operator drain, but records it in the open incident of its service', () => {
    const h = harness();
    h.advanceTo(t('15:31:00'));
    h.health(GZ1, 'healthy', 'drained', t('15:31:00'), 'admin');
    assert.equal(h.tracker.open().length, 0);
    h.health(SH1, 'healthy', 'ejected', t('15:31:00'));
    h.send({ type: 'override.changed', at: t('15:31:00'), observer: 'test', service: 'api', pool: 'tencent-sh', action: 'drain' });
    const [inc] = h.tracker.open();
    assert.ok(h.links.get(inc!.id)!.some((e) => e.type === 'override.changed'));
  });

  it('gives two incidents of the same minute distinct ids, also against ids already in the store', () => {
    const taken = new Set(['20240408-0731']);
    const tracker = new IncidentTracker({
      clock: { now: () => Date.now() }, observer: 'test', quietPeriod: 60_000, emit: () => {}, persist: () => {},
      idTaken: (id) => taken.has(id),
    });
    tracker.setTopology(topology);
    for (const ep of [GZ1, SH1]) {
      const [pool, provider, region] = poolOf[ep]!;
      tracker.handle({ type: 'endpoint.health', at: t('15:31:10'), observer: 'x', service: 'api', pool, provider, region, endpoint: ep, from: 'healthy', to: 'ejected', source: 'passive', reason: 'r' });
    }
    assert.deepEqual(tracker.open().map((i) => i.id).sort(), ['20240408-0731-2', '20240408-0731-3']);
  });

  it('counts client-visible errors into the open incidents of the service only', () => {
    const h = harness();
    h.advanceTo(t('15:31:00'));
    h.health(SH1, 'healthy', 'ejected', t('15:31:00'));
    h.tracker.clientErrors('api', 7);
    h.tracker.clientErrors('other', 100);
    h.tracker.flush();
    assert.equal([...h.saved.values()][0]!.clientErrors, 7);
  });

  it('lets an operator resolve an incident, and reopen it while no other incident is open for that component', async () => {
    const h = harness();
    h.advanceTo(t('15:31:00'));
    h.health(SH1, 'healthy', 'ejected', t('15:31:00'));
    const [inc] = h.tracker.open();
    h.advanceTo(t('15:35:00'));
    const done = h.tracker.setStatus(inc!.id, 'resolved', 'admin@127.0.0.1');
    assert.equal(done.status, 'resolved');
    assert.equal(done.manual, true);
    assert.equal(h.tracker.open().length, 0);
    const again = h.tracker.setStatus(inc!.id, 'detected', 'admin@127.0.0.1', structuredClone(done));
    assert.equal(again.status, 'detected');
    assert.deepEqual(again.failing, [`api/tencent-sh/${SH1}`], 'the endpoint is still out of service');
    const older = { ...structuredClone(done), id: '20240408-0700' };
    assert.throws(() => h.tracker.setStatus(older.id, 'detected', 'x', older), /20240408-0731 is already open/);
    await h.settle();
    const ops = h.bus.filter((e) => e.type === 'incident.changed' && e.actor === 'admin@127.0.0.1');
    assert.equal(ops.length, 2);
  });

  it('moves incidents restored after a restart to monitoring and resolves them after the quiet period', async () => {
    const h = harness();
    const stored: IncidentState = {
      id: '20240408-0731', key: 'api|tencent|ap-shanghai', service: 'api', provider: 'tencent', region: 'ap-shanghai',
      status: 'mitigated', pools: ['tencent-sh'], endpoints: [SH1], failing: [`api/tencent-sh/${SH1}`],
      startedAt: t('15:31:00'), detectedAt: t('15:31:00'), mitigatedAt: t('15:31:00'), monitoringAt: null,
      recoveredAt: null, resolvedAt: null, updatedAt: t('15:31:00'), clientErrors: 3, events: 4, manual: false,
    };
    h.tracker.restore([stored]);
    assert.equal(h.tracker.get(stored.id)?.status, 'monitoring');
    mock.timers.tick(5 * 60_000);
    await h.settle();
    assert.equal(h.saved.get(stored.id)?.status, 'resolved');
  });
});
