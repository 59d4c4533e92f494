/**
 * The DNS controller end to end: `detour start`'s gateway with the DNS feature, values probed
 * over real HTTP, two real BIND 9 primaries as providers (RFC 2136 + TSIG), answers checked
 * with dig. Measures the time from an endpoint failure to every provider updated.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dnsFeatures } from '../src/dns/index.js';
import { parseConfig } from '../src/config/index.js';
import type { DetourEvent } from '../src/model/index.js';
import { gateway, get, type TestGateway } from './support/servers.js';
import { startBind, type Bind } from './dns-bind.js';

type Ev<T extends DetourEvent['type']> = Extract<DetourEvent, { type: T }>;

/** A health endpoint on 127.0.0.x:port that can be taken down and brought back. */
class Origin {
  server: Server | undefined;
  constructor(readonly host: string, public port = 0) {}
  async up(): Promise<void> {
    const s = createServer((_req, res) => res.end('ok'));
    s.listen(this.port, this.host);
    await once(s, 'listening');
    this.port = (s.address() as AddressInfo).port;
    this.server = s;
  }
  async down(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections(); });
  }
}

describe('DNS failover through two RFC 2136 providers (real BIND, real health checks)', () => {
  const zone = 'example.test';
  let a: Bind;
  let b: Bind;
  let dir: string;
  let tg: TestGateway;
  const origins = [new Origin('127.0.0.2'), new Origin('127.0.0.3'), new Origin('127.0.0.4')];
  const name = `api.${zone}`;
  const digBoth = async (): Promise<[string[], string[]]> => [await a.dig(name, 'A'), await b.dig(name, 'A')];
  const synced = (provider: string, afterAt: number) => (e: DetourEvent): e is Ev<'dns.provider'> =>
    e.type === 'dns.provider' && e.provider === provider && e.ok && e.changes > 0 && e.at >= afterAt;

  before(async () => {
    [a, b] = await Promise.all([startBind({ zone }), startBind({ zone })]);
    dir = await mkdtemp(join(tmpdir(), 'detour-dns-'));
    await origins[0]!.up();
    for (const o of origins.slice(1)) {
      o.port = origins[0]!.port;
      await o.up();
    }
    const yaml = `
listen: 127.0.0.1:0
admin: { listen: 127.0.0.1:0, token: t0ken }
dns:
  zone: ${zone}
  ttl: 30
  owner: test
  audit: { path: ${join(dir, 'audit.jsonl')} }
  reconcile: { interval: 30s, timeout: 3s, backoff: 200ms, maxBackoff: 1s }
  providers:
    - { name: own-a, type: rfc2136, server: 127.0.0.1:${a.port}, timeout: 2s, tsig: { name: ${a.key.name}, secret: \${KEY_A} } }
    - { name: own-b, type: rfc2136, server: 127.0.0.1:${b.port}, timeout: 2s, tsig: { name: ${b.key.name}, secret: \${KEY_B} } }
  records:
    - name: api
      type: A
      health: { url: "http://{value}:${origins[0]!.port}/healthz", interval: 1s, timeout: 800ms, unhealthyThreshold: 2, healthyThreshold: 2 }
      pools:
        - { priority: 0, values: [127.0.0.2, 127.0.0.3] }
        - { priority: 1, values: [127.0.0.4] }
`;
    const env = { KEY_A: a.key.secret, KEY_B: b.key.secret };
    const cfg = parseConfig(yaml, 'test.yaml', env);
    tg = await gateway(yaml, { features: dnsFeatures(cfg, (await import('../src/common/index.js')).silentLogger) }, env);
  });

  after(async () => {
    await tg?.stop();
    await Promise.all([a?.stop(), b?.stop(), ...origins.map((o) => o.down())]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('publishes the healthy values of the best pool to every provider at start', async () => {
    await tg.waitFor(synced('own-a', 0), 15_000);
    await tg.waitFor(synced('own-b', 0), 15_000);
    // On a loaded machine a first check can time out and withdraw a value for a moment: wait for the steady state.
    for (let i = 0; i < 100 && (await digBoth()).flat().length !== 4; i++) await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(await digBoth(), [['127.0.0.2', '127.0.0.3'], ['127.0.0.2', '127.0.0.3']]);
    assert.deepEqual(await a.dig(`_detour-a.${name}`, 'TXT'), ['heritage=detour,detour/owner=test']);
  });

  it('withdraws a failed value from every provider within check cycle + threshold + API latency (measured)', async (t) => {
    const t0 = Date.now();
    await origins[0]!.down();
    const answer = await tg.waitFor((e): e is Ev<'dns.answer'> => e.type === 'dns.answer' && e.at >= t0 && e.to.join() === '127.0.0.3', 15_000);
    const [ea, eb] = await Promise.all([tg.waitFor(synced('own-a', t0), 15_000), tg.waitFor(synced('own-b', t0), 15_000)]);
    assert.deepEqual(await digBoth(), [['127.0.0.3'], ['127.0.0.3']]);
    const detect = answer.at - t0;
    const total = Math.max(ea.at, eb.at) - t0;
    t.diagnostic(`failure → answer changed: ${detect} ms; → own-a updated: ${ea.at - t0} ms; → own-b updated: ${eb.at - t0} ms (API latency ${total - detect} ms)`);
    console.log(`DNS-FAILOVER-MEASURED detect=${detect}ms providers=${total}ms api=${total - detect}ms`);
  });

  it('keeps converging the reachable provider while the other one is down, then catches that one up', async () => {
    const t0 = Date.now();
    b.pause(); // own-b's server stops answering: its updates time out
    await origins[1]!.down(); // pool 0 is now empty: fail over to 127.0.0.4
    await tg.waitFor(synced('own-a', t0), 15_000);
    assert.deepEqual(await a.dig(name, 'A'), ['127.0.0.4']);
    const failed = await tg.waitFor((e): e is Ev<'dns.provider'> => e.type === 'dns.provider' && e.provider === 'own-b' && !e.ok && e.at >= t0, 15_000);
    assert.equal(failed.code, 'DETOUR_DNS_PROVIDER_UNAVAILABLE');
    const status = JSON.parse((await get(`${tg.adminUrl}/api/dns`, { headers: { authorization: 'Bearer t0ken' } })).text) as {
      records: Array<{ name: string; answer: string[] }>;
      providers: Array<{ name: string; state: string; lastSuccess: number | null; lastError: { code: string } | null; pending: Array<{ op: string; after?: { values: string[] } }> }>;
    };
    assert.deepEqual(status.records[0]?.answer, ['127.0.0.4']);
    const [sa, sb] = status.providers;
    assert.equal(sa?.state, 'in-sync');
    assert.deepEqual(sa?.pending, []);
    assert.notEqual(sb?.state, 'in-sync');
    assert.equal(sb?.lastError?.code, 'DETOUR_DNS_PROVIDER_UNAVAILABLE');
    assert.ok((sb?.lastSuccess ?? 0) < t0, 'own-b last succeeded before it went down');
    assert.deepEqual(sb?.pending.map((c) => [c.op, c.after?.values]), [['update', ['127.0.0.4']]]);

    const back = Date.now();
    b.resume();
    const caught = await tg.waitFor(synced('own-b', back), 15_000);
    assert.ok(caught.at >= back);
    assert.deepEqual(await b.dig(name, 'A'), ['127.0.0.4']);
  });

  it('restores the primary pool only after healthyThreshold passing checks, on every provider', async () => {
    const t0 = Date.now();
    await origins[0]!.up();
    await origins[1]!.up();
    // The two values come back one after the other; wait for the answer that has both.
    const answer = await tg.waitFor((e): e is Ev<'dns.answer'> => e.type === 'dns.answer' && e.at >= t0 && e.to.join() === '127.0.0.2,127.0.0.3', 15_000);
    await Promise.all([tg.waitFor(synced('own-a', answer.at), 15_000), tg.waitFor(synced('own-b', answer.at), 15_000)]);
    // A round that started just before the answer changed may report first; the next one follows at once.
    for (let i = 0; i < 50 && (await digBoth()).flat().length !== 4; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await digBoth(), [['127.0.0.2', '127.0.0.3'], ['127.0.0.2', '127.0.0.3']]);
    const passes = tg.events.filter((e) => e.type === 'dns.observation' && e.at >= t0 && e.healthy);
    assert.ok(passes.length >= 1);
  });

  it('audits every change with who, why and before/after, one JSON object per line', async () => {
    const lines = (await readFile(join(dir, 'audit.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const failover = lines.find((l) => l['provider'] === 'own-a' && l['op'] === 'update' && (l['after'] as { values: string[] }).values.join() === '127.0.0.3');
    assert.ok(failover, 'the failover update is in the audit log');
    assert.match(String(failover['actor']), /^controller /);
    assert.match(String(failover['reason']), /down 127\.0\.0\.2/);
    assert.deepEqual((failover['before'] as { values: string[] }).values, ['127.0.0.2', '127.0.0.3']);
    assert.equal(failover['result'], 'ok');
    const atOf = (provider: string): number => Date.parse(String(lines.find((l) => l['provider'] === provider && l['op'] === 'update' && (l['after'] as { values: string[] }).values.join() === '127.0.0.4')?.['at']));
    assert.ok(atOf('own-b') > atOf('own-a'), 'own-b caught up with the same change later, audited on its own line');
  });
});
