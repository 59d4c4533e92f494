import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { callApi, isNetworkError, retryableStatus, scrub, type CallContext } from './cloud-call.js';

const ctx = (over: Partial<CallContext> = {}): CallContext => ({
  provider: { name: 'p1', type: 'test' },
  timeoutMs: 5_000,
  secrets: ['s3cr3t/key+value'],
  classify: (e) => ({ retryable: false, detail: `said ${String((e as Error).message)}` }),
  ...over,
});
const never = new AbortController().signal;

describe('callApi', () => {
  it('returns what the SDK call returns', async () => {
    assert.equal(await callApi(ctx(), 'List', never, async () => 42), 42);
  });

  it('wraps an SDK failure as the classified DetourError, naming the provider and action, without the cause', async () => {
    await assert.rejects(
      callApi(ctx(), 'List', never, async () => {
        throw Object.assign(new Error('bad key s3cr3t/key+value and s3cr3t%2Fkey%2Bvalue'), { config: { secret: 's3cr3t/key+value' } });
      }),
      (e: unknown) => {
        const text = inspect(e, { depth: null, showHidden: true });
        assert.equal((e as { code: string }).code, 'DETOUR_DNS_PROVIDER_REJECTED');
        assert.match((e as Error).message, /^DNS provider "p1" \(test\) List failed: said bad key \[redacted\] and \[redacted\]$/);
        assert.equal((e as Error).cause, undefined);
        assert.ok(!text.includes('s3cr3t'), text);
        return true;
      },
    );
  });

  it('reports its own deadline as a retryable timeout even if the SDK ignores signals', async () => {
    await assert.rejects(
      callApi(ctx({ timeoutMs: 20 }), 'List', never, () => new Promise(() => {})),
      { code: 'DETOUR_DNS_PROVIDER_UNAVAILABLE', retryable: true, message: /List failed: timed out after 20 ms/ },
    );
  });

  it("reports the caller's abort, before the call and during it", async () => {
    const ac = new AbortController();
    ac.abort();
    let ran = false;
    await assert.rejects(callApi(ctx(), 'List', ac.signal, async () => (ran = true)), { retryable: true, message: /aborted by the caller/ });
    assert.equal(ran, false);
    const ac2 = new AbortController();
    const p = callApi(ctx(), 'List', ac2.signal, (s) => new Promise((_r, reject) => s.addEventListener('abort', () => reject(new Error('sdk abort')))));
    ac2.abort();
    await assert.rejects(p, { retryable: true, message: /aborted by the caller/ });
  });

  it('treats a throwing classifier as an unrecognized, retryable failure', async () => {
    const c = ctx({ classify: () => { throw new Error('oops'); } });
    await assert.rejects(callApi(c, 'List', never, async () => { throw new Error('x'); }), { retryable: true, message: /unrecognized failure/ });
  });
});

describe('helpers', () => {
  it('scrubs secrets of four characters or more, plain and URL-encoded', () => {
    assert.equal(scrub('a=abcd&b=ab%2Fcd', ['abcd', 'ab/cd', 'ab']), 'a=[redacted]&b=[redacted]');
  });

  it('counts 408, 429 and 5xx as "try again later", other statuses not', () => {
    assert.deepEqual([400, 401, 403, 404, 408, 409, 429, 500, 503].map(retryableStatus), [false, false, false, false, true, false, true, true, true]);
  });

  it('recognizes network failures by code, also inside a cause', () => {
    assert.equal(isNetworkError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })), true);
    assert.equal(isNetworkError(new Error('x', { cause: Object.assign(new Error('y'), { code: 'UND_ERR_SOCKET' }) })), true);
    assert.equal(isNetworkError(new Error('plain')), false);
  });
});
