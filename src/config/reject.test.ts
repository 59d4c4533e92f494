import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertIssue, assertIssueAt, issueAt, POOLS, rejects, yaml } from './helpers.test.js';

/** One service named api with a valid pool, plus `extra` service-level lines. */
const service = (...extra: string[]): string => yaml('services:', '  - name: api', ...POOLS, ...extra);

test('rejects an unknown key with file, line, column and a suggestion', () => {
  const err = rejects(service('    balancr: p2c'));
  assert.equal(err.message, 'detour.yaml:6:5: services[0].balancr: unknown key "balancr" (did you mean "balancer"?)');
  assert.deepEqual(err.issues, [{ line: 6, column: 5, path: 'services[0].balancr', message: 'unknown key "balancr" (did you mean "balancer"?)' }]);
});

test('suggests the right spelling for a case slip and stays silent for unrelated keys', () => {
  const text = yaml('services:', '  - name: api', '    match: { pathprefix: /, colour: red }', ...POOLS);
  const err = rejects(text);
  assertIssueAt(err, text, 'services[0].match.pathprefix', 'pathprefix', /did you mean "pathPrefix"/);
  assertIssueAt(err, text, 'services[0].match.colour', 'colour', /^unknown key "colour"$/);
});

test('rejects a bad duration and a bare number of seconds', () => {
  const text = service('    slowStart: 30 seconds', '    timeouts: { connect: 2 }');
  const err = rejects(text);
  assertIssueAt(err, text, 'services[0].slowStart', '30 seconds', /invalid duration "30 seconds"/);
  assertIssueAt(err, text, 'services[0].timeouts.connect', '2 }', /needs a unit, e.g. "2s" or "2ms"/);
});

test('rejects an endpoint URL that is not http or https', () => {
  const text = yaml(
    'services:',
    '  - name: api',
    '    pools:',
    '      - name: a',
    '        endpoints: [http://127.0.0.1:1]',
    '      - name: b',
    '        endpoints:',
    '          - htp:/x',
  );
  assert.equal(rejects(text).message, 'detour.yaml:8:13: services[0].pools[1].endpoints[0]: invalid URL "htp:/x" (expected http:// or https://)');
});

test('rejects endpoint URLs with a path, a query or credentials, without echoing credentials', () => {
  const text = yaml(
    'services:',
    '  - pools:',
    '      - endpoints:',
    '          - http://127.0.0.1:1/api',
    '          - { url: "http://127.0.0.1:2/?x=1" }',
    '          - https://user:hunter2@127.0.0.1:3',
    '          - ftp://127.0.0.1:4',
  );
  const err = rejects(text);
  assertIssueAt(err, text, 'services[0].pools[0].endpoints[0]', 'http://127.0.0.1:1/api', /no path/);
  assertIssueAt(err, text, 'services[0].pools[0].endpoints[1].url', '"http://127.0.0.1:2', /no query/);
  assertIssueAt(err, text, 'services[0].pools[0].endpoints[2]', 'https://user', /credentials/);
  assertIssueAt(err, text, 'services[0].pools[0].endpoints[3]', 'ftp:', /expected http:\/\/ or https:\/\//);
  assert.doesNotMatch(err.message, /hunter2/);
});

test('checks an endpoint weight even when its URL is bad', () => {
  const text = yaml('services:', '  - pools:', '      - endpoints: [{ url: htp://x, weight: 0 }]');
  const err = rejects(text);
  assertIssueAt(err, text, 'services[0].pools[0].endpoints[0].url', 'htp://x', /invalid URL/);
  assertIssueAt(err, text, 'services[0].pools[0].endpoints[0].weight', '0 }', /from 1 to 1000/);
});

test('rejects duplicate service names, pointing at the second one', () => {
  const text = yaml(
    'services:',
    '  - name: api',
    '    match: { hosts: [a.example.com] }',
    ...POOLS,
    '  - name: api',
    '    match: { hosts: [b.example.com] }',
    ...POOLS,
  );
  assertIssue(rejects(text), 'services[1].name', 7, 11, /duplicate service name "api" \(first at line 2\)/);
});

test('rejects two services that route the same host and prefix', () => {
  const err = rejects(yaml('services:', '  - name: one', ...POOLS, '  - name: two', ...POOLS));
  assertIssue(err, 'services[1]', 6, 5, /same host \(any\) and pathPrefix "\/" as service "one", so it would never be used/);
});

test('rejects duplicate pool names within a service', () => {
  const text = yaml(
    'services:',
    '  - pools:',
    '      - { name: tencent, endpoints: [http://127.0.0.1:1] }',
    '      - { name: tencent, endpoints: [http://127.0.0.1:2] }',
  );
  assertIssueAt(rejects(text), text, 'services[0].pools[1].name', 'tencent', /duplicate pool name "tencent" \(first at line 3\)/, '127.0.0.1:1] }');
});

test('rejects duplicate endpoint URLs within a pool after normalization', () => {
  const text = yaml('services:', '  - pools:', '      - endpoints: [http://127.0.0.1:1, "HTTP://127.0.0.1:1/"]');
  assertIssueAt(rejects(text), text, 'services[0].pools[0].endpoints[1]', '"HTTP', /duplicate endpoint http:\/\/127\.0\.0\.1:1 in this pool \(first at line 3\)/);
});

test('rejects a pool with no endpoints and a service with no pools', () => {
  const text = yaml(
    'services:',
    '  - name: a',
    '    match: { hosts: [a.example.com] }',
    '    pools:',
    '      - name: empty',
    '        endpoints: []',
    '  - name: b',
    '    match: { hosts: [b.example.com] }',
  );
  const err = rejects(text);
  assertIssueAt(err, text, 'services[0].pools[0].endpoints', '[]', /at least one endpoint/);
  // A missing field is reported at the mapping that lacks it.
  assertIssueAt(err, text, 'services[1].pools', 'name: b', /needs a list of pools/);
});

test('rejects out-of-range numbers: thresholds, ratios, weights and ports', () => {
  const text = yaml(
    'listen: 127.0.0.1:65536',
    'services:',
    '  - pools:',
    '      - endpoints: [{ url: http://127.0.0.1:1, weight: 1001 }, { url: http://127.0.0.1:2, weight: 1.5 }]',
    '    health:',
    '      active: { healthyThreshold: 0, jitter: 1 }',
    '      passive: { failureRatio: 1.5, consecutiveFailures: 0, maxEjectionPercent: 101 }',
    '    retry: { budgetRatio: 0, attempts: 11 }',
  );
  const err = rejects(text);
  assertIssueAt(err, text, 'listen', '127.0.0.1:65536', /port must be from 0 to 65535/);
  assertIssueAt(err, text, 'services[0].pools[0].endpoints[0].weight', '1001', /integer from 1 to 1000 \(got 1001\)/);
  assertIssueAt(err, text, 'services[0].pools[0].endpoints[1].weight', '1.5 }', /integer from 1 to 1000 \(got 1.5\)/);
  assertIssueAt(err, text, 'services[0].health.active.healthyThreshold', '0, jitter', /integer from 1 to 100 \(got 0\)/);
  assertIssueAt(err, text, 'services[0].health.active.jitter', '1 }', /must be in \[0, 1\) \(got 1\)/, 'jitter');
  assertIssueAt(err, text, 'services[0].health.passive.failureRatio', '1.5,', /must be in \(0, 1\] \(got 1.5\)/);
  assertIssueAt(err, text, 'services[0].health.passive.consecutiveFailures', '0, max', /from 1 to 1000/);
  assertIssueAt(err, text, 'services[0].health.passive.maxEjectionPercent', '101', /must be in \[0, 100\]/);
  assertIssueAt(err, text, 'services[0].retry.budgetRatio', '0, attempts', /must be in \(0, 1\]/);
  assertIssueAt(err, text, 'services[0].retry.attempts', '11', /from 1 to 10/);
});

test('rejects bad enum values with the allowed list and a suggestion', () => {
  const text = service(
    '    allDown: fail-opne',
    '    balancer: least-conn',
    '    retry: { on: [5xx, 4xx] }',
    '    classify: [tencent, alibaba, gcp]',
  ) + yaml('log: { level: verbose }');
  const err = rejects(text);
  assertIssueAt(err, text, 'services[0].allDown', 'fail-opne', /must be one of fail-open, fail-closed \(got "fail-opne"\) \(did you mean "fail-open"\?\)/);
  assertIssueAt(err, text, 'services[0].balancer', 'least-conn', /must be one of p2c, round-robin \(got "least-conn"\)$/);
  assertIssueAt(err, text, 'services[0].retry.on[1]', '4xx', /must be one of connect-failure, reset, timeout, 5xx, cloud-error \(got "4xx"\)/);
  assertIssueAt(err, text, 'services[0].classify[1]', 'alibaba', /unknown classifier "alibaba" \(expected tencent, aliyun, aws, huawei or a rule/);
  assertIssueAt(err, text, 'services[0].classify[2]', 'gcp', /unknown classifier "gcp"/);
  assertIssueAt(err, text, 'log.level', 'verbose', /must be one of debug, info, warn, error/);
});

test('rejects a tls listener with only a cert', () => {
  const text = yaml('listen:', '  - address: 0.0.0.0:443', '    tls: { cert: cert.pem }') + service();
  assertIssueAt(rejects(text), text, 'listen[0].tls', '{ cert', /tls needs both cert and key: "key" is missing/);
});

test('rejects hosts with a port or a wildcard and a pathPrefix without a slash', () => {
  const text = yaml(
    'services:',
    '  - match: { hosts: ["api.example.com:443", "*.example.com"], pathPrefix: api }',
    '    pools: [{ endpoints: [http://127.0.0.1:1] }]',
  );
  const err = rejects(text);
  assertIssueAt(err, text, 'services[0].match.hosts[0]', '"api.example.com:443"', /without the port: write "api.example.com"/);
  assertIssueAt(err, text, 'services[0].match.hosts[1]', '"*.example.com"', /wildcards are not supported/);
  assertIssueAt(err, text, 'services[0].match.pathPrefix', 'api }', /must start with "\/"/);
});

test('rejects a bare port as a listen address with a hint', () => {
  const text = yaml('listen: 8080') + service();
  assertIssueAt(rejects(text), text, 'listen', '8080', /invalid listen address 8080 \(expected "host:port" such as "127\.0\.0\.1:8080"/);
});

test('rejects a missing services list and an empty file', () => {
  assertIssue(rejects(yaml('listen: 127.0.0.1:8080')), 'services', 1, 1, /"services" is required/);
  const empty = rejects('# nothing here\n');
  assert.equal(empty.issues.length, 1);
  assert.match(empty.message, /^detour\.yaml:1:1: the config is empty/);
});

test('rejects an admin address that clashes with a listener', () => {
  const text = yaml('listen: 0.0.0.0:9901', 'admin: { listen: 127.0.0.1:9901 }') + service();
  assertIssueAt(rejects(text), text, 'admin', '{ listen', /clashes with listener 0\.0\.0\.0:9901/);
});

test('reports every problem at once, sorted by position, one per line', () => {
  const err = rejects(yaml(
    'drainTimeout: soon',
    'services:',
    '  - name: api',
    '    pools:',
    '      - name: a',
    '        endpoints: [htp://x]',
    '    balancer: fastest',
  ));
  assert.deepEqual(err.issues.map((i) => i.path), ['drainTimeout', 'services[0].pools[0].endpoints[0]', 'services[0].balancer']);
  const lines = err.message.split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, /^detour\.yaml:1:15: drainTimeout: invalid duration "soon"/);
  assert.match(lines[1]!, /^detour\.yaml:6:21: services\[0\]\.pools\[0\]\.endpoints\[0\]: invalid URL "htp:\/\/x"/);
  assert.match(lines[2]!, /^detour\.yaml:7:15: services\[0\]\.balancer: must be one of/);
  assert.equal(err.code, 'DETOUR_CONFIG_INVALID');
  assert.equal(err.name, 'ConfigError');
});

test('reports a YAML syntax error with its position and stops there', () => {
  const err = rejects(yaml('services:', '  - name: api', '    pools: [ { name: a', 'balancer: x'));
  assert.ok(err.issues.length >= 1);
  assert.ok(err.issues.every((i) => i.path === '' && i.line >= 1));
  assert.doesNotMatch(err.message, /unknown key/);
});

test('reports duplicate YAML keys together with validation errors', () => {
  const text = yaml('drainTimeout: 1s', 'drainTimeout: 2s', 'maxReplayBytes: lots') + service();
  const err = rejects(text);
  assert.equal(issueAt(err, '').line, 2);
  assert.equal(issueAt(err, '').message, 'duplicate key "drainTimeout" (each key may appear once per mapping)');
  assertIssueAt(err, text, 'maxReplayBytes', 'lots', /invalid size "lots"/);
});

test('rejects a pool CA file that cannot be read', () => {
  const text = yaml('services:', '  - pools:', '      - endpoints: [https://127.0.0.1:1]', '        tls: { ca: /nonexistent/ca.pem }');
  assertIssueAt(rejects(text), text, 'services[0].pools[0].tls.ca', '/nonexistent', /cannot read CA file "\/nonexistent\/ca\.pem" \(file not found\)/);
});
