import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertIssueAt, rejects, yaml } from './helpers.test.js';
import { parseConfig } from './load.js';

const SERVICES = [
  'services:',
  '  - name: api',
  '    match: { pathPrefix: /api }',
  '    pools:',
  '      - { name: tencent-gz, provider: tencent, region: ap-guangzhou, endpoints: [http://10.0.0.1:80] }',
  '      - { name: backup, endpoints: [http://10.0.0.2:80] }',
  '  - name: web',
  '    pools:',
  '      - { name: a, endpoints: [http://10.0.0.3:80] }',
];

test('status page defaults: no public listener, every service by its own name, pools named by provider and region', () => {
  const cfg = parseConfig(yaml(...SERVICES), 'detour.yaml', {});
  assert.deepEqual(cfg.statusPage, {
    listen: undefined, title: 'Service status', charts: true,
    components: [
      { service: 'api', name: 'api', description: undefined, pools: { 'tencent-gz': 'Tencent Cloud ap-guangzhou', backup: 'backup' } },
      { service: 'web', name: 'web', description: undefined, pools: { a: 'a' } },
    ],
  });
});

test('status page components: order, customer-facing names, hidden pools, services left out', () => {
  const cfg = parseConfig(yaml(
    'statusPage:',
    '  listen: 0.0.0.0:8088',
    '  title: Acme status',
    '  charts: false',
    '  components:',
    '    - { service: web, name: Website, pools: false }',
    '    - service: api',
    '      name: Public API',
    '      description: REST API',
    '      pools: { backup: Backup cloud }',
    ...SERVICES,
  ), 'detour.yaml', {});
  assert.deepEqual(cfg.statusPage, {
    listen: { host: '0.0.0.0', port: 8088 }, title: 'Acme status', charts: false,
    components: [
      { service: 'web', name: 'Website', description: undefined, pools: false },
      { service: 'api', name: 'Public API', description: 'REST API', pools: { 'tencent-gz': 'Tencent Cloud ap-guangzhou', backup: 'Backup cloud' } },
    ],
  });
});

test('rejects an unknown service, an unknown pool, a service listed twice and a clashing address, each where it is', () => {
  const text = yaml(
    'listen: 127.0.0.1:8080',
    'admin: { listen: 127.0.0.1:9901 }',
    'statusPage:',
    '  listen: 0.0.0.0:9901',
    '  components:',
    '    - { service: apx }',
    '    - { service: api, pools: { tencent-sz: x } }',
    '    - { service: api }',
    ...SERVICES,
  );
  const err = rejects(text);
  assertIssueAt(err, text, 'statusPage.listen', '0.0.0.0:9901', /status page listen 0\.0\.0\.0:9901 clashes with admin listen 127\.0\.0\.1:9901/);
  assertIssueAt(err, text, 'statusPage.components[0].service', 'apx', /no service named "apx" \(services: api, web\)/);
  assertIssueAt(err, text, 'statusPage.components[1].pools.tencent-sz', 'tencent-sz', /unknown key "tencent-sz" \(did you mean "tencent-gz"\?\)/);
  assertIssueAt(err, text, 'statusPage.components[2].service', 'api }', /service "api" is listed twice \(first at line 7\)/);
});

test('rejects a bad listen address and unknown keys with a suggestion', () => {
  const text = yaml('statusPage:', '  listen: 8088', '  titel: x', ...SERVICES);
  const err = rejects(text);
  assertIssueAt(err, text, 'statusPage.listen', '8088', /invalid listen address 8088 \(expected "host:port"/);
  assertIssueAt(err, text, 'statusPage.titel', 'titel', /did you mean "title"/);
});
