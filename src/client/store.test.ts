import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, localStore, memoryStore } from './index.js';
import { defaultStore } from './store.js';

// The real localStorage is exercised in Chromium (test/client-browser.test.ts); here a Map-backed
// stand-in with the Web Storage method shapes checks the guards that a browser rarely triggers.
class FakeStorage {
  m = new Map<string, string>();
  failWrites = false;
  getItem(k: string): string | null {
    return this.m.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    if (this.failWrites) throw new DOMException('quota', 'QuotaExceededError');
    this.m.set(k, v);
  }
  removeItem(k: string): void {
    this.m.delete(k);
  }
}

const g = globalThis as { localStorage?: unknown };
afterEach(() => delete g.localStorage);

describe('host stores', () => {
  it('has no localStorage store where there is no localStorage, or where touching it throws', () => {
    assert.equal(localStore(), undefined);
    Object.defineProperty(g, 'localStorage', {
      configurable: true,
      get() {
        throw new DOMException('denied', 'SecurityError'); // sandboxed iframe, storage disabled
      },
    });
    assert.equal(localStore(), undefined);
  });

  it('keeps one key per host in localStorage, shared by every store on the page', () => {
    const ls = new FakeStorage();
    g.localStorage = ls;
    const s1 = localStore()!;
    s1.set('https://a', { until: 5, strikes: 1 });
    assert.equal(ls.getItem('detour:https://a'), '{"until":5,"strikes":1}');
    assert.deepEqual(localStore()!.get('https://a'), { until: 5, strikes: 1 });
    s1.set('https://a', undefined);
    assert.equal(ls.m.size, 0);
  });

  it('reads tampered records as numbers or zero, and garbage as nothing', () => {
    const ls = new FakeStorage();
    g.localStorage = ls;
    ls.m.set('detour:https://a', '{"until":"x","strikes":2}');
    ls.m.set('detour:https://b', 'not json');
    const s = localStore()!;
    assert.deepEqual(s.get('https://a'), { until: 0, strikes: 2 });
    assert.equal(s.get('https://b'), undefined);
  });

  it('falls back to memory when a write fails (quota, private mode)', () => {
    const ls = new FakeStorage();
    g.localStorage = ls;
    const s = localStore()!;
    ls.failWrites = true;
    s.set('https://a', { until: 9, strikes: 1 });
    assert.deepEqual(s.get('https://a'), { until: 9, strikes: 1 });
    ls.failWrites = false;
    s.set('https://a', undefined);
    assert.equal(s.get('https://a'), undefined);
  });

  it('shares one memory store between every client of a Node process by default', async () => {
    assert.equal(defaultStore(), defaultStore());
    const hosts = ['http://primary.invalid', 'http://backup.invalid'];
    const seen: string[] = [];
    const fetch = async (url: string): Promise<Response> => {
      seen.push(url);
      if (url.startsWith(hosts[0]!)) throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
      return new Response('ok');
    };
    await createClient({ hosts, fetch }).fetch('/a');
    await createClient({ hosts, fetch }).fetch('/b');
    assert.deepEqual(seen, ['http://primary.invalid/a', 'http://backup.invalid/a', 'http://backup.invalid/b']);
    defaultStore().set(hosts[0]!, undefined);
  });

  it('keeps separate memory stores apart', () => {
    const a = memoryStore();
    a.set('h', { until: 1, strikes: 1 });
    assert.equal(memoryStore().get('h'), undefined);
  });
});
