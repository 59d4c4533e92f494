import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DetourEvent, EffectiveHealth } from '../model/index.js';
import { MemoryIncidentSource } from './memory-source.js';
import type { TopologyService } from './topology.js';

const MIN = 60_000;
const T0 = Date.UTC(2024, 3, 8, 7, 30); // 2024-04-08 15:30 Beijing time
const GZ1 = 'http://10.0.1.1:8080';
const GZ2 = 'http://10.0.1.2:8080';
const HZ = 'http://10.0.2.1:8080';
const topology: TopologyService[] = [{
  name: 'api',
  pools: [
    { name: 'tencent-gz', provider: 'tencent', region: 'ap-guangzhou', priority: 0, endpoints: [GZ1, GZ2] },
    { name: 'aliyun-hz', provider: 'aliyun', region: 'cn-hangzhou', priority: 1, endpoints: [HZ] },
  ],
}];

function health(at: number, endpoint: string, from: EffectiveHealth, to: EffectiveHealth, source: 'active' | 'passive' | 'admin' = 'passive'): DetourEvent {
  const pool = endpoint === HZ ? 'aliyun-hz' : 'tencent-gz';
  return { type: 'endpoint.health', at, observer: 'o', service: 'api', pool, provider: pool === 'aliyun-hz' ? 'aliyun' : 'tencent', region: undefined, endpoint, from, to, source, reason: `${to} (InternalError)` };
}
function active(at: number, from: [string, number] | null, to: [string, number] | null): DetourEvent {
  return { type: 'pool.active', at, observer: 'o', service: 'api', from: from && { pool: from[0], priority: from[1] }, to: to && { pool: to[0], priority: to[1] }, reason: 'x' };
}

/** The 2024-04-08 shape: a rise (one endpoint, then the other), failover, a partial recovery, a relapse, a tail. */
function outage(): DetourEvent[] {
  return [
    health(T0, GZ1, 'healthy', 'ejected'),
    health(T0 + 20_000, GZ2, 'healthy', 'ejected'),
    active(T0 + 20_000, ['tencent-gz', 0], ['aliyun-hz', 1]),
    health(T0 + 40 * MIN, GZ1, 'ejected', 'healthy'),
    active(T0 + 40 * MIN, ['aliyun-hz', 1], ['tencent-gz', 0]),
    health(T0 + 44 * MIN, GZ1, 'healthy', 'ejected'),
    active(T0 + 44 * MIN, ['tencent-gz', 0], ['aliyun-hz', 1]),
    health(T0 + 80 * MIN, GZ1, 'ejected', 'healthy'),
    active(T0 + 80 * MIN, ['aliyun-hz', 1], ['tencent-gz', 0]),
    health(T0 + 87 * MIN, GZ2, 'ejected', 'healthy'),
  ];
}

function source(monitorFor = 5 * MIN): MemoryIncidentSource {
  return new MemoryIncidentSource(topology, { observedSince: T0 - 7 * 24 * 60 * MIN, monitorFor, now: () => T0 + 200 * MIN });
}

describe('in-memory incident source', () => {
  it('groups the 2024-04-08 pattern into one incident: detected, mitigated by failover, monitoring, resolved', async () => {
    const s = source();
    const events = outage();
    for (const e of events.slice(0, 3)) s.record(e);
    let [inc] = await s.incidents({ limit: 10, now: T0 + MIN });
    assert.equal(inc!.status, 'mitigated');
    assert.equal(inc!.mitigatedAt, T0 + 20_000);
    assert.deepEqual(inc!.pools, ['tencent-gz']);
    assert.equal(inc!.provider, 'tencent');
    for (const e of events.slice(3)) s.record(e);
    [inc] = await s.incidents({ limit: 10, now: T0 + 88 * MIN });
    assert.equal(inc!.status, 'monitoring');
    const all = await s.incidents({ limit: 10, now: T0 + 93 * MIN });
    assert.equal(all.length, 1, 'the partial recovery and the relapse stay one incident');
    assert.equal(all[0]!.status, 'resolved');
    assert.equal(all[0]!.resolvedAt, T0 + 92 * MIN);
    const full = await s.incident(all[0]!.id, T0 + 93 * MIN);
    assert.deepEqual(full!.timeline.map((t) => t.kind), [
      'detected', 'endpoint-down', 'failover', 'endpoint-up', 'failback', 'endpoint-down', 'failover', 'endpoint-up', 'failback', 'endpoint-up', 'monitoring', 'resolved',
    ]);
  });

  it('opens a new incident for a failure after the quiet period, and keeps one open during it', async () => {
    const s = source(5 * MIN);
    for (const e of outage()) s.record(e);
    s.record(health(T0 + 90 * MIN, GZ2, 'healthy', 'unhealthy', 'active')); // within 5 min of recovery: same incident
    s.record(health(T0 + 91 * MIN, GZ2, 'unhealthy', 'healthy', 'active'));
    s.record(health(T0 + 120 * MIN, GZ2, 'healthy', 'unhealthy', 'active'));
    const list = await s.incidents({ limit: 10, now: T0 + 121 * MIN });
    assert.deepEqual(list.map((i) => i.status), ['detected', 'resolved']);
    assert.equal(list[1]!.resolvedAt, T0 + 96 * MIN);
  });

  it('derives per-day uptime: the primary pool down while both endpoints were out, the service degraded, never down', async () => {
    const s = source();
    for (const e of outage()) s.record(e);
    const now = T0 + 200 * MIN;
    const pool = (await s.uptime({ kind: 'pool', service: 'api', pool: 'tencent-gz' }, 3, now)).at(-1)!;
    assert.equal(pool.day, '2024-04-08');
    assert.equal(pool.downMs, (40 * MIN - 20_000) + (80 - 44) * MIN);
    const service = (await s.uptime({ kind: 'service', service: 'api' }, 3, now)).at(-1)!;
    assert.equal(service.downMs, 0);
    assert.equal(service.degradedMs, 87 * MIN);
    const provider = (await s.uptime({ kind: 'provider', provider: 'aliyun' }, 3, now)).at(-1)!;
    assert.equal(provider.availability, 1);
    assert.equal((await s.uptime({ kind: 'service', service: 'api' }, 7, now))[0]!.availability, 1, 'observed days before the outage are up');
    assert.equal((await s.uptime({ kind: 'service', service: 'api' }, 10, now))[0]!.availability, null, 'days before observation have no data');
  });

  it('records a full outage as downtime and an all-down entry, and does not open incidents for operator drains', async () => {
    const s = source();
    s.record(health(T0, HZ, 'healthy', 'drained', 'admin'));
    assert.equal((await s.incidents({ limit: 10, now: T0 })).length, 0);
    s.record(health(T0 + MIN, GZ1, 'healthy', 'unhealthy', 'active'));
    s.record(health(T0 + MIN, GZ2, 'healthy', 'unhealthy', 'active'));
    s.record({ type: 'service.all-down', at: T0 + MIN, observer: 'o', service: 'api', policy: 'fail-closed' });
    const [inc] = await s.incidents({ limit: 10, now: T0 + 2 * MIN });
    assert.ok((await s.incident(inc!.id, T0 + 2 * MIN))!.timeline.some((t) => t.kind === 'all-down'));
    const day = (await s.uptime({ kind: 'service', service: 'api' }, 1, T0 + 2 * MIN))[0]!;
    assert.equal(day.downMs, MIN);
  });

  it('takes operator notes and status changes, tells subscribers, and names an unknown incident in the error', async () => {
    const s = source();
    let changes = 0;
    s.onChange(() => changes++);
    s.record(health(T0, GZ1, 'healthy', 'ejected'));
    const [inc] = await s.incidents({ limit: 10, now: T0 });
    await s.addNote(inc!.id, 'Tencent confirmed InternalError in ap-guangzhou', 'admin@10.0.0.9', T0 + MIN);
    await s.setStatus(inc!.id, 'resolved', 'admin@10.0.0.9', 'closed by hand');
    const full = await s.incident(inc!.id, T0 + 3 * MIN);
    assert.equal(full!.status, 'resolved');
    assert.deepEqual(full!.timeline.slice(-2).map((t) => t.kind), ['note', 'resolved']);
    assert.ok(changes >= 3);
    await assert.rejects(s.addNote('nope', 'x', 'a', T0), (e: Error & { code?: string }) => e.code === 'DETOUR_ADMIN_NOT_FOUND' && e.message.includes('"nope"'));
    // The next failure opens a new incident: the resolved one stays closed.
    s.record(health(T0 + 4 * MIN, GZ2, 'healthy', 'ejected'));
    assert.equal((await s.incidents({ limit: 10, now: T0 + 4 * MIN })).filter((i) => i.status !== 'resolved').length, 1);
  });
});
