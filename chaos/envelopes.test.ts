import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createClassifier } from '../src/classify/index.js';
import { grayEnvelope, prng } from './upstream/envelopes.js';

describe('the gray failures the suite injects', () => {
  for (const provider of ['tencent', 'aliyun', 'aws'] as const) {
    it(`are ${provider} envelopes that Detour's ${provider} classifier calls a cloud error`, () => {
      const e = grayEnvelope(provider, 'req-1');
      const c = createClassifier({ providers: [provider], rules: [] })!;
      const v = c.classify({ status: e.status, contentType: e.contentType, body: e.body, complete: true });
      assert.equal(v.kind, 'cloud-error');
      assert.ok(v.kind === 'cloud-error' && v.code === 'InternalError');
    });
  }

  it('hide the Tencent failure from status-based proxies (HTTP 200) but not the Alibaba and AWS ones (HTTP 500)', () => {
    assert.equal(grayEnvelope('tencent', 'x').status, 200);
    assert.equal(grayEnvelope('aliyun', 'x').status, 500);
    assert.equal(grayEnvelope('aws', 'x').status, 500);
  });

  it('pick the same failing requests for the same seed, so every proxy meets the same sequence', () => {
    const a = prng(42);
    const b = prng(42);
    const xs = Array.from({ length: 100 }, () => a());
    assert.deepEqual(Array.from({ length: 100 }, () => b()), xs);
    const share = xs.filter((x) => x < 0.5).length;
    assert.ok(share > 30 && share < 70, `a 50% share picks about half (${share}/100)`);
  });
});
