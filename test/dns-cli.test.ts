import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { main } from '../src/cli/index.js';
import { startBind, type Bind } from './dns-bind.js';
import { deadPort, get } from './support/servers.js';
import { spawnCli } from './support/cli.js';

describe('detour dns plan / apply against a real BIND 9', () => {
  const zone = 'example.test';
  let bind: Bind;
  let dir: string;
  let dead: number;
  let backup: Server;

  const run = async (args: string[], yaml: string): Promise<{ code: number; out: string }> => {
    const file = join(dir, 'detour.yaml');
    await writeFile(file, yaml);
    const lines: string[] = [];
    const code = await main(['dns', ...args, '--config', file], (s) => lines.push(s));
    return { code, out: lines.join('\n') };
  };

  const config = (records: string, extra = ''): string => `
dns:
  zone: ${zone}
  owner: cli-test
  safety: { maxChangeShare: 0.4, minExisting: 2 }
  providers:
    - { name: own, type: rfc2136, server: 127.0.0.1:${bind.port}, tsig: { name: ${bind.key.name}, secret: "${bind.key.secret}" } }
${extra}
  records:
${records}
`;
  const base = `
    - { name: api, type: A, ttl: 120, values: [192.0.2.10, 192.0.2.11] }
    - { name: www, type: CNAME, values: [cdn-a.example.net] }
    - name: app
      type: A
      health: { url: "http://{value}:__DEAD__/healthz", interval: 5s, timeout: 2s }
      pools: [{ priority: 0, values: [127.0.0.1] }, { priority: 1, values: [127.0.0.5] }]
    - { name: manual, type: A, values: [192.0.2.50] }
`;

  before(async () => {
    bind = await startBind({ zone, records: ['manual IN A 192.0.2.200'] });
    dir = await mkdtemp(join(tmpdir(), 'detour-dns-cli-'));
    dead = await deadPort();
    // The backup value answers its check on the same port where the primary value refuses.
    backup = createServer((_q, res) => res.end('ok')).listen(dead, '127.0.0.5');
    await once(backup, 'listening');
  });
  after(async () => {
    await bind?.stop();
    backup?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('plan shows the per-provider diff, probes health, and writes nothing', async () => {
    const { code, out } = await run(['plan'], config(base.replace('__DEAD__', String(dead))));
    assert.equal(code, 0, out);
    assert.match(out, /answer app\.example\.test A: 127\.0\.0\.5 {2}\(priority 1: down 127\.0\.0\.1\)/);
    assert.match(out, /provider own \(rfc2136\), zone example\.test: 6 change\(s\) to make/);
    assert.match(out, /\+ api\.example\.test A 120 192\.0\.2\.10 192\.0\.2\.11/);
    assert.match(out, /\+ _detour-a\.api\.example\.test TXT 120 "heritage=detour,detour\/owner=cli-test" {2}\(ownership marker\)/);
    assert.match(out, /! left alone: manual\.example\.test A exists without Detour's ownership marker/);
    assert.deepEqual(await bind.dig(`api.${zone}`, 'A'), []);
  });

  it('apply writes the plan, leaves the unowned record alone, audits, and the next plan is in sync', async () => {
    const yaml = config(base.replace('__DEAD__', String(dead)));
    const { code, out } = await run(['apply'], yaml);
    assert.equal(code, 1, 'a record was left alone: apply did not reach the desired state');
    assert.match(out, /6 change\(s\) applied/);
    assert.deepEqual(await bind.dig(`api.${zone}`, 'A'), ['192.0.2.10', '192.0.2.11']);
    assert.deepEqual(await bind.dig(`www.${zone}`, 'CNAME'), ['cdn-a.example.net.']);
    assert.deepEqual(await bind.dig(`app.${zone}`, 'A'), ['127.0.0.5']);
    assert.deepEqual(await bind.dig(`manual.${zone}`, 'A'), ['192.0.2.200'], 'not owned: untouched');
    const audit = (await readFile(join(dir, 'detour-dns-audit.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(audit.length, 6);
    assert.match(String(audit[0]?.['actor']), /^detour dns apply \(.+@.+\)$/);
    assert.ok(audit.every((e) => e['result'] === 'ok' && e['provider'] === 'own' && typeof e['at'] === 'string'));
    const again = await run(['plan'], yaml);
    assert.match(again.out, /zone example\.test: in sync/);
  });

  it('refuses to change more than maxChangeShare of the records without --force, then applies with it', async () => {
    const changed = base.replace('__DEAD__', String(dead)).replace('192.0.2.10, 192.0.2.11', '192.0.2.20').replace('cdn-a.example.net', 'cdn-b.example.net');
    const refused = await run(['apply'], config(changed));
    assert.equal(refused.code, 1);
    assert.match(refused.out, /REFUSED, 2 change\(s\) not applied/);
    assert.match(refused.out, /! unsafe: 2 of 4 existing record sets would change \(50% > maxChangeShare 40%\)/);
    assert.deepEqual(await bind.dig(`api.${zone}`, 'A'), ['192.0.2.10', '192.0.2.11']);
    const forced = await run(['apply', '--force'], config(changed));
    assert.match(forced.out, /2 change\(s\) applied/);
    assert.deepEqual(await bind.dig(`api.${zone}`, 'A'), ['192.0.2.20']);
    const audit = await readFile(join(dir, 'detour-dns-audit.jsonl'), 'utf8');
    assert.match(audit, /"result":"refused"/);
    assert.match(audit, /\(--force\)/);
  });

  it('refuses any NS change without --force', async () => {
    const records = `    - { name: sub, type: NS, values: [ns1.other.example] }\n`;
    const r = await run(['apply'], config(records));
    assert.equal(r.code, 1);
    assert.match(r.out, /! unsafe: create of sub\.example\.test NS \(NS\/SOA changes need --force\)/);
    assert.deepEqual(await bind.digSections(`sub.${zone}`, 'NS'), []);
    const forced = await run(['apply', '--force'], config(records));
    assert.match(forced.out, /2 change\(s\) applied/);
    assert.deepEqual(await bind.digSections(`sub.${zone}`, 'NS'), ['NS ns1.other.example.']);
    assert.match((await run(['plan'], config(records))).out, /in sync/, 'a delegation is read back from the referral');
  });

  it('applies to the providers that answer and reports the one that does not', async () => {
    const extra = `    - { name: gone, type: rfc2136, server: 127.0.0.1:${dead}, timeout: 300ms }`;
    const cfg = config(`    - { name: late, type: A, values: [192.0.2.77] }\n`).replace(/(  providers:\n.*\n)/, `$1${extra}\n`);
    const r = await run(['apply'], cfg);
    assert.equal(r.code, 1);
    assert.match(r.out, /provider own \(rfc2136\), zone example\.test: 2 change\(s\) applied/);
    assert.match(r.out, /provider gone \(rfc2136\), zone example\.test: FAILED DETOUR_DNS_PROVIDER_UNAVAILABLE: rfc2136 127\.0\.0\.1:\d+ list example\.test: TCP connect/);
    assert.deepEqual(await bind.dig(`late.${zone}`, 'A'), ['192.0.2.77']);
  });

  it('detour start with only a dns section runs the controller and serves GET /api/dns', async () => {
    const file = join(dir, 'start.yaml');
    await writeFile(file, `listen: 127.0.0.1:0\nadmin: { listen: 127.0.0.1:0, token: tok }\n${config('    - { name: started, type: A, values: [192.0.2.123] }\n')}`);
    const cli = spawnCli(['start', '--config', file]);
    try {
      const line = await cli.waitForLine(/admin status at http:\/\/127\.0\.0\.1:\d+/, { ms: 30_000 });
      const admin = /http:\/\/127\.0\.0\.1:\d+/.exec(line)![0];
      let doc: { records: Array<{ name: string; answer: string[] }>; providers: Array<{ name: string; state: string; lastSuccess: number | null }> } | undefined;
      for (let i = 0; i < 150 && doc?.providers[0]?.state !== 'in-sync'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        doc = JSON.parse((await get(`${admin}/api/dns`, { headers: { authorization: 'Bearer tok' } })).text) as typeof doc;
      }
      assert.equal(doc?.providers[0]?.state, 'in-sync');
      assert.equal(typeof doc?.providers[0]?.lastSuccess, 'number');
      assert.deepEqual(doc?.records.map((r) => [r.name, r.answer]), [['started.example.test', ['192.0.2.123']]]);
      assert.deepEqual(await bind.dig(`started.${zone}`, 'A'), ['192.0.2.123']);
      assert.equal((await get(`${admin}/api/dns`)).status, 401, 'the admin token is required');
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
  });

  it('explains usage and config problems without a stack trace', async () => {
    assert.equal((await run(['frobnicate'], config(base))).code, 2);
    const noDns = await run(['plan'], 'services:\n  - pools: [{ endpoints: [http://127.0.0.1:1] }]\n');
    assert.equal(noDns.code, 1);
    assert.match(noDns.out, /no "dns" section/);
  });
});
