import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createClassifier } from '../classify/index.js';
import { aws, tencent } from './index.js';
import { inspect } from './inspect.js';

const json = { 'content-type': 'application/json' };
const tencentError = (code: string) => JSON.stringify({ Response: { Error: { Code: code, Message: 'm' }, RequestId: 'r' } });

describe('inspect: does a response count against its host', () => {
  it('counts 5xx (with its Retry-After) and 429 only with Retry-After', async () => {
    assert.deepEqual(await inspect(new Response('x', { status: 502 }), undefined), { kind: 'status', status: 502 });
    assert.deepEqual(await inspect(new Response('x', { status: 503, headers: { 'retry-after': '7' } }), undefined), {
      kind: 'status', status: 503, retryAfter: 7000,
    });
    assert.deepEqual(await inspect(new Response('x', { status: 429, headers: { 'retry-after': '1' } }), undefined), {
      kind: 'status', status: 429, retryAfter: 1000,
    });
    assert.equal(await inspect(new Response('x', { status: 429 }), undefined), undefined);
    assert.equal(await inspect(new Response('x', { status: 404 }), [tencent]), undefined);
  });

  it('finds a cloud error envelope with the gateway\'s classifiers and leaves the body whole for the caller', async () => {
    const res = new Response(tencentError('InternalError'), { headers: json });
    assert.deepEqual(await inspect(res, [tencent]), { kind: 'envelope', status: 200, provider: 'tencent', code: 'InternalError' });
    assert.equal(await res.text(), tencentError('InternalError'));
    assert.equal(await inspect(new Response(tencentError('RequestLimitExceeded'), { headers: json }), [tencent]), undefined, 'throttling is the caller\'s');
  });

  it('runs the providers in order and only on bodies that can carry an envelope', async () => {
    const awsBody = JSON.stringify({ __type: 'com.amazonaws#InternalFailure', message: 'x' });
    assert.equal((await inspect(new Response(awsBody, { headers: json }), [tencent, aws]))?.kind, 'envelope');
    assert.equal(await inspect(new Response(tencentError('InternalError'), { headers: { 'content-type': 'image/png' } }), [tencent]), undefined);
    assert.equal(await inspect(new Response(tencentError('InternalError'), { headers: json }), undefined), undefined, 'no classify option');
    assert.equal(await inspect(new Response(null, { status: 204 }), [tencent]), undefined);
  });

  it('reads only an 8 KiB prefix of a large body and scans it as truncated JSON', async () => {
    const big = `{"Response":{"Error":{"Code":"InternalError","Message":"m"},"Pad":"${'x'.repeat(100_000)}"}}`;
    const res = new Response(big, { headers: json });
    assert.deepEqual(await inspect(res, [tencent]), { kind: 'envelope', status: 200, provider: 'tencent', code: 'InternalError' });
    assert.equal((await res.text()).length, big.length);
  });

  it('takes a Classifier from createClassifier (by name, XML, custom rules)', async () => {
    const c = createClassifier({ providers: ['aws'], rules: [{ name: 'legacy', status: undefined, jsonPath: '$.ok', matches: undefined, equals: ['false'] }] });
    const xml = '<?xml version="1.0"?><Error><Code>InternalError</Code><Message>x</Message></Error>';
    assert.equal((await inspect(new Response(xml, { headers: { 'content-type': 'application/xml' } }), c))?.kind, 'envelope');
    assert.deepEqual(await inspect(new Response('{"ok":false}', { headers: json }), c), { kind: 'envelope', status: 200, provider: 'legacy', code: 'false' });
  });

  it('never lets a classifier that throws break the request', async () => {
    const boom = () => {
      throw new Error('bug');
    };
    assert.equal(await inspect(new Response('{}', { headers: json }), [boom]), undefined);
  });
});
