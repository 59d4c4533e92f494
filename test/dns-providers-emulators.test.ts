/**
 * The emulators check what the real APIs check: a request the official SDK signed correctly but
 * that was changed on the way (one number in the body or the query) is refused with the
 * provider's signature error, and unsigned requests never reach the zone. Without this, the
 * adapter tests could pass against an emulator that merely looks at header shapes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDetourError } from '../src/errors/index.js';
import { CREDS, startCloud, ZONE, type Cloud, type CloudType } from './emulators/harness.js';

const never = new AbortController().signal;

/** Forwards to `target`, changing the first number in the query (or, without one, in the body) by one. */
async function tamperingProxy(target: string): Promise<{ url: string; close: () => Promise<void>; tampered: () => number }> {
  let count = 0;
  const bump = (s: string): string => s.replace(/\d+/, (d) => String(Number(d) === 0 ? 1 : Number(d) - 1));
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let path = req.url ?? '/';
      let body = Buffer.concat(chunks).toString('utf8');
      const q = path.indexOf('?');
      if (q >= 0 && /\d/.test(path.slice(q))) path = path.slice(0, q) + bump(path.slice(q));
      else if (/\d/.test(body)) body = bump(body);
      else {
        res.writeHead(500).end('nothing to tamper with');
        return;
      }
      count++;
      const headers = { ...req.headers, 'content-length': String(Buffer.byteLength(body)) };
      const fwd = request(`${target}${path}`, { method: req.method, headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      fwd.on('error', () => res.destroy());
      fwd.end(body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tampered: () => count,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

const SIGNATURE_ERROR: Record<Exclude<CloudType, 'cloudflare'>, RegExp> = {
  'tencent-dnspod': /AuthFailure\.SignatureFailure/,
  alibaba: /SignatureDoesNotMatch/,
  route53: /SignatureDoesNotMatch/,
};

for (const type of ['tencent-dnspod', 'alibaba', 'route53'] as const) {
  describe(`${type} emulator`, () => {
    let cloud: Cloud;
    before(async () => {
      cloud = await startCloud(type);
    });
    after(() => cloud.emulator.close());

    it('refuses a correctly signed request whose parameters were changed in transit', async () => {
      const proxy = await tamperingProxy(cloud.emulator.url);
      try {
        const e = await cloud.provider({ endpoint: proxy.url }).list(ZONE, [`api.${ZONE}`], never).then(
          () => assert.fail('a tampered request was accepted'),
          (err: unknown) => err,
        );
        assert.ok(isDetourError(e));
        assert.equal(e.code, 'DETOUR_DNS_PROVIDER_REJECTED');
        assert.match(e.message, SIGNATURE_ERROR[type]);
        assert.equal(proxy.tampered(), 1);
        // The same SDK call without the proxy passes: the signature itself was fine.
        assert.deepEqual(await cloud.provider().list(ZONE, [`api.${ZONE}`], never), []);
      } finally {
        await proxy.close();
      }
    });

    it('refuses a request without any signature', async () => {
      const r = await fetch(`${cloud.emulator.url}/`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-tc-action': 'DescribeRecordList', 'x-acs-action': 'DescribeDomainRecords' }, body: '{}' });
      const text = await r.text();
      assert.match(text, /AuthFailure\.InvalidAuthorization|IncompleteSignature/);
    });
  });
}

describe('cloudflare emulator', () => {
  let cloud: Cloud;
  before(async () => {
    cloud = await startCloud('cloudflare');
  });
  after(() => cloud.emulator.close());

  it('answers a malformed Authorization header with 400 code 6003/6111 and an unknown token with 403 code 10000', async () => {
    const url = `${cloud.emulator.url}/client/v4/zones/${CREDS.CF_ZONE_ID}/dns_records`;
    const malformed = await fetch(url, { headers: { authorization: 'Bearer short' } });
    assert.equal(malformed.status, 400);
    const m = (await malformed.json()) as { success: boolean; errors: Array<{ code: number; error_chain?: Array<{ code: number }> }> };
    assert.equal(m.success, false);
    assert.equal(m.errors[0]?.code, 6003);
    assert.equal(m.errors[0]?.error_chain?.[0]?.code, 6111);
    const unknown = await fetch(url, { headers: { authorization: `Bearer ${CREDS.WRONG}` } });
    assert.equal(unknown.status, 403);
    assert.equal(((await unknown.json()) as { errors: Array<{ code: number }> }).errors[0]?.code, 10000);
  });
});
