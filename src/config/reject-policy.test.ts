/** Rejections inside a service's health, classify and timeout settings. */
import { test } from 'node:test';
import { assertIssueAt, POOLS, rejects, yaml } from './helpers.test.js';

/** One service named api with a valid pool, plus `extra` service-level lines. */
const service = (...extra: string[]): string => yaml('services:', '  - name: api', ...POOLS, ...extra);

test('rejects malformed classify rules', () => {
  const text = service(
    '    classify:',
    '      - { name: a, equals: [X] }',
    '      - { name: b, jsonPath: "error.code", equals: [X] }',
    '      - { name: c, matches: "(" }',
    '      - { jsonPath: $.code, matches: x }',
    '      - { name: d }',
    '      - { name: a, matches: y }',
  );
  const err = rejects(text);
  assertIssueAt(err, text, 'services[0].classify[0].equals', '[X] }', /add jsonPath/);
  assertIssueAt(err, text, 'services[0].classify[1].jsonPath', '"error.code"', /invalid jsonPath "error.code"/);
  assertIssueAt(err, text, 'services[0].classify[2].matches', '"("', /invalid regular expression "\(" \(Unterminated group\)/);
  assertIssueAt(err, text, 'services[0].classify[3]', '{ jsonPath: $.code', /needs a name/);
  assertIssueAt(err, text, 'services[0].classify[4]', '{ name: d }', /needs at least one of status, jsonPath or matches/);
  assertIssueAt(err, text, 'services[0].classify[5]', '{ name: a, matches', /duplicate classify rule name "a"/);
});

test('rejects expect.status values that are not status codes or ranges', () => {
  const cases = [['"200-"', /expected status codes/], ['"399-200"', /range 399-200 is reversed/], ['600', /from 100 to 599/], ['"200,abc"', /expected status codes/]] as const;
  for (const [status, reason] of cases) {
    const text = service(`    health: { active: { expect: { status: ${status} } } }`);
    assertIssueAt(rejects(text), text, 'services[0].health.active.expect.status', status, reason);
  }
});

test('rejects a health check timeout that is not shorter than its interval', () => {
  const text = service('    health: { active: { interval: 1s, timeout: 1s } }');
  assertIssueAt(rejects(text), text, 'services[0].health.active.timeout', '1s }', /timeout \(1000ms\) must be shorter than interval \(1000ms\)/);
  // Against the default interval when only the timeout is given.
  const text2 = service('    health: { active: { timeout: 3s } }');
  assertIssueAt(rejects(text2), text2, 'services[0].health.active.timeout', '3s', /must be shorter than interval \(2000ms\)/);
});

test('rejects a perTry timeout longer than the total', () => {
  const text = service('    timeouts: { perTry: 20s, total: 10s }');
  assertIssueAt(rejects(text), text, 'services[0].timeouts.perTry', '20s', /perTry \(20000ms\) must not be longer than total \(10000ms\)/);
});

test('rejects http-only active settings on a tcp check', () => {
  const text = service('    health: { active: { type: tcp, path: /x } }');
  assertIssueAt(rejects(text), text, 'services[0].health.active.path', '/x', /only applies to type: http/);
});
