/**
 * One `dns:` config, five providers: the four cloud APIs (local emulators of their documented
 * wire formats, driven through the official SDKs by the adapters) and a real BIND over RFC 2136,
 * all built by the config registry as `detour start` builds them. One provider's API fails with
 * its own InternalError envelope while an answer changes: the others converge, it catches up.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/common/index.js';
import { parseConfig } from '../src/config/index.js';
import { dnsFeatures } from '../src/dns/index.js';
import type { DetourEvent } from '../src/model/index.js';
import { startAlidnsEmulator, type AlidnsEmulator } from './emulators/alidns.js';
import { startCloudflareEmulator, type CloudflareEmulator } from './emulators/cloudflare.js';
import { startDnspodEmulator, type DnspodEmulator } from './emulators/dnspod.js';
import { startRoute53Emulator, type Route53Emulator } from './emulators/route53.js';
import type { SnapshotSet } from './emulators/snapshot.js';
import { waitUntil } from './emulators/server.js';
import { startBind, type Bind } from './dns-bind.js';
import { gateway, type TestGateway } from './support/servers.js';

type Ev<T extends DetourEvent['type']> = Extract<DetourEvent, { type: T }>;
const ZONE = 'example.com';
const API = `api.${ZONE}`;
const creds = {
  CF_TOKEN: 'cf-token-0123456789abcdefghijklmnopqrstu', CF_ZONE: '023e105f4ecef8ad9ca31a8372d0c353',
  TC_ID: 'AKIDexampleexampleexample', TC_KEY: 'tc-secret-key-0123456789',
  ALI_ID: 'LTAIexampleexample', ALI_KEY: 'ali-secret-0123456789',
  AWS_ID: 'AKIAEXAMPLEEXAMPLE', AWS_KEY: 'aws/secret/0123456789', R53_ZONE: 'Z1D633PJN98FT9',
};

describe('one dns config pushed to Cloudflare, DNSPod, Alidns, Route 53 (emulators) and BIND', () => {
  let cf: CloudflareEmulator;
  let tc: DnspodEmulator;
  let ali: AlidnsEmulator;
  let r53: Route53Emulator;
  let bind: Bind;
  let tg: TestGateway;
  let dir: string;
  const servers: Server[] = [];
  const api = (sets: SnapshotSet[]): SnapshotSet | undefined => sets.find((s) => s.name === API && s.type === 'A');
  const views = (): Record<string, () => SnapshotSet | undefined> => ({
    cf: () => api(cf.rrsets(creds.CF_ZONE)), dnspod: () => api(tc.rrsets(ZONE)), alidns: () => api(ali.rrsets(ZONE)), r53: () => api(r53.rrsets(creds.R53_ZONE)),
  });
  const synced = (provider: string, after: number) => (e: DetourEvent): e is Ev<'dns.provider'> => e.type === 'dns.provider' && e.provider === provider && e.ok && e.changes > 0 && e.at >= after;

  before(async () => {
    [cf, tc, ali, r53, bind] = await Promise.all([
      startCloudflareEmulator({ tokens: { [creds.CF_TOKEN]: [creds.CF_ZONE] }, zones: { [creds.CF_ZONE]: ZONE } }),
      startDnspodEmulator({ credentials: { [creds.TC_ID]: creds.TC_KEY }, zones: [ZONE] }),
      startAlidnsEmulator({ credentials: { [creds.ALI_ID]: creds.ALI_KEY }, zones: [ZONE] }),
      startRoute53Emulator({ credentials: { [creds.AWS_ID]: creds.AWS_KEY }, zones: { [creds.R53_ZONE]: ZONE } }),
      startBind({ zone: ZONE }),
    ]);
    dir = await mkdtemp(join(tmpdir(), 'detour-dns5-'));
    let port = 0;
    for (const host of ['127.0.0.2', '127.0.0.3']) {
      const s = createServer((_q, res) => res.end('ok')).listen(port, host);
      await once(s, 'listening');
      port = (s.address() as AddressInfo).port;
      servers.push(s);
    }
    const yaml = `
listen: 127.0.0.1:0
admin: { listen: 127.0.0.1:0, token: t }
dns:
  zone: ${ZONE}
  ttl: 60
  audit: { path: ${join(dir, 'audit.jsonl')} }
  reconcile: { interval: 30s, timeout: 15s, backoff: 200ms, maxBackoff: 1s }
  providers:
    - { name: cf, type: cloudflare, token: \${CF_TOKEN}, zoneId: \${CF_ZONE}, baseUrl: "${cf.baseURL}", timeout: 8s }
    - { name: dnspod, type: tencent-dnspod, secretId: \${TC_ID}, secretKey: \${TC_KEY}, endpoint: "${tc.url}", timeout: 8s }
    - { name: alidns, type: alibaba, accessKeyId: \${ALI_ID}, accessKeySecret: \${ALI_KEY}, endpoint: "${ali.url}", timeout: 8s }
    - { name: r53, type: route53, hostedZoneId: \${R53_ZONE}, accessKeyId: \${AWS_ID}, secretAccessKey: \${AWS_KEY}, endpoint: "${r53.url}", timeout: 8s }
    - { name: own, type: rfc2136, server: 127.0.0.1:${bind.port}, tsig: { name: ${bind.key.name}, secret: "${bind.key.secret}" } }
  records:
    - name: api
      type: A
      health: { url: "http://{value}:${port}/", interval: 1s, timeout: 800ms, unhealthyThreshold: 2, healthyThreshold: 2 }
      pools: [{ priority: 0, values: [127.0.0.2, 127.0.0.3] }]
`;
    const cfg = parseConfig(yaml, 'test.yaml', creds);
    tg = await gateway(yaml, { features: dnsFeatures(cfg, silentLogger) }, creds);
  });

  after(async () => {
    await tg?.stop();
    for (const s of servers) s.close();
    await Promise.all([cf?.close(), tc?.close(), ali?.close(), r53?.close(), bind?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('converges every provider, raising the TTL to each provider\'s minimum', async () => {
    for (const p of ['cf', 'dnspod', 'alidns', 'r53', 'own']) await tg.waitFor(synced(p, 0), 20_000);
    // A check that timed out while the SDKs loaded may have withdrawn a value for a moment: wait for the steady state.
    const v = views();
    await waitUntil(() => Object.values(v).every((get) => get()?.values.length === 2), 'every provider holds both values', 30_000);
    assert.deepEqual(v['cf']!(), { name: API, type: 'A', ttl: 60, values: ['127.0.0.2', '127.0.0.3'] });
    assert.deepEqual(v['dnspod']!(), { name: API, type: 'A', ttl: 600, values: ['127.0.0.2', '127.0.0.3'] }, 'DNSPod free plan: TTL ≥ 600');
    assert.deepEqual(v['alidns']!(), { name: API, type: 'A', ttl: 600, values: ['127.0.0.2', '127.0.0.3'] });
    assert.deepEqual(v['r53']!(), { name: API, type: 'A', ttl: 60, values: ['127.0.0.2', '127.0.0.3'] });
    for (let i = 0; i < 100 && (await bind.dig(API, 'A')).length !== 2; i++) await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(await bind.dig(API, 'A'), ['127.0.0.2', '127.0.0.3']);
  });

  it('while DNSPod answers InternalError, the other four converge; DNSPod catches up when it recovers', async (t) => {
    tc.faults.failNext(1_000_000, 'internal-error');
    const t0 = Date.now();
    servers[0]!.close();
    servers[0]!.closeAllConnections();
    const done = await Promise.all(['cf', 'alidns', 'r53', 'own'].map((p) => tg.waitFor(synced(p, t0), 20_000)));
    const answer = tg.events.find((e) => e.type === 'dns.answer' && e.at >= t0);
    const ms = done.map((e) => `${e.provider} ${e.at - t0} ms`).join(', ');
    t.diagnostic(`failure → answer changed ${answer ? answer.at - t0 : '?'} ms; → ${ms}`);
    console.log(`DNS-FAILOVER-MEASURED-FIVE detect=${answer ? answer.at - t0 : -1}ms last=${Math.max(...done.map((e) => e.at)) - t0}ms`);
    const v = views();
    for (const p of ['cf', 'alidns', 'r53']) assert.deepEqual(v[p]!()?.values, ['127.0.0.3'], p);
    assert.deepEqual(await bind.dig(API, 'A'), ['127.0.0.3']);
    const failure = await tg.waitFor((e): e is Ev<'dns.provider'> => e.type === 'dns.provider' && e.provider === 'dnspod' && !e.ok && e.at >= t0, 20_000);
    assert.equal(failure.code, 'DETOUR_DNS_PROVIDER_UNAVAILABLE');
    assert.match(failure.error ?? '', /InternalError/);
    assert.deepEqual(v['dnspod']!()?.values, ['127.0.0.2', '127.0.0.3'], 'nothing rolled back, nothing half-done there');
    const back = Date.now();
    tc.faults.clear();
    await tg.waitFor(synced('dnspod', back), 20_000);
    assert.deepEqual(v['dnspod']!()?.values, ['127.0.0.3']);
  });
});
