import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeConfig, isConfigError, parseConfig } from '../src/config/index.js';

const base = 'services:\n  - pools: [{ endpoints: [http://10.0.0.1] }]\n';
const errors = (yaml: string, env: Record<string, string> = {}): string => {
  try {
    parseConfig(base + yaml, 'detour.yaml', env);
  } catch (err) {
    if (isConfigError(err)) return err.message;
    throw err;
  }
  assert.fail('expected the config to be refused');
};

describe('record configuration (store, incidents, retention, sla, notifications)', () => {
  it('fills in defaults: a store beside the config, 5m quiet period, 400d/35d retention, a 99.9% objective', () => {
    const cfg = parseConfig(base, '/etc/detour/detour.yaml', {}, { baseDir: '/etc/detour' });
    assert.equal(cfg.store.path, '/etc/detour/detour.db');
    assert.equal(cfg.incidents.quietPeriod, 300_000);
    assert.deepEqual(cfg.retention, { events: 400 * 86_400_000, traffic: 35 * 86_400_000 });
    assert.equal(cfg.sla.objective, 0.999);
    assert.equal(cfg.sla.burnAlerts, true);
    assert.equal(cfg.sla.utcOffsetMinutes, 0);
    assert.deepEqual(cfg.notifications, []);
  });

  it('reads every section, with relative paths, "90d" retention and a +08:00 SLA calendar', () => {
    const cfg = parseConfig(base + `
store: { path: data/record.db }
incidents: { quietPeriod: 10m }
retention: { events: 90d, traffic: 72h }
sla:
  objective: 99.95
  utcOffset: "+08:00"
  currency: CNY
  spend: [{ provider: tencent, product: cvm, region: ap-guangzhou, monthly: 1200 }]
notifications:
  - { type: dingtalk, name: ops, url: "https://oapi.dingtalk.com/robot/send?access_token=\${DT_TOKEN}", secret: \${DT_SECRET}, on: [incident.opened, slo.burn] }
`, '/srv/detour.yaml', { DT_TOKEN: 'tok-123', DT_SECRET: 'SECabc' }, { baseDir: '/srv' });
    assert.equal(cfg.store.path, '/srv/data/record.db');
    assert.equal(cfg.incidents.quietPeriod, 600_000);
    assert.deepEqual(cfg.retention, { events: 90 * 86_400_000, traffic: 72 * 3_600_000 });
    assert.equal(cfg.sla.objective, 0.9995);
    assert.equal(cfg.sla.utcOffsetMinutes, 480);
    assert.deepEqual(cfg.sla.spend, [{ provider: 'tencent', product: 'cvm', region: 'ap-guangzhou', service: undefined, monthly: 1200, currency: 'CNY' }]);
    const n = cfg.notifications[0]!;
    assert.equal(n.url.reveal(), 'https://oapi.dingtalk.com/robot/send?access_token=tok-123');
    assert.equal(n.shownUrl, 'https://oapi.dingtalk.com');
    assert.deepEqual(n.on, ['incident.opened', 'slo.burn']);
    const plan = JSON.stringify(describeConfig(cfg));
    assert.doesNotMatch(plan, /tok-123|SECabc/, '`detour check` never prints a webhook token or secret');
  });

  it('reports every mistake with its line, column and field, without echoing a webhook URL', () => {
    const msg = errors(`retention: { events: 30 }
sla:
  objective: 100
  utcOffset: "+8"
  spend: [{ provider: tencent }]
  tiers:
    - { provider: tencent, product: cvm, commitment: 99.95, credits: [{ from: 99, to: 99.95, percent: 10 }, { from: 98, to: 99.5, percent: 25 }] }
notifications:
  - { type: webhook, url: "https://hooks.example/secret-path-123" }
  - { type: slack, url: "ftp://secret-path-456" }
  - { type: telegram, url: "https://t.example" }
`);
    assert.match(msg, /detour\.yaml:3:\d+: retention\.events: invalid retention 30/);
    assert.match(msg, /detour\.yaml:5:\d+: sla\.objective: must be in \[50, 100\)/);
    assert.match(msg, /sla\.utcOffset: invalid utcOffset "\+8"/);
    assert.match(msg, /sla\.spend\[0\]: spend needs "monthly"/);
    assert.match(msg, /sla\.tiers\[0\]\.credits\[1\]: band \[98, 99\.5\) overlaps \[99, 99\.95\)/);
    assert.match(msg, /notifications\[0\]: a webhook notification needs "secret"/);
    assert.match(msg, /notifications\[1\]\.url: invalid URL/);
    assert.match(msg, /notifications\[2\]\.type: must be one of webhook, slack, feishu, dingtalk, wecom/);
    assert.doesNotMatch(msg, /secret-path-456/);
  });
});
