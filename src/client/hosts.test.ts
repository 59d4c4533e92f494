import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { hostBook, type HostBook } from './hosts.js';
import { memoryStore } from './store.js';
import type { ClientEvent } from './types.js';

const [A, B, C] = ['https://a.example', 'https://b.example', 'https://c.example'];
const T0 = 1_700_000_000_000;

function book(base = 1000, max = 8000) {
  const store = memoryStore();
  const events: ClientEvent[] = [];
  return { b: hostBook({ hosts: [A, B, C], store, hostBackoff: [base, max] }, (e) => events.push(e)), store, events };
}
/** The order a request walks the hosts in: pick after pick, each host once (`?` marks a probe). */
function order(b: HostBook, safe: boolean): string[] {
  const tried: string[] = [];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const p = b.pick(tried, safe);
    tried.push(p.host);
    out.push(p.probe ? `${p.host}?` : p.host);
  }
  return out;
}

beforeEach(() => mock.timers.enable({ apis: ['Date'], now: T0 }));
afterEach(() => mock.timers.reset());

describe('host book', () => {
  it('keeps preference order for up hosts and puts down hosts last, soonest back first', () => {
    const { b } = book();
    b.fail(A, { kind: 'timeout' });
    mock.timers.tick(500);
    b.fail(B, { kind: 'timeout' });
    assert.deepEqual(order(b, true), [C, A, B]);
    b.fail(C, { kind: 'connect', message: 'refused' });
    assert.deepEqual(order(b, true), [A, B, C]);
  });

  it('offers a half-open host as a probe to safe requests only, and to one request at a time', () => {
    const { b, events } = book();
    b.fail(A, { kind: 'timeout' });
    mock.timers.tick(1000);
    assert.deepEqual(order(b, false), [B, C, A]);
    assert.deepEqual(order(b, true), [`${A}?`, B, C]);
    b.probe(A);
    assert.deepEqual(order(b, true), [B, C, A], 'a second request does not probe too');
    b.release(A);
    assert.deepEqual(order(b, true), [`${A}?`, B, C], 'an aborted probe frees the slot');
    assert.deepEqual(events.map((e) => e.type), ['host.down', 'host.probe']);
  });

  it('picks the best host not tried yet, or the best one again when all were tried', () => {
    const { b } = book();
    assert.equal(b.pick([], true).host, A);
    assert.equal(b.pick([A], true).host, B);
    assert.equal(b.pick([A, B, C], true).host, A);
  });

  it('caps the Retry-After floor at the maximum down period', () => {
    const { b, store } = book(1000, 8000);
    b.fail(A, { kind: 'status', status: 429, retryAfter: 3_600_000 });
    assert.equal(store.get(A)?.until, T0 + 8000);
    b.fail(B, { kind: 'status', status: 503, retryAfter: 5000 });
    assert.equal(store.get(B)?.until, T0 + 5000, 'longer than the 1 s backoff');
  });

  it('extends a down host to a later Retry-After without counting another strike', () => {
    const { b, store, events } = book();
    b.fail(A, { kind: 'timeout' });
    b.fail(A, { kind: 'status', status: 503, retryAfter: 4000 });
    assert.deepEqual(store.get(A), { until: T0 + 4000, strikes: 1 });
    assert.equal(events.length, 1);
  });

  it('reports each host as up, down or half-open', () => {
    const { b } = book();
    b.fail(A, { kind: 'timeout' });
    b.fail(B, { kind: 'timeout' });
    mock.timers.tick(1000);
    b.ok(B);
    b.fail(C, { kind: 'timeout' });
    assert.deepEqual(b.snapshot(), [
      { host: A, state: 'half-open', until: T0 + 1000, strikes: 1 },
      { host: B, state: 'up', until: 0, strikes: 0 },
      { host: C, state: 'down', until: T0 + 2000, strikes: 1 },
    ]);
  });
});
