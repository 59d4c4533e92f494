import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { aliyun, aws, canCarryEnvelope, createClassifier, huawei, tencent } from './index.js';
import type { ClassifyInput } from './index.js';

const all = createClassifier({ providers: ['tencent', 'aliyun', 'aws', 'huawei'], rules: [] })!;
const input = (status: number, body: string, complete = true, contentType = 'application/json'): ClassifyInput => ({ status, contentType, body, complete });

test('recognises JSON, XML and text/plain content types as envelope carriers', () => {
  for (const ct of [
    'application/json', 'application/json; charset=utf-8', 'Application/JSON;charset=UTF-8', 'application/problem+json',
    'application/x-amz-json-1.1', 'application/x-amz-json-1.0', 'text/xml', 'application/xml', 'application/soap+xml',
    'text/plain', 'text/plain;charset=UTF-8', ' application/json ',
  ]) {
    assert.equal(canCarryEnvelope(ct), true, ct);
  }
});

test('rejects binary, HTML, streams and a missing content type', () => {
  for (const ct of [undefined, '', 'text/html', 'image/png', 'application/octet-stream', 'text/event-stream', 'application/xml-dtd', 'multipart/form-data', 'text/javascript']) {
    assert.equal(canCarryEnvelope(ct), false, String(ct));
  }
});

test('returns no classifier when neither providers nor rules are configured', () => {
  assert.equal(createClassifier({ providers: [], rules: [] }), undefined);
});

test('refuses unknown provider names', () => {
  assert.throws(() => createClassifier({ providers: ['gcp'], rules: [] }), /unknown provider "gcp"/);
  assert.throws(() => createClassifier({ providers: ['toString'], rules: [] }), /unknown provider "toString"/);
});

test('answers ok for garbage, binary, HTML and empty bodies without throwing', () => {
  const bodies = [
    '', '   ', 'null', '{', '{"Response":', '<', '<Error><Code>', '\u0000\u0001\u0002\ufffd\ufffdPNG', '<html><body>502 Bad Gateway</body></html>',
    '[1,2,3]', '{"Response":[]}', '{"Response":{"Error":"InternalError"}}', '{"Code":{"x":1},"RequestId":"r"}', '{"__type":42}',
    '['.repeat(200_000), '{"error_code":"' + 'x'.repeat(10_000), '<?xml version="1.0"?' + ' '.repeat(5000),
  ];
  for (const body of bodies) {
    for (const complete of [true, false]) assert.deepEqual(all.classify(input(500, body, complete)), { kind: 'ok' }, body.slice(0, 40));
  }
});

test('skips JSON.parse when no enabled provider marker is in the body', () => {
  const original = JSON.parse;
  let calls = 0;
  JSON.parse = ((...args: Parameters<typeof JSON.parse>) => (calls++, original(...args))) as typeof JSON.parse;
  try {
    const tencentOnly = createClassifier({ providers: ['tencent'], rules: [] })!;
    assert.deepEqual(tencentOnly.classify(input(200, '{"RequestId":"r","Code":"InternalError","HostId":"h"}')), { kind: 'ok' });
    assert.deepEqual(all.classify(input(200, '{"items":[1,2,3],"next":null}')), { kind: 'ok' });
    assert.equal(calls, 0);
  } finally {
    JSON.parse = original;
  }
});

test('parses the body at most once with every provider and a jsonPath rule enabled', () => {
  const c = createClassifier({
    providers: ['huawei', 'aws', 'aliyun', 'tencent'],
    rules: [{ name: 'r', status: undefined, jsonPath: '$.never', matches: undefined, equals: undefined }],
  })!;
  const original = JSON.parse;
  let calls = 0;
  JSON.parse = ((...args: Parameters<typeof JSON.parse>) => (calls++, original(...args))) as typeof JSON.parse;
  try {
    const v = c.classify(input(200, '{"Response":{"Error":{"Code":"InternalError","Message":"m"},"RequestId":"r"}}'));
    assert.equal(v.kind, 'cloud-error');
    assert.equal(calls, 1);
  } finally {
    JSON.parse = original;
  }
});

test('lets each enabled provider recognise its own envelope', () => {
  const cases: Array<[string, ClassifyInput]> = [
    ['tencent', input(200, '{"Response":{"Error":{"Code":"InternalError","Message":"m"},"RequestId":"r"}}')],
    ['aliyun', input(503, '{"RequestId":"r","HostId":"ecs.aliyuncs.com","Code":"ServiceUnavailable","Message":"m"}')],
    ['aws', input(500, '{"__type":"com.amazonaws#InternalFailure","message":"m"}')],
    ['huawei', input(502, '{"error_code":"APIGW.0201","error_msg":"Backend unavailable."}')],
  ];
  for (const [provider, i] of cases) {
    const v = all.classify(i);
    assert.equal(v.kind === 'cloud-error' && v.provider, provider);
  }
});

test('labels a shared S3-style XML error with the first enabled provider in config order', () => {
  const body = '<Error><Code>InternalError</Code><Message>m</Message></Error>';
  const c = createClassifier({ providers: ['aws', 'aliyun'], rules: [] })!;
  const v = c.classify(input(500, body, true, 'application/xml'));
  assert.equal(v.kind === 'cloud-error' && v.provider, 'aws');
});

test('ignores XML that is not an error document', () => {
  const body = '<?xml version="1.0"?><ListBucketResult><Contents><Key>a</Key><Code>InternalError</Code></Contents></ListBucketResult>';
  assert.deepEqual(all.classify(input(200, body, true, 'application/xml')), { kind: 'ok' });
});

test('exposes each provider check as a function of the input and the shared parse', () => {
  const body = '{"Response":{"Error":{"Code":"InternalError"},"RequestId":"r"}}';
  const i = input(200, body);
  const parsed = { json: JSON.parse(body) as unknown, xml: undefined };
  assert.equal(tencent(i, parsed)?.kind, 'cloud-error');
  for (const other of [aliyun, aws, huawei]) assert.equal(other(i, parsed), undefined);
});

test('keeps the module free of Node.js imports so it can ship to browsers', () => {
  const dir = dirname(fileURLToPath(import.meta.url));
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const src = readFileSync(join(dir, file), 'utf8');
    for (const m of src.matchAll(/from\s+'([^']+)'/g)) {
      assert.ok(m[1]!.startsWith('./') || m[1] === '../config/types.js', `${file} imports ${m[1]}`);
    }
  }
});
