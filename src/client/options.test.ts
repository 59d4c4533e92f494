import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, type ClientOptions } from './index.js';

const bad = (o: Partial<ClientOptions>, what: RegExp) =>
  assert.throws(() => createClient({ hosts: ['https://a.example'], ...o } as ClientOptions), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'DETOUR_CONFIG_INVALID');
    assert.match(e.message, what);
    return true;
  });

describe('createClient options', () => {
  it('names the option that is wrong', () => {
    bad({ hosts: [] }, /bad hosts/);
    bad({ hosts: ['ftp://a.example'] }, /bad hosts\[0\]/);
    bad({ hosts: ['https://a.example', 'not a url'] }, /bad hosts\[1\]/);
    bad({ hosts: ['https://a.example/api?x=1'] }, /bad hosts\[0\]/);
    bad({ hosts: ['https://a.example', 'https://a.example/'] }, /duplicate/);
    bad({ timeout: { perTry: '3 s' } }, /timeout\.perTry/);
    bad({ timeout: { total: -1 } }, /timeout\.total/);
    bad({ attempts: 0 }, /attempts/);
    bad({ retryBudget: 1.5 }, /retryBudget/);
    bad({ hostBackoff: { max: 'forever' } }, /hostBackoff\.max/);
    bad({ hedge: 100 }, /hedge/);
  });

  it('refuses credentials in a host URL and never echoes them', () => {
    assert.throws(
      () => createClient({ hosts: ['https://user:hunter2@a.example'] }),
      (e: Error) => /hosts\[0\]/.test(e.message) && !e.message.includes('hunter2'),
    );
  });

  it('keeps a base path, drops a trailing slash and joins paths with exactly one slash', async () => {
    const urls: string[] = [];
    const api = createClient({
      hosts: ['https://a.example/api/v2/'],
      fetch: async (url) => (urls.push(url), new Response('ok')),
    });
    await api.fetch('/orders');
    await api.fetch('orders?id=1');
    assert.deepEqual(urls, ['https://a.example/api/v2/orders', 'https://a.example/api/v2/orders?id=1']);
  });
});
