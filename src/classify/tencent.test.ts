import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClassifier, tencent } from './index.js';
import type { ClassifyInput } from './index.js';

const c = createClassifier({ providers: ['tencent'], rules: [] })!;
const json = (status: number, body: string, complete = true): ClassifyInput => ({ status, contentType: 'application/json', body, complete });
const xml = (status: number, body: string): ClassifyInput => ({ status, contentType: 'application/xml', body, complete: true });
const envelope = (code: string, message = 'msg') =>
  JSON.stringify({ Response: { Error: { Code: code, Message: message }, RequestId: 'ed93f3cb-f35e-473f-b9f3-0d451b8b79c6' } });

test('treats a Tencent 200 response with Response.Error.Code InternalError as a cloud error and keeps its RequestId', () => {
  const body = envelope('InternalError', 'An internal error has occurred. Retry your request.');
  assert.deepEqual(c.classify(json(200, body)), {
    kind: 'cloud-error',
    provider: 'tencent',
    code: 'InternalError',
    message: 'An internal error has occurred. Retry your request.',
    requestId: 'ed93f3cb-f35e-473f-b9f3-0d451b8b79c6',
  });
});

test('drops a RequestId that does not look like an id, so a body cannot write text into logs', () => {
  const body = JSON.stringify({ Response: { Error: { Code: 'InternalError', Message: 'm' }, RequestId: 'x\n{"level":"error"} forged' } });
  const v = c.classify(json(200, body));
  assert.equal(v.kind, 'cloud-error');
  assert.equal('requestId' in v, false);
});

test('treats InternalError sub-codes and ServiceUnavailable as cloud errors', () => {
  for (const code of ['InternalError.DbError', 'InternalError.UnknownError', 'ServiceUnavailable']) {
    assert.equal(c.classify(json(200, envelope(code))).kind, 'cloud-error', code);
  }
});

test('does not count RequestLimitExceeded throttling against the cloud', () => {
  for (const code of ['RequestLimitExceeded', 'RequestLimitExceeded.UinLimitExceeded', 'RequestLimitExceeded.IPLimitExceeded', 'RequestLimitExceeded.GlobalRegionUinLimitExceeded']) {
    assert.deepEqual(c.classify(json(200, envelope(code))), { kind: 'client-error', provider: 'tencent', code });
  }
});

test('counts auth, parameter, permission and not-found codes as client errors', () => {
  const codes = [
    'AuthFailure.SignatureFailure', 'AuthFailure.SecretIdNotFound', 'InvalidParameter', 'InvalidParameterValue.Limit',
    'MissingParameter', 'UnauthorizedOperation', 'ResourceNotFound.CosBucketNameInvalid', 'ResourceInsufficient',
    'FailedOperation', 'LimitExceeded',
  ];
  for (const code of codes) assert.equal(c.classify(json(200, envelope(code))).kind, 'client-error', code);
});

test('reports a successful Tencent response as ok', () => {
  assert.deepEqual(c.classify(json(200, '{"Response":{"RequestId":"x","TotalCount":1}}')), { kind: 'ok' });
  assert.deepEqual(
    c.classify(json(200, '{"Response":{"TotalCount":0,"InstanceStatusSet":[],"RequestId":"b5b41468-520d-4192-b42f-595cc34b6c1c"}}')),
    { kind: 'ok' },
  );
});

test('finds the error code in a truncated body prefix', () => {
  const body = envelope('InternalError', 'x'.repeat(500)).slice(0, 80);
  assert.deepEqual(c.classify(json(200, body, false)), { kind: 'cloud-error', provider: 'tencent', code: 'InternalError' });
  const requestIdFirst = '{ "Response": { "RequestId": "abc", "Error": { "Code": "ServiceUnavailable", "Mess';
  assert.equal(c.classify(json(200, requestIdFirst, false)).kind, 'cloud-error');
});

test('ignores an Error object nested inside business data of a truncated success', () => {
  const body = '{"Response":{"Items":[{"Error":{"Code":"InternalError"}}],"TotalCount":5000,"RequestId":"r","Pad":"' + 'x'.repeat(100);
  assert.deepEqual(c.classify(json(200, body, false)), { kind: 'ok' });
});

test('treats a COS XML InternalError as a cloud error and NoSuchKey as a client error', () => {
  const cos = (code: string) =>
    `<?xml version='1.0' encoding='utf-8' ?>\n<Error>\n<Code>${code}</Code>\n<Message>m</Message>\n<RequestId>NjQ</RequestId>\n<TraceId>OGVm</TraceId>\n</Error>`;
  assert.deepEqual(c.classify(xml(500, cos('InternalError'))), { kind: 'cloud-error', provider: 'tencent', code: 'InternalError', message: 'm', requestId: 'NjQ' });
  assert.deepEqual(c.classify(xml(404, cos('NoSuchKey'))), { kind: 'client-error', provider: 'tencent', code: 'NoSuchKey' });
  assert.equal(c.classify(xml(503, cos('SlowDown'))).kind, 'client-error');
});

test('leaves bodies of other clouds alone', () => {
  const aliyun = '{"RequestId":"a","HostId":"ecs.aliyuncs.com","Code":"InternalError","Message":"m"}';
  assert.deepEqual(c.classify(json(500, aliyun)), { kind: 'ok' });
  assert.equal(tencent(json(500, aliyun), { json: JSON.parse(aliyun), xml: undefined }), undefined);
});
