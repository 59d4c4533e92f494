import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClassifier } from './index.js';
import type { ClassifyInput } from './index.js';

const c = createClassifier({ providers: ['huawei'], rules: [] })!;
const json = (status: number, body: string, complete = true): ClassifyInput => ({ status, contentType: 'application/json;charset=UTF-8', body, complete });
const gw = (code: string, msg: string) => JSON.stringify({ error_code: code, error_msg: msg, request_id: 'b8c1b0b0a2c5e4f1' });

test('treats an API Gateway Backend unavailable envelope on 502 as a cloud error and keeps its request_id', () => {
  assert.deepEqual(c.classify(json(502, gw('APIGW.0201', 'Backend unavailable.'))), {
    kind: 'cloud-error',
    provider: 'huawei',
    code: 'APIGW.0201',
    message: 'Backend unavailable.',
    requestId: 'b8c1b0b0a2c5e4f1',
  });
  assert.equal(c.classify(json(504, gw('APIGW.0201', 'Backend timeout.'))).kind, 'cloud-error');
});

test('counts the same APIGW.0201 code on 400 as the caller', () => {
  assert.deepEqual(c.classify(json(400, gw('APIGW.0201', 'API request error.'))), { kind: 'client-error', provider: 'huawei', code: 'APIGW.0201' });
});

test('counts authentication and throttling gateway codes as client errors', () => {
  assert.equal(c.classify(json(401, gw('APIGW.0301', 'Incorrect IAM authentication information.'))).kind, 'client-error');
  assert.equal(c.classify(json(429, gw('APIGW.0308', 'The throttling threshold has been reached.'))).kind, 'client-error');
});

test('treats a service internal error answered with 500 as a cloud error', () => {
  const body = '{\n    "error_msg": "Internal error of App Security",\n    "error_code": "DevSecurity.01000000"\n}';
  assert.equal(c.classify(json(500, body)).kind, 'cloud-error');
});

test('reads the camelCase errorCode/errorMsg variant', () => {
  assert.equal(c.classify(json(500, '{"errorMsg":"Internal error.","errorCode":"ASM.01500001"}')).kind, 'cloud-error');
  assert.deepEqual(c.classify(json(400, '{"errorMsg":"Invalid request.","errorCode":"ASM.01400001"}')), { kind: 'client-error', provider: 'huawei', code: 'ASM.01400001' });
});

test('reads the nested error object, including numeric Keystone codes', () => {
  assert.deepEqual(c.classify(json(401, '{"error":{"code":401,"message":"The request you have made requires authentication.","title":"Unauthorized"}}')), {
    kind: 'client-error',
    provider: 'huawei',
    code: '401',
  });
  assert.equal(c.classify(json(503, '{"error":{"code":"VPC.0500","message":"System busy"}}')).kind, 'cloud-error');
});

test('keeps an error envelope answered with 200 as a client error', () => {
  assert.equal(c.classify(json(200, gw('OSM.01010001', 'Param validation fail.'))).kind, 'client-error');
});

test('reports success codes and plain bodies as ok', () => {
  assert.deepEqual(c.classify(json(200, '{"error_code":"0","error_msg":"success","data":[]}')), { kind: 'ok' });
  assert.deepEqual(c.classify(json(200, '{"servers":[{"id":"x","status":"ACTIVE"}],"error":null}')), { kind: 'ok' });
});

test('treats OBS XML InternalError as a cloud error', () => {
  const obs = (code: string) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n<Code>${code}</Code>\n<Message>m</Message>\n<Resource>/example-bucket/object</Resource>\n` +
    `<RequestId>001B21A61C6C0000013402C4616D5285</RequestId>\n<HostId>RkRCRDJENDc5</HostId>\n</Error>`;
  const input = (status: number, code: string): ClassifyInput => ({ status, contentType: 'application/xml', body: obs(code), complete: true });
  assert.equal(c.classify(input(500, 'InternalError')).kind, 'cloud-error');
  assert.deepEqual(c.classify(input(404, 'NoSuchKey')), { kind: 'client-error', provider: 'huawei', code: 'NoSuchKey' });
});

test('finds the error code in a truncated prefix', () => {
  assert.deepEqual(c.classify(json(503, '{"error_msg":"' + 'y'.repeat(30) + '","error_code":"APIGW.0201","request_id":"ab', false)), {
    kind: 'cloud-error',
    provider: 'huawei',
    code: 'APIGW.0201',
  });
  assert.equal(c.classify(json(500, '{"error": {"message": "x", "code": "SVC.500', false)).kind, 'ok'); // code value cut: nothing to read
  assert.equal(c.classify(json(500, '{"error": {"message": "x", "code": "SVC.5001", "det', false)).kind, 'cloud-error');
});
