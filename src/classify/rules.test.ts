import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClassifier } from './index.js';
import type { ClassifyInput } from './index.js';
import type { CustomClassifyRule } from '../config/types.js';

const rule = (r: Partial<CustomClassifyRule> & { name: string }): CustomClassifyRule => ({
  status: undefined,
  jsonPath: undefined,
  matches: undefined,
  equals: undefined,
  ...r,
});
const only = (...rules: CustomClassifyRule[]) => createClassifier({ providers: [], rules })!;
const input = (status: number, body: string, complete = true): ClassifyInput => ({ status, contentType: 'application/json', body, complete });

test('matches a jsonPath value against equals and reports the value as the code', () => {
  const c = only(rule({ name: 'legacy-api', jsonPath: '$.error.code', equals: ['E_DB_DOWN', 'E_OVERLOAD'] }));
  assert.deepEqual(c.classify(input(200, '{"error":{"code":"E_DB_DOWN"}}')), { kind: 'cloud-error', provider: 'legacy-api', code: 'E_DB_DOWN' });
  assert.deepEqual(c.classify(input(200, '{"error":{"code":"E_BAD_INPUT"}}')), { kind: 'ok' });
  assert.deepEqual(c.classify(input(200, '{"data":1}')), { kind: 'ok' });
});

test('walks array indexes in a jsonPath', () => {
  const c = only(rule({ name: 'graphql', jsonPath: '$.errors[0].extensions.code', equals: ['INTERNAL_SERVER_ERROR'] }));
  assert.equal(c.classify(input(200, '{"errors":[{"extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}')).kind, 'cloud-error');
  assert.equal(c.classify(input(200, '{"errors":[]}')).kind, 'ok');
  assert.equal(c.classify(input(200, '{"errors":{"0":{"extensions":{"code":"INTERNAL_SERVER_ERROR"}}}}')).kind, 'ok');
});

test('compares numbers and booleans by their text and tests matches on the jsonPath value', () => {
  const c = only(rule({ name: 'biz', jsonPath: '$.code', equals: ['500'] }), rule({ name: 'rx', jsonPath: '$.status', matches: '^(?:FAIL|DOWN)' }));
  assert.deepEqual(c.classify(input(200, '{"code":500}')), { kind: 'cloud-error', provider: 'biz', code: '500' });
  assert.deepEqual(c.classify(input(200, '{"code":0,"status":"DOWN_FOR_MAINTENANCE"}')), { kind: 'cloud-error', provider: 'rx', code: 'DOWN_FOR_MAINTENANCE' });
  assert.equal(c.classify(input(200, '{"code":0,"status":"UP"}')).kind, 'ok');
});

test('treats a jsonPath without equals or matches as a presence check', () => {
  const c = only(rule({ name: 'has-fault', jsonPath: '$.fault' }));
  assert.deepEqual(c.classify(input(200, '{"fault":{"detail":"x"}}')), { kind: 'cloud-error', provider: 'has-fault', code: 'has-fault' });
  assert.equal(c.classify(input(200, '{"fault":null}')).kind, 'ok');
});

test('never walks into prototype members', () => {
  const c = only(rule({ name: 'proto', jsonPath: '$.constructor.name' }));
  assert.equal(c.classify(input(200, '{"a":1}')).kind, 'ok');
});

test('tests a bare matches regex against the body prefix, using capture group 1 as the code', () => {
  const c = only(rule({ name: 'upstream-text', matches: 'errcode=(\\d+)' }), rule({ name: 'maint', matches: '[Uu]nder [Mm]aintenance' }));
  assert.deepEqual(c.classify(input(200, 'status: failed errcode=5003 try later')), { kind: 'cloud-error', provider: 'upstream-text', code: '5003' });
  assert.deepEqual(c.classify(input(200, '<html>Site Under Maintenance</html>')), { kind: 'cloud-error', provider: 'maint', code: 'Under Maintenance' });
});

test('applies rules only inside their status ranges', () => {
  const c = only(rule({ name: 'gw-429', status: [[429, 429]] }), rule({ name: 'r', status: [[200, 299]], matches: 'InternalError' }));
  assert.equal(c.classify(input(429, '')).kind, 'cloud-error');
  assert.equal(c.classify(input(200, '{"x":"InternalError"}')).kind, 'cloud-error');
  assert.equal(c.classify(input(500, '{"x":"InternalError"}')).kind, 'ok');
});

test('skips jsonPath rules on a truncated body but still runs regex rules on the prefix', () => {
  const c = only(rule({ name: 'path', jsonPath: '$.error.code', equals: ['X'] }), rule({ name: 'rx', matches: '"code":"(Y)"' }));
  assert.equal(c.classify(input(200, '{"error":{"code":"X"}', false)).kind, 'ok');
  assert.deepEqual(c.classify(input(200, '{"error":{"code":"Y"', false)), { kind: 'cloud-error', provider: 'rx', code: 'Y' });
});

test('runs custom rules before the built-in providers', () => {
  const c = createClassifier({ providers: ['tencent'], rules: [rule({ name: 'sold-out', jsonPath: '$.Response.Error.Code', equals: ['ResourceInsufficient'] })] })!;
  const body = '{"Response":{"Error":{"Code":"ResourceInsufficient","Message":"m"},"RequestId":"r"}}';
  assert.deepEqual(c.classify(input(200, body)), { kind: 'cloud-error', provider: 'sold-out', code: 'ResourceInsufficient' });
});

test('rejects invalid rules at create time, naming the rule', () => {
  const bad: Array<[CustomClassifyRule, RegExp]> = [
    [rule({ name: 'r1', matches: '(unclosed' }), /classify rule "r1": invalid regex/],
    [rule({ name: 'r3', jsonPath: 'error.code' }), /classify rule "r3": invalid jsonPath/],
    [rule({ name: 'r4', jsonPath: '$.a[x]' }), /classify rule "r4": invalid jsonPath/],
    [rule({ name: 'r5', equals: ['X'] }), /classify rule "r5": equals needs a jsonPath/],
    [rule({ name: 'r6' }), /classify rule "r6": needs at least one of/],
    [rule({ name: 'r7', jsonPath: '$.a', equals: [] }), /classify rule "r7": equals is empty/],
  ];
  for (const [r, message] of bad) assert.throws(() => createClassifier({ providers: [], rules: [r] }), message);
});
