import assert from 'node:assert/strict';
import { test } from 'node:test';
import { protectReferences, restoreReferences, substitute } from './env.js';
import { parseConfig } from './load.js';
import { assertIssueAt, POOLS, rejects, yaml } from './helpers.test.js';

const withAdmin = (admin: string): string => yaml(admin, 'services:', '  - name: api', ...POOLS);

test('substitutes ${VAR} inside a flow mapping, where YAML alone would refuse the braces', () => {
  const cfg = parseConfig(withAdmin('admin: { listen: 127.0.0.1:9901, token: ${DETOUR_ADMIN_TOKEN} }'), 'detour.yaml', { DETOUR_ADMIN_TOKEN: 'abc' });
  assert.equal(cfg.admin?.token, 'abc');
});

test('substitutes inside a larger string and in quoted scalars', () => {
  const cfg = parseConfig(yaml(
    'services:',
    '  - pools:',
    '      - endpoints: ["http://${BACKEND_HOST}:${BACKEND_PORT:-9001}"]',
    '        hostHeader: api.${DOMAIN}',
  ), 'detour.yaml', { BACKEND_HOST: '127.0.0.1', DOMAIN: 'example.com' });
  assert.equal(cfg.services[0]!.pools[0]!.endpoints[0]!.url, 'http://127.0.0.1:9001');
  assert.equal(cfg.services[0]!.pools[0]!.hostHeader, 'api.example.com');
});

test('uses the default when the variable is unset or empty, and the value when set', () => {
  const text = withAdmin('admin: { token: "${TOKEN:-fallback}" }');
  assert.equal(parseConfig(text, 'x', {}).admin?.token, 'fallback');
  assert.equal(parseConfig(text, 'x', { TOKEN: '' }).admin?.token, 'fallback');
  assert.equal(parseConfig(text, 'x', { TOKEN: 'set' }).admin?.token, 'set');
});

test('a variable for a number or a boolean field is read as one', () => {
  const cfg = parseConfig(yaml(
    'services:',
    '  - pools:',
    '      - endpoints: [{ url: http://127.0.0.1:1, weight: ${W} }]',
    '    health: { passive: { enabled: ${PASSIVE:-false}, failureRatio: ${RATIO} } }',
  ), 'x', { W: '7', RATIO: '0.25' });
  assert.equal(cfg.services[0]!.pools[0]!.endpoints[0]!.weight, 7);
  assert.equal(cfg.services[0]!.health.passive.enabled, false);
  assert.equal(cfg.services[0]!.health.passive.failureRatio, 0.25);
});

test('reports a missing variable at its own position, naming it and not any value', () => {
  const text = withAdmin('admin: { token: "Bearer-${PREFIX:-x}-${DETOUR_ADMIN_TOKEN}" }');
  const err = rejects(text, { UNRELATED_SECRET: 'hunter2' });
  assertIssueAt(err, text, 'admin.token', '${DETOUR_ADMIN_TOKEN}', /^environment variable DETOUR_ADMIN_TOKEN is not set \(use \$\{DETOUR_ADMIN_TOKEN:-default\} to make it optional\)$/);
  assert.equal(err.issues.length, 1, 'no follow-up error for the same field');
});

test('never shows a substituted value in a validation error', () => {
  const text = yaml('services:', '  - pools:', '      - endpoints: [$' + '{BACKEND}]', '    balancer: ${BALANCER}');
  const err = rejects(text, { BACKEND: 'htp://s3cr3t-host', BALANCER: 'p2c-t0ps3cret' });
  assertIssueAt(err, text, 'services[0].pools[0].endpoints[0]', '${BACKEND}', /^invalid URL "\$\{BACKEND\}" \[value hidden\] \(expected http:\/\/ or https:\/\/\)$/);
  assertIssueAt(err, text, 'services[0].balancer', '${BALANCER}', /got "\$\{BALANCER\}" \[value hidden\]/);
  assert.doesNotMatch(err.message, /s3cr3t|t0ps3cret/);
});

test('reports several missing variables in one scalar, each at its column', () => {
  const text = withAdmin('admin: { token: "${A}${B}" }');
  const err = rejects(text);
  const [a, b] = err.issues;
  assert.deepEqual([a?.column, b?.column], [text.indexOf('${A}') + 1, text.indexOf('${B}') + 1]);
  assert.match(a!.message, /variable A is not set/);
  assert.match(b!.message, /variable B is not set/);
});

test('$${ is a literal ${ and env values are not expanded again', () => {
  const text = withAdmin('admin: { token: "$${NOT_A_VAR}-${T}" }');
  assert.equal(parseConfig(text, 'x', { T: '${HOME}' }).admin?.token, '${NOT_A_VAR}-${HOME}');
});

test('rejects a malformed or unterminated reference', () => {
  const bad = withAdmin('admin: { token: "${1BAD}" }');
  assertIssueAt(rejects(bad), bad, 'admin.token', '${1BAD}', /invalid reference "\$\{1BAD\}"/);
  const open = withAdmin('admin:\n  token: abc${DEF');
  assertIssueAt(rejects(open), open, 'admin.token', '${DEF', /unterminated "\$\{"/);
});

test('keys are never substituted', () => {
  const text = yaml('${KEY}: 1', 'services:', '  - name: api', ...POOLS);
  assertIssueAt(rejects(text, { KEY: 'listen' }), text, '${KEY}', '${KEY}', /unknown key "\$\{KEY\}"/);
});

test('protecting references keeps every offset, so positions stay true', () => {
  const text = 'a: { b: ${X:-1}, c: "${Y}" }\n';
  const p = protectReferences(text);
  assert.equal(p.length, text.length);
  assert.equal(restoreReferences(p), text);
  assert.deepEqual(substitute(protectReferences('${X:-a:-b}'), {}), { value: 'a:-b', problems: [] });
});
