import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { StatusPageConfig } from '../config/status-page.js';
import { DetourError } from '../errors/index.js';
import type { EffectiveHealth } from '../model/index.js';
import { MemoryIncidentSource } from './memory-source.js';
import { publicView } from './public-view.js';
import { publicPage } from './render/public.js';
import type { IncidentSource } from './source.js';
import { buildView, type StatusDoc } from './view.js';

const NOW = Date.UTC(2024, 3, 8, 8);

function doc(primary: EffectiveHealth[], backup: EffectiveHealth, activePriority: number | null): StatusDoc {
  const ep = (url: string, state: EffectiveHealth) => ({
    url, weight: 1, state, routable: state === 'healthy', reason: state === 'healthy' ? 'initial' : 'connect ECONNREFUSED', since: new Date(NOW - 60_000).toISOString(),
    active: 'unknown' as const, outlier: { state: 'ok' as const, ejections: 0 }, drained: state === 'drained', inflight: 0,
  });
  return {
    observer: 'gz-edge-1', startedAt: new Date(NOW - 3_600_000).toISOString(), now: new Date(NOW).toISOString(),
    services: [{
      name: 'api', match: { hosts: [], pathPrefix: '/' }, allDown: 'fail-open', activePriority, forcedPriority: null,
      anyRoutable: activePriority !== null, requestsInFlight: 0, retriesInFlight: 0, outlier: null,
      pools: [
        { name: 'tencent-gz', provider: 'tencent', region: 'ap-guangzhou', priority: 0, active: activePriority === 0, endpoints: primary.map((s, i) => ep(`http://10.0.0.${i + 1}:80`, s)) },
        { name: 'aliyun-hz', provider: 'aliyun', region: 'cn-hangzhou', priority: 1, active: activePriority === 1, endpoints: [ep('http://10.0.1.1:80', backup)] },
      ],
    }],
  } as StatusDoc;
}

const cfg: StatusPageConfig = { listen: undefined, title: 'Acme', charts: true, components: [{ service: 'api', name: 'Public API', description: undefined, pools: { 'tencent-gz': 'Primary', 'aliyun-hz': 'Backup' } }] };
const memory = () => new MemoryIncidentSource([], { observedSince: NOW - 86_400_000 });
const build = (d: StatusDoc, source: IncidentSource = memory()) =>
  buildView({ doc: d, cfg, source, series: () => [], sampledAt: NOW, now: NOW, days: 90, incidentLimit: 20 });

describe('page view', () => {
  it('maps endpoint health to pool, service and provider status, and notices traffic on the backup', async () => {
    const ok = await build(doc(['healthy', 'healthy'], 'healthy', 0));
    assert.equal(ok.overall, 'operational');
    const partial = await build(doc(['healthy', 'ejected'], 'healthy', 0));
    assert.deepEqual([partial.services[0]!.status, partial.services[0]!.pools[0]!.status, partial.services[0]!.onBackup], ['degraded', 'partial', false]);
    const failedOver = await build(doc(['ejected', 'unhealthy'], 'healthy', 1));
    const s = failedOver.services[0]!;
    assert.deepEqual([s.status, s.pools[0]!.status, s.onBackup, s.activePools], ['degraded', 'major', true, ['aliyun-hz']]);
    assert.deepEqual(failedOver.providers.map((p) => [p.label, p.status]), [['Tencent Cloud', 'major'], ['Alibaba Cloud', 'operational']]);
    const down = await build(doc(['ejected', 'unhealthy'], 'unhealthy', null));
    assert.equal(down.overall, 'major');
    const drained = await build(doc(['drained', 'drained'], 'healthy', 1));
    assert.deepEqual([drained.services[0]!.status, drained.services[0]!.pools[0]!.status], ['operational', 'maintenance']);
    assert.equal(s.pools[0]!.label, 'Primary');
    assert.equal(s.pools[0]!.uptime.length, 90);
  });

  it('still shows the live state when the incident store fails, and the public page does not claim a clean history', async () => {
    const failing: IncidentSource = {
      incidents: () => Promise.reject(new DetourError('DETOUR_STORE_IO', 'cannot read /var/lib/detour/detour.db: disk I/O error')),
      incident: () => Promise.reject(new Error('unreachable')),
      uptime: () => Promise.reject(new DetourError('DETOUR_STORE_IO', 'cannot read /var/lib/detour/detour.db: disk I/O error')),
      onChange: () => ({ dispose: () => {} }),
    };
    const v = await build(doc(['ejected', 'healthy'], 'healthy', 0), failing);
    assert.equal(v.services[0]!.pools[0]!.status, 'partial');
    assert.deepEqual(v.problems, ['cannot read /var/lib/detour/detour.db: disk I/O error']);
    assert.ok(v.services[0]!.uptime.every((d) => d.availability === null));
    const markup = publicPage(publicView(v, cfg), { windowMs: 60_000, version: 'v', preview: false }).value;
    assert.match(markup, /Incident history is temporarily unavailable/);
    assert.ok(!markup.includes('/var/lib/detour'), 'the store path stays off the public page');
  });
});
