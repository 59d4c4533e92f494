import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClassifier } from './index.js';
import type { ClassifyInput } from './index.js';

const c = createClassifier({ providers: ['aws'], rules: [] })!;
const json = (status: number, body: string, complete = true): ClassifyInput => ({ status, contentType: 'application/x-amz-json-1.1', body, complete });
const xml = (status: number, body: string): ClassifyInput => ({ status, contentType: 'application/xml', body, complete: true });
const s3 = (code: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>m</Message><RequestId>4442587FB7D0A2F9</RequestId><HostId>hid</HostId></Error>`;
const query = (type: string, code: string) =>
  `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>${type}</Type><Code>${code}</Code><Message>m</Message></Error><RequestId>42d59b56</RequestId></ErrorResponse>`;
const ec2 = (code: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>m</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>`;

test('treats an S3 XML InternalError as a cloud error, also inside a 200, and keeps its RequestId', () => {
  assert.deepEqual(c.classify(xml(500, s3('InternalError'))), { kind: 'cloud-error', provider: 'aws', code: 'InternalError', message: 'm', requestId: '4442587FB7D0A2F9' });
  assert.equal(c.classify(xml(200, s3('InternalError'))).kind, 'cloud-error');
});

test('treats S3 SlowDown as throttling of this caller, not a cloud failure, despite its 503', () => {
  assert.deepEqual(c.classify(xml(503, s3('SlowDown'))), { kind: 'client-error', provider: 'aws', code: 'SlowDown' });
});

test('uses the query protocol Receiver type as a server fault and Sender as the caller', () => {
  assert.equal(c.classify(xml(503, query('Receiver', 'ServiceUnavailable'))).kind, 'cloud-error');
  assert.equal(c.classify(xml(400, query('Receiver', 'SomethingNew'))).kind, 'cloud-error');
  assert.deepEqual(c.classify(xml(400, query('Sender', 'InvalidParameterValue'))), { kind: 'client-error', provider: 'aws', code: 'InvalidParameterValue' });
  assert.equal(c.classify(xml(400, query('Sender', 'Throttling'))).kind, 'client-error');
});

test('reads EC2 Response/Errors envelopes, whose id is spelled RequestID', () => {
  assert.deepEqual(c.classify(xml(500, ec2('InternalError'))), { kind: 'cloud-error', provider: 'aws', code: 'InternalError', message: 'm', requestId: 'ea966190-f9aa-478e-9ede-example' });
  assert.equal(c.classify(xml(503, ec2('Unavailable'))).kind, 'cloud-error');
  assert.deepEqual(c.classify(xml(503, ec2('RequestLimitExceeded'))), { kind: 'client-error', provider: 'aws', code: 'RequestLimitExceeded' });
  assert.equal(c.classify(xml(400, ec2('AuthFailure'))).kind, 'client-error');
});

test('sanitises JSON __type names like the AWS SDKs', () => {
  const body = '{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"Internal server error"}';
  assert.deepEqual(c.classify(json(500, body)), { kind: 'cloud-error', provider: 'aws', code: 'InternalServerError', message: 'Internal server error' });
  const withUrl = '{"__type":"aws.protocoltests.restjson#InternalFailure:http://internal.amazon.com/coral/com.amazon.coral.validate/"}';
  assert.deepEqual(c.classify(json(500, withUrl)), { kind: 'cloud-error', provider: 'aws', code: 'InternalFailure' });
});

test('treats JSON InternalFailure and ServiceUnavailableException as cloud errors on any status', () => {
  assert.equal(c.classify(json(200, '{"__type":"InternalFailure"}')).kind, 'cloud-error');
  assert.equal(c.classify(json(503, '{"__type":"ServiceUnavailableException","Message":"busy"}')).kind, 'cloud-error');
  assert.equal(c.classify(json(500, '{"code":"InternalServerException","message":"boom"}')).kind, 'cloud-error');
});

test('counts throttling and access errors in JSON as client errors', () => {
  for (const t of ['ThrottlingException', 'ProvisionedThroughputExceededException', 'TooManyRequestsException', 'AccessDeniedException', 'ValidationException']) {
    assert.equal(c.classify(json(400, `{"__type":"com.amazon.coral.service#${t}","message":"x"}`)).kind, 'client-error', t);
  }
});

test('ignores a code/message pair inside a successful JSON body', () => {
  assert.deepEqual(c.classify(json(200, '{"code":"Accepted","message":"queued","Items":[]}')), { kind: 'ok' });
  assert.deepEqual(c.classify(json(200, '{"code":"InvalidInput"}')), { kind: 'ok' });
});

test('finds __type in a truncated prefix', () => {
  assert.deepEqual(c.classify(json(500, '{"__type":"com.amazonaws#InternalFailure","message":"' + 'x'.repeat(40), false)), {
    kind: 'cloud-error',
    provider: 'aws',
    code: 'InternalFailure',
  });
});
