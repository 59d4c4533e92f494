import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { StatusPageConfig } from '../config/status-page.js';
import { publicJson } from './public-json.js';
import { publicView } from './public-view.js';
import { publicPage } from './render/public.js';
import type { PageView } from './view.js';

const EVIL = '<img src=x onerror=alert(1)>';
const day = { day: '2024-04-08', availability: 0.9396, downMs: 87 * 60_000, degradedMs: 0 };

function page(): PageView {
  return {
    title: 'internal title', observer: 'gz-edge-1', now: Date.UTC(2024, 3, 8, 12), sampledAt: Date.UTC(2024, 3, 8, 12), startedAt: 0, overall: 'degraded',
    services: [{
      key: 'service:api', name: 'api', label: 'api', description: undefined, status: 'degraded', onBackup: true,
      activePools: ['aliyun-hz'], forcedPriority: null, showPools: true, uptime: [day],
      series: [{ at: Date.UTC(2024, 3, 8, 12), requests: 200, errors: 3, p50: 0.02, p95: 0.09 }],
      pools: [{
        key: 'pool:api/tencent-gz', name: 'tencent-gz', label: 'tencent-gz', provider: 'tencent', region: 'ap-guangzhou', priority: 0,
        active: false, status: 'major', uptime: [day],
        endpoints: [{ key: 'endpoint:api/tencent-gz/http://10.1.2.3:8080', url: 'http://10.1.2.3:8080', health: 'ejected', status: 'major', reason: 'connect ECONNREFUSED 10.1.2.3:8080', since: 0, weight: 1, inflight: 0, ejections: 1 }],
      }],
    }, {
      key: 'service:billing', name: 'billing', label: 'billing', description: undefined, status: 'operational', onBackup: false,
      activePools: [], forcedPriority: null, showPools: true, uptime: [], series: [], pools: [],
    }],
    providers: [],
    problems: [],
    incidents: [{
      id: '2024-04-08-1', status: 'mitigated', service: 'api', pools: ['tencent-gz'], provider: 'tencent', region: 'ap-guangzhou',
      startedAt: Date.UTC(2024, 3, 8, 7, 30), mitigatedAt: Date.UTC(2024, 3, 8, 7, 31), resolvedAt: null, clientErrors: 3,
      timeline: [
        { at: Date.UTC(2024, 3, 8, 7, 30), kind: 'detected', service: 'api', pool: 'tencent-gz', text: 'tencent-gz http://10.1.2.3:8080 ejected: InternalError' },
        { at: Date.UTC(2024, 3, 8, 7, 31), kind: 'failover', service: 'api', pool: 'aliyun-hz', text: 'traffic moved to aliyun-hz' },
        { at: Date.UTC(2024, 3, 8, 7, 40), kind: 'note', service: 'api', text: 'admin: vendor ticket 12345, password is hunter2' },
      ],
    }, {
      id: 'billing-1', status: 'detected', service: 'billing', pools: [], provider: null, region: null,
      startedAt: 0, mitigatedAt: null, resolvedAt: null, clientErrors: 0, timeline: [],
    }],
  };
}

const cfg: StatusPageConfig = {
  listen: undefined, title: `Acme ${EVIL}`, charts: true,
  components: [{ service: 'api', name: `Public API ${EVIL}`, description: 'REST', pools: { 'tencent-gz': 'Primary cloud', 'aliyun-hz': 'Backup cloud' } }],
};

describe('public view', () => {
  it('keeps only configured components, by customer-facing names, with no addresses, reasons, notes or request counts', () => {
    const p = publicView(page(), cfg);
    const text = JSON.stringify(p) + JSON.stringify(publicJson(p));
    for (const secret of ['10.1.2.3', 'ECONNREFUSED', 'InternalError', 'hunter2', 'vendor ticket', 'billing', 'tencent-gz http', '"requests"']) {
      assert.ok(!text.includes(secret), `public view leaks ${secret}`);
    }
    assert.deepEqual(p.components.map((c) => c.label), [`Public API ${EVIL}`]);
    assert.deepEqual(p.components[0]!.children.map((c) => [c.label, c.status]), [['Primary cloud', 'major']]);
    assert.equal(p.components[0]!.series[0]!.errorRate, 3 / 200);
    assert.equal(p.overall, 'degraded');
  });

  it('words incidents for customers from structured fields', () => {
    const [inc] = publicView(page(), cfg).incidents;
    assert.equal(inc!.title, `Public API ${EVIL}: elevated errors in Primary cloud`);
    assert.deepEqual(inc!.updates.map((u) => [u.label, u.text]), [
      ['Investigating', 'We detected errors affecting Primary cloud and are investigating.'],
      ['Mitigated', `Traffic was moved automatically to Backup cloud; Public API ${EVIL} keeps serving requests.`],
    ]);
  });

  it('names no pools when the component hides them', () => {
    const [inc] = publicView(page(), { ...cfg, components: [{ ...cfg.components[0]!, pools: false }] }).incidents;
    assert.equal(inc!.title, `Public API ${EVIL}: elevated errors`);
    assert.match(inc!.updates[1]!.text, /a backup location/);
  });

  it('renders hostile names as text', () => {
    const markup = publicPage(publicView(page(), cfg), { windowMs: 3_600_000, version: 'v', preview: false }).value;
    assert.ok(!markup.includes(EVIL));
    assert.ok(markup.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(!markup.includes('10.1.2.3'));
  });
});
