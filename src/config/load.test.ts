import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isConfigError, loadConfig, parseConfig } from './index.js';
import { yaml } from './helpers.test.js';

const MINIMAL = yaml(
  'services:',
  '  - pools:',
  '      - endpoints: [http://127.0.0.1:9001]',
);

test('a pool list alone gets every default filled in', () => {
  const cfg = parseConfig(MINIMAL, '<inline>', {});
  assert.equal(cfg.source, '<inline>');
  assert.deepEqual(cfg.listeners, [{ host: '127.0.0.1', port: 8080, tls: undefined }]);
  assert.equal(cfg.admin, undefined);
  assert.equal(cfg.maxReplayBytes, 65536);
  assert.equal(cfg.drainTimeout, 30_000);
  assert.deepEqual(cfg.log, { level: 'info' });
  assert.equal(cfg.services.length, 1);
  const s = cfg.services[0]!;
  assert.equal(s.name, 'default');
  assert.deepEqual(s.match, { hosts: [], pathPrefix: '/' });
  assert.deepEqual(s.pools, [{
    name: 'pool-0', provider: undefined, region: undefined, priority: 0, hostHeader: undefined,
    endpoints: [{ url: 'http://127.0.0.1:9001', weight: 1, servername: undefined }],
  }]);
  assert.equal(s.health.active, undefined);
  assert.deepEqual(s.health.passive, {
    enabled: true, consecutiveFailures: 5, failureRatio: 0.5, minRequests: 20, window: 10_000,
    baseEjection: 30_000, maxEjection: 300_000, maxEjectionPercent: 100, cloudErrors: 5,
  });
  assert.deepEqual(s.classify, { providers: [], rules: [], maxBodyBytes: 8192 });
  assert.deepEqual(s.retry, {
    attempts: 3, budgetRatio: 0.2, minRetriesPerSecond: 10,
    on: ['connect-failure', 'reset', 'timeout', '5xx', 'cloud-error'],
    idempotentMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'],
  });
  assert.deepEqual(s.timeouts, { connect: 1000, perTry: 5000, total: 15_000 });
  assert.equal(s.balancer, 'p2c');
  assert.equal(s.slowStart, 30_000);
  assert.equal(s.allDown, 'fail-open');
});

test('defaults are fresh copies, so mutating one config does not leak into the next', () => {
  const a = parseConfig(MINIMAL, '<inline>', {});
  a.services[0]!.retry.on.pop();
  a.services[0]!.retry.idempotentMethods.pop();
  const b = parseConfig(MINIMAL, '<inline>', {});
  assert.equal(b.services[0]!.retry.on.length, 5);
  assert.equal(b.services[0]!.retry.idempotentMethods.length, 6);
});

test('an empty active block turns on checks with every active default', () => {
  const cfg = parseConfig(MINIMAL + yaml('    health: { active: {} }'), '<inline>', {});
  assert.deepEqual(cfg.services[0]!.health.active, {
    type: 'http', path: '/healthz', method: 'GET', interval: 2000, unhealthyInterval: 2000, timeout: 1000,
    healthyThreshold: 2, unhealthyThreshold: 2, jitter: 0.1,
    expect: { status: [[200, 399]], bodyContains: undefined, bodyNotContains: undefined }, host: undefined,
  });
});

test('active: true and passive: false are shorthands', () => {
  const cfg = parseConfig(MINIMAL + yaml('    health: { active: true, passive: false }'), '<inline>', {});
  assert.equal(cfg.services[0]!.health.active?.interval, 2000);
  assert.equal(cfg.services[0]!.health.passive.enabled, false);
  assert.equal(cfg.services[0]!.health.passive.consecutiveFailures, 5);
  const off = parseConfig(MINIMAL + yaml('    health: { active: false }'), '<inline>', {});
  assert.equal(off.services[0]!.health.active, undefined);
});

test('unhealthyInterval defaults to the configured interval', () => {
  const cfg = parseConfig(MINIMAL + yaml('    health: { active: { interval: 5s, timeout: 2s } }'), '<inline>', {});
  assert.equal(cfg.services[0]!.health.active?.unhealthyInterval, 5000);
});

test('the full documented shape parses into the normalized config', () => {
  const text = yaml(
    'listen: 127.0.0.1:8080',
    'admin: { listen: 127.0.0.1:9901, token: ${DETOUR_ADMIN_TOKEN}, stateFile: ./detour-state.json }',
    'maxReplayBytes: 64KiB',
    'drainTimeout: 30s',
    'log: { level: debug }',
    'services:',
    '  - name: api',
    '    match: { hosts: [API.Example.com], pathPrefix: /v1 }',
    '    pools:',
    '      - { name: aliyun-hz, provider: aliyun, region: cn-hangzhou, priority: 1,',
    '          endpoints: [https://backup.example.net], hostHeader: backup.example.net }',
    '      - { name: tencent-gz, provider: tencent, region: ap-guangzhou, priority: 0,',
    '          endpoints: [http://10.0.0.1:8080/, { url: http://10.0.0.2:8080, weight: 2 }] }',
    '    health:',
    '      active:  { type: http, path: /healthz, interval: 2s, timeout: 1s, healthyThreshold: 3, unhealthyThreshold: 4,',
    '                 jitter: 0.2, unhealthyInterval: 5s, method: HEAD, host: api.example.com,',
    '                 expect: { status: "200,204,300-399", bodyContains: ok, bodyNotContains: InternalError } }',
    '      passive: { consecutiveFailures: 7, failureRatio: 0.4, minRequests: 10, window: 20s,',
    '                 baseEjection: 15s, maxEjection: 120s, maxEjectionPercent: 50, enabled: false }',
    '    classify: [tencent, aliyun, aws, huawei, { name: my-rule, jsonPath: $.error.code, equals: [BOOM, 500], status: "500-599" }, { name: r2, matches: "upstream exploded" }]',
    '    classifyMaxBodyBytes: 4096',
    '    retry: { attempts: 2, budgetRatio: 0.5, minRetriesPerSecond: 1, on: [connect-failure, 5xx], idempotentMethods: [get, HEAD] }',
    '    timeouts: { connect: 500ms, perTry: 2s, total: 10s }',
    '    balancer: round-robin',
    '    slowStart: 0',
    '    allDown: fail-closed',
  );
  const cfg = parseConfig(text, 'detour.yaml', { DETOUR_ADMIN_TOKEN: 't0ken' });
  assert.deepEqual(cfg.admin, { host: '127.0.0.1', port: 9901, token: 't0ken', stateFile: './detour-state.json' });
  assert.equal(cfg.maxReplayBytes, 65536);
  assert.equal(cfg.log.level, 'debug');
  const s = cfg.services[0]!;
  assert.deepEqual(s.match, { hosts: ['api.example.com'], pathPrefix: '/v1' });
  // Sorted by priority; URLs reduced to their origin; servername from hostHeader.
  assert.deepEqual(s.pools.map((p) => p.name), ['tencent-gz', 'aliyun-hz']);
  assert.deepEqual(s.pools[0]!.endpoints, [
    { url: 'http://10.0.0.1:8080', weight: 1, servername: undefined },
    { url: 'http://10.0.0.2:8080', weight: 2, servername: undefined },
  ]);
  assert.deepEqual(s.pools[1], {
    name: 'aliyun-hz', provider: 'aliyun', region: 'cn-hangzhou', priority: 1, hostHeader: 'backup.example.net',
    endpoints: [{ url: 'https://backup.example.net', weight: 1, servername: 'backup.example.net' }],
  });
  assert.deepEqual(s.health.active, {
    type: 'http', path: '/healthz', method: 'HEAD', interval: 2000, unhealthyInterval: 5000, timeout: 1000,
    healthyThreshold: 3, unhealthyThreshold: 4, jitter: 0.2, host: 'api.example.com',
    expect: { status: [[200, 200], [204, 204], [300, 399]], bodyContains: 'ok', bodyNotContains: 'InternalError' },
  });
  assert.deepEqual(s.health.passive, {
    enabled: false, consecutiveFailures: 7, failureRatio: 0.4, minRequests: 10, window: 20_000,
    baseEjection: 15_000, maxEjection: 120_000, maxEjectionPercent: 50, cloudErrors: 5,
  });
  assert.deepEqual(s.classify, {
    providers: ['tencent', 'aliyun', 'aws', 'huawei'],
    rules: [
      { name: 'my-rule', status: [[500, 599]], jsonPath: '$.error.code', matches: undefined, equals: ['BOOM', '500'] },
      { name: 'r2', status: undefined, jsonPath: undefined, matches: 'upstream exploded', equals: undefined },
    ],
    maxBodyBytes: 4096,
  });
  assert.deepEqual(s.retry, { attempts: 2, budgetRatio: 0.5, minRetriesPerSecond: 1, on: ['connect-failure', '5xx'], idempotentMethods: ['GET', 'HEAD'] });
  assert.deepEqual(s.timeouts, { connect: 500, perTry: 2000, total: 10_000 });
  assert.equal(s.balancer, 'round-robin');
  assert.equal(s.slowStart, 0);
  assert.equal(s.allDown, 'fail-closed');
});

test('pools without a priority take their position in the list', () => {
  const cfg = parseConfig(yaml(
    'services:',
    '  - name: api',
    '    pools:',
    '      - { name: c, endpoints: [http://127.0.0.1:3] }',
    '      - { name: a, priority: 0, endpoints: [http://127.0.0.1:1] }',
    '      - { name: b, endpoints: [http://127.0.0.1:2] }',
  ), '<inline>', {});
  assert.deepEqual(cfg.services[0]!.pools.map((p) => [p.name, p.priority]), [['c', 0], ['a', 0], ['b', 2]]);
});

test('listen accepts a list of addresses, IPv6 and tls listeners', () => {
  const cfg = parseConfig(yaml(
    'listen:',
    '  - 127.0.0.1:8080',
    '  - "[::1]:8081"',
    '  - { address: "0.0.0.0:443", tls: { cert: /etc/detour/cert.pem, key: /etc/detour/key.pem } }',
  ) + MINIMAL, '<inline>', {});
  assert.deepEqual(cfg.listeners, [
    { host: '127.0.0.1', port: 8080, tls: undefined },
    { host: '::1', port: 8081, tls: undefined },
    { host: '0.0.0.0', port: 443, tls: { cert: '/etc/detour/cert.pem', key: '/etc/detour/key.pem' } },
  ]);
});

test('admin takes "[::1]:port", defaults its listen address, and an empty token means none', () => {
  const v6 = parseConfig(yaml('admin: { listen: "[::1]:9902", token: abc }') + MINIMAL, '<inline>', {});
  assert.deepEqual(v6.admin, { host: '::1', port: 9902, token: 'abc', stateFile: './detour-state.json' });
  const bare = parseConfig(yaml('admin: { token: "${DETOUR_ADMIN_TOKEN:-}" }') + MINIMAL, '<inline>', {});
  assert.deepEqual(bare.admin, { host: '127.0.0.1', port: 9901, token: undefined, stateFile: './detour-state.json' });
});

test('a pool tls block reads its CA file relative to the config and keeps insecureSkipVerify', () => {
  const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
  const read: string[] = [];
  const cfg = parseConfig(yaml(
    'services:',
    '  - pools:',
    '      - endpoints: [https://127.0.0.1:9443]',
    '        tls: { ca: certs/ca.pem, insecureSkipVerify: true }',
  ), '/etc/detour/detour.yaml', {}, { baseDir: '/etc/detour', readFile: (p) => (read.push(p), pem) });
  assert.deepEqual(read, ['/etc/detour/certs/ca.pem']);
  assert.deepEqual(cfg.services[0]!.pools[0]!.tls, { ca: pem, insecureSkipVerify: true });
  assert.equal('tls' in parseConfig(MINIMAL, '<inline>', {}).services[0]!.pools[0]!, false);
});

test('loadConfig resolves relative tls and stateFile paths against the config folder', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'detour-config-'));
  try {
    const file = join(dir, 'detour.yaml');
    await writeFile(file, yaml(
      'listen: [{ address: "127.0.0.1:8443", tls: { cert: ./tls/cert.pem, key: key.pem } }]',
      'admin: { stateFile: state/detour-state.json }',
    ) + MINIMAL);
    const cfg = await loadConfig(file, {});
    assert.equal(cfg.source, file);
    assert.deepEqual(cfg.listeners[0]!.tls, { cert: join(dir, 'tls/cert.pem'), key: join(dir, 'key.pem') });
    assert.equal(cfg.admin?.stateFile, join(dir, 'state/detour-state.json'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('loadConfig reports errors under the path it was given', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'detour-config-'));
  try {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, yaml('services:', '  - pools: []'));
    await assert.rejects(loadConfig(file, {}), (e: unknown) => {
      assert.ok(isConfigError(e));
      assert.match(e.message, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:12: services\\[0\\]\\.pools: `));
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('loadConfig on a missing file throws a ConfigError that says so', async () => {
  await assert.rejects(loadConfig('/nonexistent/detour.yaml', {}), (e: unknown) => {
    assert.ok(isConfigError(e));
    assert.equal(e.code, 'DETOUR_CONFIG_INVALID');
    assert.equal(e.message, '/nonexistent/detour.yaml: cannot read config file: file not found');
    return true;
  });
});

test('examples/detour.yaml parses when DETOUR_ADMIN_TOKEN is set', async () => {
  const example = fileURLToPath(new URL('../../examples/detour.yaml', import.meta.url));
  const cfg = await loadConfig(example, { DETOUR_ADMIN_TOKEN: 'example-token' });
  assert.equal(cfg.admin?.token, 'example-token');
  const s = cfg.services[0]!;
  assert.deepEqual(s.pools.map((p) => `${p.provider}/${p.region}`), ['tencent/ap-guangzhou', 'aliyun/cn-hangzhou']);
  // Loopback only: the example must be safe to start as is.
  for (const p of s.pools) for (const e of p.endpoints) assert.match(e.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  for (const l of cfg.listeners) assert.equal(l.host, '127.0.0.1');
  assert.equal(cfg.admin?.host, '127.0.0.1');
});

test('examples/detour.yaml without DETOUR_ADMIN_TOKEN fails naming only the variable', async () => {
  const example = fileURLToPath(new URL('../../examples/detour.yaml', import.meta.url));
  await assert.rejects(loadConfig(example, {}), /admin\.token: environment variable DETOUR_ADMIN_TOKEN is not set/);
});
