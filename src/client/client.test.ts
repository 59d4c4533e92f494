import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, isDetourError, memoryStore, tencent, type ClientEvent, type ClientOptions, type Interceptor } from './index.js';

// Unit tests of the request loop on fake timers (Date + setTimeout) with a scripted fetch: the
// integration tests (test/client.test.ts) run the same behaviours against real servers.

const A = 'https://api.example.com';
const B = 'https://api-backup.example.net';

type Behaviour =
  | 'ok'
  | 'refuse' // TypeError with cause.code ECONNREFUSED, as Node's fetch rejects
  | 'network' // TypeError without a cause, as browsers reject ("Failed to fetch")
  | 'hang' // never answers; rejects when the signal aborts, as fetch does
  | { delay: number; status?: number } // answers after `delay` ms (fake timers), 200 unless told
  | { status: number; body?: string; headers?: Record<string, string> };

interface Call {
  url: string;
  host: string;
  method: string;
  headers: Headers;
  signal: AbortSignal;
}

function fakeFetch(script: Record<string, Behaviour | Behaviour[]>) {
  const calls: Call[] = [];
  const fetch = (url: string, init: RequestInit): Promise<Response> => {
    const host = new URL(url).origin;
    const signal = init.signal as AbortSignal;
    calls.push({ url, host, method: init.method ?? 'GET', headers: new Headers(init.headers), signal });
    const s = script[host] ?? 'ok';
    const b = Array.isArray(s) ? (s.length > 1 ? s.shift()! : s[0]!) : s;
    if (b === 'refuse') return Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }));
    if (b === 'network') return Promise.reject(new TypeError('Failed to fetch'));
    if (b === 'hang') {
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
    }
    if (typeof b === 'object' && 'delay' in b) {
      return new Promise((resolve) => setTimeout(() => resolve(new Response(`late ${host}`, { status: b.status ?? 200 })), b.delay));
    }
    if (b === 'ok') return Promise.resolve(new Response(`hello from ${host}`, { status: 200 }));
    return Promise.resolve(new Response(b.body ?? '', { status: b.status, headers: b.headers ?? {} }));
  };
  return { fetch, calls };
}

/** Lets every pending promise chain run (setImmediate is not faked). */
const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};
async function advance(ms: number): Promise<void> {
  await flush();
  mock.timers.tick(ms);
  await flush();
}

function client(script: Record<string, Behaviour | Behaviour[]>, extra: Partial<ClientOptions> = {}) {
  const f = fakeFetch(script);
  const events: ClientEvent[] = [];
  const api = createClient({ hosts: [A, B], store: memoryStore(), fetch: f.fetch, ...extra });
  api.on((e) => events.push(e));
  const types = () => events.map((e) => e.type);
  return { api, events, types, calls: f.calls };
}

const T0 = 1_700_000_000_000;
beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: T0 }));
afterEach(() => {
  mock.timers.reset();
  mock.restoreAll();
});

describe('createClient: failover and host memory', () => {
  it('sends to the first host and keeps no state when it answers', async () => {
    const c = client({});
    const res = await c.api.fetch('/v1/orders?id=1');
    assert.equal(await res.text(), `hello from ${A}`);
    assert.deepEqual(c.calls.map((x) => x.url), [`${A}/v1/orders?id=1`]);
    assert.deepEqual(c.types(), ['attempt']);
    assert.deepEqual(c.api.hosts().map((h) => h.state), ['up', 'up']);
  });

  it('moves a POST to the backup after a connect failure: nothing reached the primary', async () => {
    const c = client({ [A]: 'refuse' });
    const res = await c.api.fetch('/v1/orders', { method: 'POST', body: '{"item":1}' });
    assert.equal(await res.text(), `hello from ${B}`);
    assert.deepEqual(c.calls.map((x) => [x.host, x.method]), [[A, 'POST'], [B, 'POST']]);
    assert.deepEqual(c.types(), ['attempt', 'failure', 'host.down', 'retry', 'attempt']);
    const retry = c.events.find((e) => e.type === 'retry');
    assert.deepEqual(retry, { type: 'retry', from: A, to: B, attempt: 2, delay: 0 }, 'a fresh host is tried at once');
  });

  it('does not resend a POST after a network error at an unknown stage, and names the host but not the path', async () => {
    const c = client({ [A]: 'network' });
    const err = await c.api.fetch('/v1/orders?token=s3cret', { method: 'POST', body: 'x' }).then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e,
    );
    assert.ok(isDetourError(err));
    assert.equal(err.code, 'DETOUR_UPSTREAM_RESET');
    assert.match(err.message, /api\.example\.com/);
    assert.doesNotMatch(err.message, /s3cret|orders/);
    assert.equal(c.calls.length, 1, 'the backup never saw the POST');
    assert.equal(c.api.hosts()[0]!.state, 'down', 'the host is still blamed');
  });

  it('resends a POST that carries an Idempotency-Key, and adds one (the same on every attempt) when asked', async () => {
    const own = client({ [A]: 'network' });
    await own.api.fetch('/pay', { method: 'POST', body: 'x', headers: { 'Idempotency-Key': 'k-1' } });
    assert.deepEqual(own.calls.map((x) => [x.host, x.headers.get('idempotency-key')]), [[A, 'k-1'], [B, 'k-1']]);

    const added = client({ [A]: 'network' }, { idempotencyKey: true });
    await added.api.fetch('/pay', { method: 'POST', body: 'x' });
    const keys = added.calls.map((x) => x.headers.get('idempotency-key'));
    assert.equal(keys.length, 2);
    assert.match(keys[0] ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(keys[0], keys[1]);

    const get = client({}, { idempotencyKey: true });
    await get.api.fetch('/read');
    assert.equal(get.calls[0]!.headers.get('idempotency-key'), null, 'idempotent methods need no key');
  });

  it('skips a down host until its backoff passes, then probes it (half-open) and brings it back', async () => {
    const c = client({ [A]: [{ status: 503 }, 'ok'] }, { hostBackoff: { base: '10s', max: '5m' } });
    await c.api.fetch('/a');
    const down = c.events.find((e) => e.type === 'host.down');
    assert.deepEqual(down, { type: 'host.down', host: A, until: T0 + 10_000, strikes: 1, failure: { kind: 'status', status: 503 } });

    await c.api.fetch('/b');
    assert.deepEqual(c.calls.map((x) => x.host), [A, B, B], 'the second request went straight to the backup');

    await advance(10_000);
    assert.equal(c.api.hosts()[0]!.state, 'half-open');
    const res = await c.api.fetch('/c');
    assert.equal(await res.text(), `hello from ${A}`);
    assert.deepEqual(c.types().slice(-3), ['host.probe', 'attempt', 'host.up']);
    assert.deepEqual(c.events.at(-2), { type: 'attempt', host: A, attempt: 1, hedge: false, probe: true });
    assert.equal(c.api.hosts()[0]!.state, 'up');
  });

  it('doubles the down period when the probe fails, up to the maximum', async () => {
    const c = client({ [A]: 'refuse' }, { hostBackoff: { base: 1000, max: 3000 } });
    const strikes: Array<[number, number]> = [];
    c.api.on((e) => {
      if (e.type === 'host.down') strikes.push([e.strikes, e.until - Date.now()]);
    });
    for (let i = 0; i < 4; i++) {
      await c.api.fetch('/x');
      await advance(3000);
    }
    assert.deepEqual(strikes, [[1, 1000], [2, 2000], [3, 3000], [4, 3000]]);
  });

  it('only lets requests that may be resent probe a half-open host', async () => {
    const c = client({ [A]: ['refuse', 'ok'] }, { hostBackoff: { base: 1000 } });
    await c.api.fetch('/x');
    await advance(1000);
    await c.api.fetch('/order', { method: 'POST', body: 'x' });
    assert.equal(c.calls.at(-1)!.host, B, 'the POST went to the healthy backup');
    await c.api.fetch('/x');
    assert.equal(c.calls.at(-1)!.host, A, 'the GET probed the primary');
  });

  it('tries a down host anyway when every host is down, soonest back first', async () => {
    const c = client({ [A]: 'refuse', [B]: 'refuse' }, { attempts: 2 });
    await assert.rejects(c.api.fetch('/x'), { code: 'DETOUR_UPSTREAM_CONNECT' });
    c.calls.length = 0;
    await assert.rejects(c.api.fetch('/x'));
    assert.deepEqual(c.calls.map((x) => x.host), [A, B]);
  });

  it('counts failures of requests in flight together as one strike', async () => {
    const c = client({ [A]: 'hang' }, { timeout: { perTry: '1s' } });
    const ps = [c.api.fetch('/1'), c.api.fetch('/2'), c.api.fetch('/3')];
    await advance(1000);
    await Promise.all(ps);
    const downs = c.events.filter((e) => e.type === 'host.down');
    assert.equal(downs.length, 1);
    assert.equal(c.events.filter((e) => e.type === 'failure').length, 3);
  });
});

describe('createClient: what counts as a failure', () => {
  it('treats a Tencent InternalError inside HTTP 200 as a host failure; the caller never sees it', async () => {
    const envelope = JSON.stringify({ Response: { Error: { Code: 'InternalError', Message: 'An internal error has occurred.' }, RequestId: 'r1' } });
    const c = client({ [A]: { status: 200, body: envelope, headers: { 'content-type': 'application/json' } } }, { classify: [tencent] });
    const res = await c.api.fetch('/v1/DescribeInstances');
    assert.equal(await res.text(), `hello from ${B}`);
    const f = c.events.find((e) => e.type === 'failure');
    assert.deepEqual(f, { type: 'failure', host: A, attempt: 1, failure: { kind: 'envelope', status: 200, provider: 'tencent', code: 'InternalError' } });
  });

  it('hands a caller mistake in an envelope (AuthFailure) to the caller without blaming the host', async () => {
    const body = JSON.stringify({ Response: { Error: { Code: 'AuthFailure.SignatureFailure', Message: 'bad signature' }, RequestId: 'r2' } });
    const c = client({ [A]: { status: 200, body, headers: { 'content-type': 'application/json' } } }, { classify: [tencent] });
    const res = await c.api.fetch('/v1/x');
    assert.equal(await res.text(), body);
    assert.deepEqual(c.types(), ['attempt']);
  });

  it('uses Retry-After of a 429 as the floor of the down period; a 429 without it is the caller\'s', async () => {
    const c = client({ [A]: [{ status: 429, headers: { 'retry-after': '120' } }, { status: 429 }] }, { hostBackoff: { base: '1s', max: '1h' } });
    await c.api.fetch('/x');
    const down = c.events.find((e) => e.type === 'host.down');
    assert.equal(down?.type === 'host.down' && down.until, T0 + 120_000);

    const d = client({ [A]: { status: 429 } });
    const res = await d.api.fetch('/x');
    assert.equal(res.status, 429);
    assert.deepEqual(d.types(), ['attempt']);
  });

  it('returns the host\'s own 5xx, body intact, when the request cannot be resent', async () => {
    const c = client({ [A]: { status: 500, body: 'primary broke' } });
    const res = await c.api.fetch('/orders', { method: 'POST', body: 'x' });
    assert.equal(res.status, 500);
    assert.equal(await res.text(), 'primary broke');
    assert.equal(c.calls.length, 1);
  });

  it('returns the last host\'s answer when every attempt got a 5xx', async () => {
    const c = client({ [A]: { status: 502, body: 'a' }, [B]: { status: 503, body: 'b' } }, { attempts: 2 });
    const res = await c.api.fetch('/x');
    assert.equal(res.status, 503);
    assert.equal(await res.text(), 'b');
  });

  it('rejects with the error an interceptor throws, without blaming the host', async () => {
    const c = client({}, { interceptors: [() => () => Promise.reject(new RangeError('signing key missing'))] });
    await assert.rejects(c.api.fetch('/x'), RangeError);
    assert.deepEqual(c.types(), ['attempt']);
    assert.deepEqual(c.api.hosts().map((h) => h.state), ['up', 'up']);
  });
});

describe('createClient: time limits and abort', () => {
  it('fails an attempt after timeout.perTry, blames the host and tries the next one', async () => {
    const c = client({ [A]: 'hang' }, { timeout: { perTry: '2s', total: '10s' } });
    const p = c.api.fetch('/x');
    await advance(1999);
    assert.equal(c.calls.length, 1);
    await advance(1);
    assert.equal(await (await p).text(), `hello from ${B}`);
    assert.equal(c.calls[0]!.signal.aborted, true);
    assert.deepEqual(c.events.find((e) => e.type === 'failure'), { type: 'failure', host: A, attempt: 1, failure: { kind: 'timeout' } });
  });

  it('stops at timeout.total with DETOUR_TOTAL_TIMEOUT', async () => {
    const c = client({ [A]: 'hang', [B]: 'hang' }, { timeout: { perTry: '5s', total: '7s' } });
    const p = c.api.fetch('/x');
    const settled = p.catch((e: unknown) => e);
    await advance(5000);
    await advance(2000);
    const err = await settled;
    assert.ok(isDetourError(err));
    assert.equal(err.code, 'DETOUR_TOTAL_TIMEOUT');
    assert.equal(c.calls.length, 2);
    assert.ok(c.calls.every((x) => x.signal.aborted));
    assert.equal(c.events.filter((e) => e.type === 'failure').length, 1, 'the attempt cut by the deadline is not blamed');
  });

  it('rejects with the caller\'s abort reason and blames no host', async () => {
    const c = client({ [A]: 'hang' });
    const ac = new AbortController();
    const p = c.api.fetch('/x', { signal: ac.signal });
    await flush();
    const reason = new Error('user navigated away');
    ac.abort(reason);
    await assert.rejects(p, (e) => e === reason);
    assert.deepEqual(c.types(), ['attempt']);
    await assert.rejects(c.api.fetch('/x', { signal: ac.signal }), (e) => e === reason);
    assert.equal(c.calls.length, 1, 'an already aborted signal sends nothing');
  });

  it('waits a full-jitter backoff before going back to a host already tried', async () => {
    mock.method(Math, 'random', () => 0.5);
    const c = client({ [A]: ['refuse', 'ok'], [B]: 'refuse' }, { attempts: 3 });
    const p = c.api.fetch('/x');
    await flush();
    const retries = c.events.filter((e) => e.type === 'retry');
    // Retry 1 → fresh host B at once; retry 2 → back to A (soonest back), like the AWS SDK's second
    // retry: random × min(20 s, 100 ms × 2¹) = 0.5 × 200 ms.
    assert.deepEqual(retries.map((e) => e.type === 'retry' && [e.to, e.delay]), [[B, 0], [A, 100]]);
    assert.equal(c.calls.length, 2);
    await advance(99);
    assert.equal(c.calls.length, 2);
    await advance(1);
    assert.equal(c.calls.length, 3);
    assert.equal(await (await p).text(), `hello from ${A}`);
  });

  it('sends a stream body once: it cannot be replayed', async () => {
    const c = client({ [A]: 'refuse' });
    const body = new ReadableStream({ start: (ctl) => (ctl.enqueue(new TextEncoder().encode('x')), ctl.close()) });
    await assert.rejects(c.api.fetch('/upload', { method: 'PUT', body, duplex: 'half' } as RequestInit), { code: 'DETOUR_UPSTREAM_CONNECT' });
    assert.equal(c.calls.length, 1);
  });
});

describe('createClient: retry budget', () => {
  it('gets back the tokens of a retry that succeeded, so a working backup keeps the budget level', async () => {
    const c = client({ [A]: 'refuse', [B]: 'ok' }, { retryBudget: 5, hostBackoff: { base: 1, max: 1 } });
    for (let i = 0; i < 3; i++) {
      assert.equal(await (await c.api.fetch('/x')).text(), `hello from ${B}`);
      await advance(1); // the primary is half-open again: the next request probes it and is refused
    }
    assert.equal(c.events.filter((e) => e.type === 'retry').length, 3);
    assert.equal(c.events.filter((e) => e.type === 'budget.exhausted').length, 0);
  });

  it('drains on retries that fail too, then fails fast with DETOUR_RETRY_BUDGET_EXHAUSTED', async () => {
    const c = client({ [A]: 'refuse', [B]: 'refuse' }, { retryBudget: 10, attempts: 2 });
    for (let i = 0; i < 2; i++) await assert.rejects(c.api.fetch('/x'), { code: 'DETOUR_UPSTREAM_CONNECT' });
    assert.equal(c.calls.length, 4, 'two requests, each retried once (5 tokens each)');
    const err = await c.api.fetch('/x').catch((e: unknown) => e);
    assert.ok(isDetourError(err));
    assert.equal(err.code, 'DETOUR_RETRY_BUDGET_EXHAUSTED');
    assert.equal(c.calls.length, 5, 'the third request stopped on its first host');
    assert.deepEqual(c.events.at(-1), { type: 'budget.exhausted', host: A, tokens: 0 });
  });

  it('charges 10 tokens for a retry after a timeout', async () => {
    const c = client({ [A]: 'hang' }, { retryBudget: 9, timeout: { perTry: '1s' } });
    const p = c.api.fetch('/x');
    const settled = p.catch((e: unknown) => e);
    await advance(1000);
    assert.equal(((await settled) as { code?: string }).code, 'DETOUR_RETRY_BUDGET_EXHAUSTED');
    assert.equal(c.calls.length, 1);
  });
});

describe('createClient: hedging', () => {
  /** Eight requests answered by the primary after 10, 20 … 80 ms: the latency samples hedging needs. */
  async function warm(c: ReturnType<typeof client>, script: Record<string, Behaviour | Behaviour[]>): Promise<void> {
    for (let i = 1; i <= 8; i++) {
      script[A] = { delay: i * 10 };
      const p = c.api.fetch('/warm');
      await advance(i * 10);
      await p;
    }
  }

  it('sends a slow GET to the next host too after the latency percentile; the first answer wins, the other is cancelled', async () => {
    const script: Record<string, Behaviour | Behaviour[]> = {};
    const c = client(script, { hedge: 50 });
    await warm(c, script);
    script[A] = 'hang';
    c.events.length = 0;
    c.calls.length = 0;
    const p = c.api.fetch('/slow');
    await advance(39);
    assert.equal(c.calls.length, 1, 'no hedge before the p50 of 10..80 ms (40 ms)');
    await advance(1);
    assert.equal(await (await p).text(), `hello from ${B}`);
    assert.deepEqual(c.types(), ['attempt', 'hedge', 'attempt']);
    assert.deepEqual(c.events[1], { type: 'hedge', from: A, to: B, after: 40 });
    assert.equal(c.calls[0]!.signal.aborted, true, 'the slow attempt was cancelled');
    await flush();
    assert.deepEqual(c.api.hosts().map((h) => h.state), ['up', 'up'], 'losing a race is not a failure');
  });

  it('keeps waiting for the hedge when the first attempt fails meanwhile, and blames only the host that failed', async () => {
    const script: Record<string, Behaviour | Behaviour[]> = {};
    const c = client(script, { hedge: 50 });
    await warm(c, script);
    script[A] = { delay: 100, status: 503 };
    script[B] = { delay: 200 };
    c.events.length = 0;
    const p = c.api.fetch('/slow');
    await advance(40);
    await advance(60);
    await advance(140);
    assert.equal(await (await p).text(), `late ${B}`);
    assert.deepEqual(c.types(), ['attempt', 'hedge', 'attempt', 'failure', 'host.down']);
    assert.deepEqual(c.api.hosts().map((h) => h.state), ['down', 'up']);
  });

  it('never hedges a POST, and hedges nothing before it has 8 latency samples', async () => {
    const script: Record<string, Behaviour | Behaviour[]> = { [A]: { delay: 1000 } };
    const cold = client(script, { hedge: true });
    const p = cold.api.fetch('/x');
    await advance(1000);
    await p;
    assert.deepEqual(cold.types(), ['attempt']);

    const c = client(script, { hedge: true });
    await warm(c, script);
    script[A] = { delay: 1000 };
    c.calls.length = 0;
    const q = c.api.fetch('/order', { method: 'POST', body: 'x' });
    await advance(1000);
    await q;
    assert.equal(c.calls.length, 1);
  });

  it('takes retry-budget tokens for a hedge, and does not hedge without them', async () => {
    const script: Record<string, Behaviour | Behaviour[]> = {};
    const c = client(script, { hedge: 50, retryBudget: 4 });
    await warm(c, script);
    script[A] = { delay: 500 };
    c.events.length = 0;
    const p = c.api.fetch('/slow');
    await advance(500);
    assert.equal(await (await p).text(), `late ${A}`);
    assert.deepEqual(c.types(), ['attempt', 'budget.exhausted']);
  });
});

describe('createClient: interceptors', () => {
  it('lets an interceptor see every attempt with its host and re-sign it, without leaking into the next attempt', async () => {
    const seen: Array<[string, number]> = [];
    const sign: Interceptor = (next) => (r) => {
      seen.push([r.host, r.attempt]);
      if (r.host === A) r.init.headers.set('x-signed-for-a', '1');
      r.init.headers.set('authorization', `sig for ${new URL(r.host).hostname}`);
      return next(r);
    };
    const c = client({ [A]: 'refuse' }, { interceptors: [sign] });
    await c.api.fetch('/x', { headers: { 'x-app': 'web' } });
    assert.deepEqual(seen, [[A, 1], [B, 2]]);
    assert.deepEqual(c.calls.map((x) => [x.headers.get('authorization'), x.headers.get('x-signed-for-a'), x.headers.get('x-app')]), [
      ['sig for api.example.com', '1', 'web'],
      ['sig for api-backup.example.net', null, 'web'],
    ]);
  });
});
