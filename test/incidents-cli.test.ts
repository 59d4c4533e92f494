import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, killAll, spawnCli } from './support/cli.js';
import { main } from '../src/cli/index.js';
import { get, tencentInternalError, upstream, type Upstream } from './support/servers.js';
import type { IncidentSummary } from '../src/incidents/index.js';

const TOKEN = 'cli-record-token';

/** The CLI in this process (only the gateway needs its own, to be killed). */
async function run(args: string[]): Promise<{ code: number; stdout: string }> {
  const lines: string[] = [];
  const code = await main(args, (s) => lines.push(s));
  return { code, stdout: lines.join('\n') };
}
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  await killAll();
  for (const c of cleanups.reverse()) await c();
});
async function up(handler?: Parameters<typeof upstream>[0]): Promise<Upstream> {
  const u = await upstream(handler);
  cleanups.push(() => u.close());
  return u;
}

describe('detour incident and detour report', () => {
  it('export a postmortem and a monthly report from the store a gateway left when it was killed with SIGKILL', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'detour-record-cli-'));
    const primary = await up(tencentInternalError());
    const backup = await up();
    const [port, adminPort] = (await freePorts(2)) as [number, number];
    const file = join(dir, 'detour.yaml');
    await writeFile(file, `
listen: 127.0.0.1:${port}
admin: { listen: 127.0.0.1:${adminPort}, token: ${TOKEN} }
store: { path: ./record.db }
sla:
  utcOffset: "+08:00"
  currency: CNY
  spend:
    - { provider: tencent, monthly: 500 }
services:
  - name: api
    classify: [tencent]
    pools:
      - { name: tencent-gz, provider: tencent, region: ap-guangzhou, endpoints: [${primary.url}] }
      - { name: aliyun-hz, provider: aliyun, region: cn-hangzhou, endpoints: [${backup.url}] }
`);
    const gw = spawnCli(['start', '--config', file], { ...process.env, NODE_ENV: 'test' });
    await gw.waitForLine(/serving 1 service/);
    for (let i = 0; i < 6; i++) assert.equal((await get(`http://127.0.0.1:${port}/DescribeZones`)).status, 200);
    let incident: IncidentSummary | undefined;
    for (let i = 0; i < 300 && incident?.status !== 'mitigated'; i++) {
      const r = await get(`http://127.0.0.1:${adminPort}/api/incidents`, { headers: { authorization: `Bearer ${TOKEN}` } });
      incident = r.status === 200 ? (JSON.parse(r.text) as IncidentSummary[])[0] : undefined;
      if (incident?.status !== 'mitigated') await new Promise((res) => setTimeout(res, 20));
    }
    assert.equal(incident?.status, 'mitigated', 'the API answers from committed rows, so this is acknowledged');
    await gw.kill(); // SIGKILL: no clean shutdown, no run-stop, no final flush

    const list = await run(['incident', 'list', '--config', file]);
    assert.equal(list.code, 0, list.stdout);
    assert.match(list.stdout, new RegExp(`${incident!.id}\\s+mitigated`));

    const out = join(dir, 'postmortem.md');
    const exp = await run(['incident', 'export', incident!.id, '--config', file, '--out', out]);
    assert.equal(exp.code, 0, exp.stdout);
    const md = await readFile(out, 'utf8');
    assert.match(md, new RegExp(`^# Postmortem: api: tencent ap-guangzhou failing \\(${incident!.id}\\)`));
    assert.match(md, /Times are UTC\+08:00/);
    assert.match(md, /## Timeline\n\n\| time \| who \| what \|/);
    assert.match(md, /\| detour \| tencent-gz http:\/\/127\.0\.0\.1:\d+ ejected for 30s/);
    assert.match(md, /traffic moved to aliyun-hz from tencent-gz/);

    const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
    const rep = await run(['report', '--config', file, '--month', month, '--format', 'json']);
    assert.equal(rep.code, 0, rep.stdout);
    const report = JSON.parse(rep.stdout);
    const tencent = report.providers.find((p: { provider: string }) => p.provider === 'tencent');
    assert.equal(tencent.product, 'cvm');
    assert.equal(tencent.monthlySpend, 500);
    assert.equal(report.incidents[0].id, incident!.id);
    assert.ok(report.pools.some((p: { pool: string }) => p.pool === 'tencent-gz'));

    const bad = await run(['report', '--config', file, '--month', '2026-13']);
    assert.equal(bad.code, 2);
    assert.match(bad.stdout, /--month must be YYYY-MM/);
    const missing = await run(['incident', 'export', 'nope', '--config', file]);
    assert.equal(missing.code, 1);
    assert.match(missing.stdout, /no incident nope/);
  });
});
