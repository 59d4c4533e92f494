import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busyPorts, freePorts, killAll, logMsg, logRecord, runCli, spawnCli, type CliProcess } from './support/cli.js';
import { get, upstream, type Upstream } from './support/servers.js';

const SECRET = 'zz-admin-secret-7f3a';
const cleanups: Array<() => Promise<void>> = [];
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'detour-cli-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
});
after(async () => {
  await killAll();
  for (const c of cleanups.reverse()) await c();
});

async function up(...args: Parameters<typeof upstream>): Promise<Upstream> {
  const u = await upstream(...args);
  cleanups.push(() => u.close());
  return u;
}

/** Env for the CLI: the test's own environment plus the admin token, nothing else. */
function cliEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  return { ...process.env, DETOUR_ADMIN_TOKEN: SECRET, ...extra };
}

/** One connection per request: a kept-alive socket would make shutdown tests depend on idle timers. */
const fresh = { agent: false as const };

function config(listen: number, adminPort: number, endpoint: string, extra = ''): string {
  return [
    `listen: 127.0.0.1:${listen}`,
    'admin:',
    `  listen: 127.0.0.1:${adminPort}`,
    '  token: ${DETOUR_ADMIN_TOKEN}',
    `  stateFile: ${JSON.stringify(join(dir, 'state.json'))}`,
    'services:',
    '  - name: api',
    '    pools:',
    `      - { name: main, endpoints: [${endpoint}] }`,
    extra,
  ].join('\n') + '\n';
}

/** Waits for `n` stdout lines matching `pred` at or after line `from`. */
async function waitForCount(cli: CliProcess, pred: (line: string) => boolean, n: number, from: number): Promise<void> {
  let idx = from;
  for (let k = 0; k < n; k++) {
    const line = await cli.waitForLine(pred, { from: idx });
    idx = cli.lines.indexOf(line, idx) + 1;
  }
}

describe('detour check', () => {
  it('check prints the normalized plan and exits 0 for a valid config', async () => {
    const file = join(dir, 'good.yaml');
    await writeFile(file, config(8089, 9909, 'http://127.0.0.1:9001'));
    const r = await runCli(['check', '--config', file], cliEnv());
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const okLine = `${file}: OK (1 service(s), 1 pool(s))`;
    assert.ok(r.stdout.trimEnd().endsWith(okLine), r.stdout);
    const plan = JSON.parse(r.stdout.slice(0, r.stdout.lastIndexOf(okLine))) as {
      source: string; services: Array<{ name: string; pools: Array<{ endpoints: Array<{ url: string }> }> }>;
      admin: { token: string }; listeners: Array<{ host: string; port: number }>;
    };
    assert.equal(plan.source, file);
    assert.equal(plan.services[0]!.name, 'api');
    assert.equal(plan.services[0]!.pools[0]!.endpoints[0]!.url, 'http://127.0.0.1:9001');
    assert.deepEqual(plan.listeners.map((l) => [l.host, l.port]), [['127.0.0.1', 8089]]);
    assert.equal(plan.admin.token, '[redacted]');
    assert.ok(!r.stdout.includes(SECRET) && !r.stderr.includes(SECRET), 'the admin token from the environment is never printed');
  });

  it('check exits 1 and names file, line, column and field for a bad config', async () => {
    const file = join(dir, 'bad.yaml');
    // Line 10 is `    timeouts: { perTry: 5 parsecs }`; the value starts at column 25.
    await writeFile(file, config(8089, 9909, 'http://127.0.0.1:9001', '    timeouts: { perTry: 5 parsecs }'));
    const r = await runCli(['check', '--config', file], cliEnv());
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`^${escape(file)}:10:25: services\\[0\\]\\.timeouts\\.perTry: invalid duration "5 parsecs"`, 'm'));
    assert.ok(!r.stdout.includes(SECRET));
  });
});

describe('detour start', () => {
  it('start serves, reloads on SIGHUP, and refuses a bad reload keeping the old config', async () => {
    const a = await up((_q, res) => res.end('A'));
    const b = await up((_q, res) => res.end('B'));
    const [port, adminPort] = (await freePorts(2)) as [number, number];
    const file = join(dir, 'reload.yaml');
    await writeFile(file, config(port, adminPort, a.url));
    const cli = spawnCli(['start', '--config', file], cliEnv());
    await cli.waitForLine(/detour: serving 1 service\(s\) on http:\/\/127\.0\.0\.1:\d+\//);
    const url = `http://127.0.0.1:${port}/`;
    assert.equal((await get(url, fresh)).text, 'A');

    let mark = cli.lines.length;
    await writeFile(file, config(port, adminPort, b.url));
    cli.child.kill('SIGHUP');
    const reloaded = logRecord(await cli.waitForLine(logMsg('config reloaded'), { from: mark }));
    assert.equal(reloaded?.['source'], file);
    assert.equal((await get(url, fresh)).text, 'B');

    mark = cli.lines.length;
    // Line 10 holds the bad duration, its value at column 25.
    await writeFile(file, config(port, adminPort, a.url, '    timeouts: { perTry: 5 parsecs }'));
    cli.child.kill('SIGHUP');
    const where = `${file}:10:25`;
    const refusedLine = await cli.waitForLine(logMsg('config reload refused', (r) => String(r['error']).includes(where)), { from: mark });
    const refused = logRecord(refusedLine)!;
    assert.equal(refused['level'], 'error');
    assert.match(String(refused['error']), /services\[0\]\.timeouts\.perTry: invalid duration "5 parsecs"/);
    assert.equal((await get(url, fresh)).text, 'B', 'the previous config stays in force');
    assert.equal(a.hits.length, 1);
    assert.ok(!cli.stdout().includes(SECRET), 'the admin token never reaches the logs');

    cli.child.kill('SIGTERM');
    assert.deepEqual(await cli.exited, { code: 0, signal: null });
  });

  it('reloads on every save that replaces the file (write to a temp file, then rename), as editors and ConfigMap updates do', async () => {
    const targets = [await up((_q, res) => res.end('A')), await up((_q, res) => res.end('B')), await up((_q, res) => res.end('C'))];
    const [port, adminPort] = (await freePorts(2)) as [number, number];
    const file = join(dir, 'atomic.yaml');
    await writeFile(file, config(port, adminPort, targets[0]!.url));
    const cli = spawnCli(['start', '--config', file], cliEnv());
    await cli.waitForLine(/detour: serving/);
    for (const [i, name] of [[1, 'B'], [2, 'C'], [0, 'A']] as const) {
      const mark = cli.lines.length;
      await writeFile(`${file}.tmp`, config(port, adminPort, targets[i]!.url));
      await rename(`${file}.tmp`, file);
      await cli.waitForLine(logMsg('config reloaded', (r) => r['why'] === 'file changed'), { from: mark, ms: 5000 });
      assert.equal((await get(`http://127.0.0.1:${port}/`, fresh)).text, name, `after saving the config pointing to ${name}`);
    }
    cli.child.kill('SIGTERM');
    assert.deepEqual(await cli.exited, { code: 0, signal: null });
  });

  it('finishes requests in flight on SIGTERM before exiting', async () => {
    let arrived!: () => void;
    const requestArrived = new Promise<void>((r) => { arrived = r; });
    const slow = await up((_q, res) => {
      arrived();
      setTimeout(() => res.end('slow but complete'), 300);
    });
    const [port, adminPort] = (await freePorts(2)) as [number, number];
    const file = join(dir, 'drain.yaml');
    await writeFile(file, config(port, adminPort, slow.url));
    const cli = spawnCli(['start', '--config', file], cliEnv());
    await cli.waitForLine(/detour: serving/);
    const inflight = get(`http://127.0.0.1:${port}/slow`, fresh);
    await requestArrived;
    const mark = cli.lines.length;
    cli.child.kill('SIGTERM');
    await cli.waitForLine(logMsg('shutting down'), { from: mark });
    const r = await inflight;
    assert.equal(r.status, 200);
    assert.equal(r.text, 'slow but complete');
    assert.deepEqual(await cli.exited, { code: 0, signal: null });
    assert.ok(cli.lines.some(logMsg('stopped')), cli.stdout());
  });

  it('runs several workers on one port, shares an override with all of them, and replaces them one by one without dropping requests', async () => {
    const u = await up((_q, res) => void res.end('ok'));
    const [port, adminPort] = (await freePorts(2)) as [number, number];
    const file = join(dir, 'workers.yaml');
    await writeFile(file, config(port, adminPort, u.url));
    const cli = spawnCli(['start', '--config', file, '--workers', '2'], cliEnv());
    await cli.waitForLine(logMsg('workers ready'), { ms: 60_000 });
    const admin = (body: unknown) => get(`http://127.0.0.1:${adminPort}/api/overrides`, { method: 'POST', headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await admin({ action: 'drain', service: 'api' })).status, 200);
    // Every worker must apply the drain; wait until both have logged it.
    await waitForCount(cli, (l) => logRecord(l)?.msg === 'endpoint.health' && logRecord(l)?.to === 'drained', 2, 0);
    for (let i = 0; i < 10; i++) assert.equal((await get(`http://127.0.0.1:${port}/`, fresh)).status, 503, `request ${i} reached a worker that missed the drain`);
    const mark = cli.lines.length;
    assert.equal((await admin({ action: 'undrain', service: 'api' })).status, 200);
    // Rolling restart under a bounded load: no request may fail.
    await waitForCount(cli, (l) => logRecord(l)?.msg === 'endpoint.health' && logRecord(l)?.from === 'drained', 2, mark);
    const statuses: number[] = [];
    let restarted = false;
    const restart = cli.waitForLine(logMsg('rolling restart done'), { from: mark }).then(() => (restarted = true));
    cli.child.kill('SIGUSR2');
    for (let i = 0; i < 400 && !restarted; i++) statuses.push((await get(`http://127.0.0.1:${port}/`, fresh)).status);
    await restart;
    assert.ok(statuses.length > 0);
    assert.deepEqual([...new Set(statuses)], [200]);
    cli.child.kill('SIGTERM');
    assert.deepEqual(await cli.exited, { code: 0, signal: null });
  });

  it('start --demo serves the bundled example', async (t) => {
    const ports = [8080, 9001, 9002, 9101, 9900, 9901];
    const busy = await busyPorts(ports);
    if (busy.length > 0) {
      t.skip(`the demo needs fixed ports ${ports.join(', ')}; busy here: ${busy.join(', ')}`);
      return;
    }
    const env = cliEnv({ DETOUR_STATE_FILE: join(dir, 'demo-state.json') });
    delete env['DETOUR_ADMIN_TOKEN']; // the demo falls back to its own token
    const cli = spawnCli(['start', '--demo'], env);
    // Another process (e.g. a second test run) may take a fixed port between the check and the start.
    const serving = await cli.waitForLine(/detour: serving/).catch((err: unknown) => {
      if (/EADDRINUSE/.test(cli.stdout() + cli.stderr())) return undefined;
      throw err;
    });
    if (serving === undefined) {
      t.skip(`a demo port was taken while the demo started: ${(cli.stdout() + cli.stderr()).trim()}`);
      return;
    }
    const agent = new Agent({ keepAlive: false });
    const first = await get('http://127.0.0.1:8080/hello', { agent });
    assert.equal(first.status, 200, first.text);
    assert.equal((JSON.parse(first.text) as { cloud: string }).cloud, 'tencent');

    const broke = await get('http://127.0.0.1:9900/clouds/tencent/internal-error', { method: 'POST', agent });
    assert.equal(broke.status, 200, broke.text);
    let answeredBy = '';
    for (let i = 0; i < 50 && answeredBy !== 'aliyun'; i++) {
      const r = await get(`http://127.0.0.1:8080/hello?i=${i}`, { agent });
      assert.equal(r.status, 200, `request ${i}: ${r.text}`);
      assert.doesNotMatch(r.text, /InternalError/, `request ${i} leaked the cloud error`);
      answeredBy = (JSON.parse(r.text) as { cloud: string }).cloud;
    }
    assert.equal(answeredBy, 'aliyun', 'traffic moved to the backup cloud within 50 requests');

    cli.child.kill('SIGTERM');
    assert.deepEqual(await cli.exited, { code: 0, signal: null });
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
