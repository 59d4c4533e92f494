import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClassifier } from './index.js';
import type { ClassifyInput } from './index.js';

const c = createClassifier({ providers: ['aliyun'], rules: [] })!;
const json = (status: number, body: string, complete = true): ClassifyInput => ({ status, contentType: 'application/json;charset=utf-8', body, complete });
const xml = (status: number, body: string): ClassifyInput => ({ status, contentType: 'text/xml', body, complete: true });
const pop = (code: string, message = 'm') =>
  JSON.stringify({ RequestId: '6EBD1AC4-C34D-4AE1-963E-B688A228BE31', HostId: 'ecs.aliyuncs.com', Code: code, Message: message, Recommend: 'https://api.aliyun.com/troubleshoot?q=' + code });

test('treats an Aliyun JSON ServiceUnavailable envelope as a cloud error and keeps its RequestId', () => {
  assert.deepEqual(c.classify(json(503, pop('ServiceUnavailable', 'The request has failed due to a temporary failure of the server.'))), {
    kind: 'cloud-error',
    provider: 'aliyun',
    code: 'ServiceUnavailable',
    message: 'The request has failed due to a temporary failure of the server.',
    requestId: '6EBD1AC4-C34D-4AE1-963E-B688A228BE31',
  });
});

test('treats InternalError, its sub-codes, ServiceUnavailableTemporary, InternalFailure and UnknownError as cloud errors on any status', () => {
  for (const code of ['InternalError', 'InternalError.Dispatch', 'ServiceUnavailableTemporary', 'InternalFailure', 'UnknownError']) {
    assert.equal(c.classify(json(200, pop(code))).kind, 'cloud-error', code);
  }
});

test('treats the documented XML error envelope as a cloud error', () => {
  const body =
    '<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>540CFF28-407A-40B5-B6A5-74Bxxxxxxxxx</RequestId><HostId>ess.aliyuncs.com</HostId>' +
    '<Code>InternalError</Code><Message>The request processing has failed due to some unknown error, exception or failure.</Message></Error>';
  const v = c.classify(xml(500, body));
  assert.equal(v.kind, 'cloud-error');
  assert.equal(v.kind === 'cloud-error' && v.code, 'InternalError');
});

test('reads OSS XML errors with a namespace, EC and RecommendDoc', () => {
  const oss = (code: string) =>
    `<?xml version="1.0" ?>\n<Error xmlns="http://doc.oss-cn-hangzhou.aliyuncs.com">\n  <Code>${code}</Code>\n  <Message>m</Message>\n` +
    `  <RequestId>57ABD896CCB80C366955****</RequestId>\n  <HostId>oss-cn-hangzhou.aliyuncs.com</HostId>\n  <EC>0016-00000502</EC>\n` +
    `  <RecommendDoc>https://api.aliyun.com/troubleshoot?q=0016-00000502</RecommendDoc>\n</Error>`;
  assert.equal(c.classify(xml(500, oss('InternalError'))).kind, 'cloud-error');
  assert.deepEqual(c.classify(xml(403, oss('AccessDenied'))), { kind: 'client-error', provider: 'aliyun', code: 'AccessDenied' });
  assert.equal(c.classify(xml(503, oss('SlowDown'))).kind, 'client-error');
});

test('does not count Throttling.User against the cloud, even with Code as the last field', () => {
  const body =
    '{"RequestId":"9736ED45-A72D-5D19-8029-7B954391****","Message":"Request was denied due to user flow control.",' +
    '"Recommend":"https://next.api.aliyun.com/troubleshoot?q=Throttling.User&product=sae","HostId":"sae.cn-hangzhou.aliyuncs.com","Code":"Throttling.User"}';
  assert.deepEqual(c.classify(json(400, body)), { kind: 'client-error', provider: 'aliyun', code: 'Throttling.User' });
  assert.equal(c.classify(json(400, pop('Throttling'))).kind, 'client-error');
  assert.equal(c.classify(json(400, pop('Rejected.Throttling'))).kind, 'client-error');
});

test('counts caller mistakes as client errors', () => {
  for (const code of ['InvalidAccessKeyId.NotFound', 'SignatureDoesNotMatch', 'Forbidden.RAM', 'InvalidParameter', 'MissingParameter', 'InvalidAction.NotFound']) {
    assert.equal(c.classify(json(400, pop(code))).kind, 'client-error', code);
  }
});

test('treats an unknown code on a 5xx as a cloud error', () => {
  assert.equal(c.classify(json(502, pop('Gateway.Upstream'))).kind, 'cloud-error');
});

test('reports success-shaped bodies as ok', () => {
  assert.deepEqual(c.classify(json(200, '{"Message":"OK","RequestId":"F655A8D5-B967-440B-8683-DAD6FF8DE990","Code":"OK","BizId":"900619746936498440^0"}')), { kind: 'ok' });
  assert.deepEqual(c.classify(json(200, '{"RequestId":"r","Code":"200","Data":{"Code":"InternalError"}}')), { kind: 'ok' });
  assert.deepEqual(c.classify(json(200, '{"RequestId":"r","Success":true,"Code":"Anything"}')), { kind: 'ok' });
  assert.deepEqual(c.classify(json(200, '{"RequestId":"4C467B38-3910-447D-87BC-AC049166F216","Instances":{"Instance":[]}}')), { kind: 'ok' });
});

test('counts an SMS business error answered with 200 as a client error', () => {
  const body = '{"Message":"触发小时级流控Permits:5","RequestId":"r","Code":"isv.BUSINESS_LIMIT_CONTROL"}';
  assert.deepEqual(c.classify(json(200, body)), { kind: 'client-error', provider: 'aliyun', code: 'isv.BUSINESS_LIMIT_CONTROL' });
});

test('ignores a top-level Code without RequestId or HostId', () => {
  assert.deepEqual(c.classify(json(500, '{"Code":"InternalError"}')), { kind: 'ok' });
});

test('finds the code in a truncated prefix after other string members only', () => {
  const body = '{"RequestId":"r","HostId":"h","Message":"long ' + 'x'.repeat(50);
  assert.deepEqual(c.classify(json(503, body + '","Code":"ServiceUnavailable"', false)), { kind: 'cloud-error', provider: 'aliyun', code: 'ServiceUnavailable' });
  assert.deepEqual(c.classify(json(200, '{"RequestId":"r","Data":{"Code":"InternalError","Items":[' + 'x'.repeat(50), false)), { kind: 'ok' });
});
