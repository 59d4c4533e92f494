import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeConfig, parseConfig } from './index.js';
import { POOLS, yaml } from './helpers.test.js';

const text = yaml('admin: { token: ${DETOUR_ADMIN_TOKEN} }', 'services:', '  - name: api', ...POOLS);

test('describeConfig redacts the admin token and survives a JSON round trip', () => {
  const plan = describeConfig(parseConfig(text, 'detour.yaml', { DETOUR_ADMIN_TOKEN: 'very-secret' }));
  const json = JSON.stringify(plan);
  assert.doesNotMatch(json, /very-secret/);
  assert.deepEqual(JSON.parse(json), plan);
  assert.equal((plan['admin'] as Record<string, unknown>)['token'], '[redacted]');
});

test('describeConfig shows unset values as null instead of dropping them', () => {
  const plan = describeConfig(parseConfig(yaml('services:', '  - name: api', ...POOLS), 'detour.yaml', {}));
  assert.equal(plan['admin'], null);
  const pool = ((plan['services'] as Array<Record<string, unknown>>)[0]!['pools'] as Array<Record<string, unknown>>)[0]!;
  assert.equal(pool['hostHeader'], null);
  assert.deepEqual(pool['endpoints'], [{ url: 'http://127.0.0.1:9001', weight: 1, servername: null }]);
});

test('describeConfig leaves a missing token as null rather than claiming one is set', () => {
  const plan = describeConfig(parseConfig(yaml('admin: { listen: 127.0.0.1:9901 }', 'services:', '  - name: api', ...POOLS), 'detour.yaml', {}));
  assert.equal((plan['admin'] as Record<string, unknown>)['token'], null);
});

test('describeConfig does not change the config it describes', () => {
  const cfg = parseConfig(text, 'detour.yaml', { DETOUR_ADMIN_TOKEN: 'very-secret' });
  describeConfig(cfg);
  assert.equal(cfg.admin?.token, 'very-secret');
});
