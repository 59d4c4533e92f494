import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { silentLogger, systemClock } from '../src/common/index.js';
import { parseConfig } from '../src/config/index.js';
import { Gateway } from '../src/gateway/index.js';
import { RecordFeature, StoreWriter, eventRow, openRecord, type IncidentDetail, type IncidentSummary, type StoredEvent } from '../src/incidents/index.js';
import type { DetourEvent } from '../src/model/index.js';
import { get, tencentInternalError, upstream, type Upstream } from './support/servers.js';

const TOKEN = 'record-admin-token';
let seq = 0;
const auth = { authorization: `Bearer ${TOKEN}` };
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function up(handler?: Parameters<typeof upstream>[0]): Promise<Upstream> {
  const u = await upstream(handler);
  cleanups.push(() => u.close());
  return u;
}

interface Running {
  gw: Gateway;
  feature: RecordFeature;
  events: DetourEvent[];
  url: string;
  admin: string;
  stop(): Promise<void>;
  waitFor(pred: (e: DetourEvent) => boolean, what: string): Promise<DetourEvent>;
}

async function start(dbPath: string, primary: string, backup: string, extra = ''): Promise<Running> {
  const yaml = `${extra}
listen: 127.0.0.1:0
admin: { listen: 127.0.0.1:0, token: ${TOKEN}, stateFile: ${join(tmpdir(), `detour-state-${process.pid}-${++seq}.json`)} }
store: { path: ${JSON.stringify(dbPath)} }
incidents: { quietPeriod: 1m }
services:
  - name: api
    classify: [tencent]
    slowStart: 0ms
    pools:
      - { name: tencent-gz, provider: tencent, region: ap-guangzhou, endpoints: [${primary}] }
      - { name: aliyun-hz, provider: aliyun, region: cn-hangzhou, endpoints: [${backup}] }
`;
  const cfg = parseConfig(yaml, '/tmp/record-test.yaml', {});
  const feature = new RecordFeature(cfg, silentLogger, { sampleMs: 20, notifyBatchMs: 10 });
  const events: DetourEvent[] = [];
  // Subscribes before the record feature starts, so events of the store's opening are seen too.
  const collect = { name: 'collect', start: async (g: Gateway) => void g.bus.onAny((e) => events.push(e)), stop: async () => {} };
  const gw = await Gateway.start(cfg, { features: [collect, feature], observer: 'test-observer' });
  let stopped = false;
  const r: Running = {
    gw, feature, events,
    url: `http://127.0.0.1:${gw.addresses().proxy[0]!.port}`,
    admin: `http://127.0.0.1:${gw.addresses().admin!.port}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await gw.stop();
    },
    waitFor: (pred, what) => new Promise((resolve, reject) => {
      const hit = events.find(pred);
      if (hit) return resolve(hit);
      const timer = setTimeout(() => reject(new Error(`not seen: ${what}`)), 15_000);
      const sub = gw.bus.onAny((e) => {
        if (pred(e)) {
          clearTimeout(timer);
          sub.dispose();
          resolve(e);
        }
      });
    }),
  };
  cleanups.push(r.stop);
  return r;
}

/** Polls an admin GET until `ok` holds (the store commits a few ms after the bus event). */
async function until<T>(url: string, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const r = await get(url, { headers: auth });
    if (r.status === 200) {
      const v = JSON.parse(r.text) as T;
      if (ok(v)) return v;
    }
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error(`${url} never satisfied the condition`);
}

const tmp = () => mkdtemp(join(tmpdir(), 'detour-record-'));

describe('event store and incidents through the admin API', () => {
  it('records a cloud InternalError outage as one incident with its automatic actions, notes, status and a postmortem', async () => {
    const dir = await tmp();
    const primary = await up(tencentInternalError());
    // The backup refuses POSTs with a 500: a POST is never retried, so those reach the client.
    const backup = await up((req, res) => {
      res.writeHead(req.method === 'POST' ? 500 : 200, { 'content-type': 'text/plain' });
      res.end(req.method === 'POST' ? 'backup broken too' : 'backup ok');
    });
    const hooks: Array<{ type: string; incident: { id: string; status: string } }> = [];
    const hook = await up((_req, res, body) => {
      hooks.push(JSON.parse(body));
      res.end('ok');
    });
    const g = await start(join(dir, 'detour.db'), primary.url, backup.url, `notifications:\n  - { type: webhook, url: "${hook.url}/detour", secret: hook-secret }\n`);
    for (let i = 0; i < 6; i++) assert.equal((await get(`${g.url}/DescribeInstances`)).status, 200);
    await g.waitFor((e) => e.type === 'incident.changed' && e.status === 'mitigated', 'incident mitigated');
    for (let i = 0; i < 3; i++) assert.equal((await get(`${g.url}/RunInstances`, { method: 'POST', body: 'x' })).status, 500);

    const [inc] = await until<IncidentSummary[]>(`${g.admin}/api/incidents`, (l) => l.length === 1 && l[0]!.status === 'mitigated' && l[0]!.clientErrors === 3);
    assert.equal(inc!.service, 'api');
    assert.equal(inc!.provider, 'tencent');
    assert.equal(inc!.region, 'ap-guangzhou');
    assert.equal(inc!.pool, 'tencent-gz');
    assert.ok(inc!.startedAt <= inc!.detectedAt && inc!.detectedAt <= inc!.mitigatedAt!);
    assert.ok(inc!.events >= 3, `events linked: ${inc!.events}`);

    const events = await until<StoredEvent[]>(`${g.admin}/api/events?since=0`, (l) => l.some((e) => e.type === 'incident.changed'));
    const types = new Set(events.map((e) => e.type));
    for (const t of ['outlier.ejection', 'endpoint.health', 'pool.active', 'incident.changed']) assert.ok(types.has(t as DetourEvent['type']), `stored ${t}`);
    const ejection = events.find((e) => e.type === 'outlier.ejection')!;
    assert.equal(ejection.evidence?.errorCode, 'InternalError');
    assert.equal(ejection.observer, 'test-observer');
    assert.equal(ejection.provider, 'tencent');
    assert.deepEqual(ejection.incidents, [inc!.id]);
    for (let i = 0; i < 300 && hooks.length === 0; i++) await new Promise((res) => setTimeout(res, 20));
    assert.equal(hooks[0]?.type, 'incident.opened', 'the webhook heard about it');
    assert.equal(hooks[0]?.incident.id, inc!.id);
    const newer = JSON.parse((await get(`${g.admin}/api/events?afterId=${events.at(-1)!.id}`, { headers: auth })).text) as StoredEvent[];
    assert.ok(newer.every((e) => e.id > events.at(-1)!.id));

    const note = await get(`${g.admin}/api/incidents/${inc!.id}/notes`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Tencent confirms <b>InternalError</b> | in ap-guangzhou' }) });
    assert.equal(note.status, 201, note.text);
    const st = await get(`${g.admin}/api/incidents/${inc!.id}/status`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'resolved', note: 'closing by hand' }) });
    assert.equal(st.status, 200, st.text);
    assert.equal(JSON.parse(st.text).status, 'resolved');

    const d = JSON.parse((await get(`${g.admin}/api/incidents/${inc!.id}`, { headers: auth })).text) as IncidentDetail;
    assert.equal(d.status, 'resolved');
    assert.equal(d.manual, true);
    assert.deepEqual(d.actions.map((a) => a.kind).slice(0, 2), ['endpoint-down', 'failover']);
    assert.match(d.actions[0]!.text, /InternalError, An internal error has occurred\..*, RequestId f3c1\)/, "the cloud's RequestId, for the support ticket");
    assert.ok(d.timeline.some((e) => e.kind === 'note' && e.text.includes('Tencent confirms')));
    assert.ok(d.timeline.some((e) => e.kind === 'resolved' && e.actor.startsWith('admin@')));
    assert.equal(d.notes.length, 2);

    const pm = await get(`${g.admin}/api/incidents/${inc!.id}/postmortem`, { headers: auth });
    assert.match(pm.headers['content-type'] ?? '', /text\/markdown/);
    assert.match(pm.text, /## Automatic actions \(in order\)\n\n1\. .*ejected/);
    assert.match(pm.text, /InternalError ×1/);
    assert.match(pm.text, /Tencent confirms &lt;b&gt;InternalError&lt;\/b&gt; \\\| in ap-guangzhou/, 'notes are escaped in the Markdown');

    const sla = await get(`${g.admin}/api/sla?format=md`, { headers: auth });
    assert.equal(sla.status, 200);
    assert.match(sla.text, /^# SLA report \d{4}-\d{2} \(UTC\+00:00\)/);
    assert.match(sla.text, /\| tencent \| CVM 云服务器/);
    assert.equal((await get(`${g.admin}/api/sla?month=2026-4`, { headers: auth })).status, 400);

    // What the API refuses.
    assert.equal((await get(`${g.admin}/api/incidents`)).status, 401);
    assert.equal((await get(`${g.admin}/api/incidents/nope`, { headers: auth })).status, 404);
    const badStatus = await get(`${g.admin}/api/incidents/${inc!.id}/status`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"status":"fixed"}' });
    assert.equal(badStatus.status, 400);
    const form = await get(`${g.admin}/api/incidents/${inc!.id}/notes`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, body: 'text=x' });
    assert.equal(form.status, 400, 'a cross-site form post is refused');
    assert.equal((await get(`${g.admin}/api/events?since=yesterday`, { headers: auth })).status, 400);

    await g.stop();
    // Everything above was acknowledged, so it is all in the file after the gateway is gone.
    const ro = openRecord(join(dir, 'detour.db'));
    const again = await ro.incident(inc!.id);
    assert.equal(again?.status, 'resolved');
    assert.equal(again?.clientErrors, 3);
    ro.close();
  });

  it('reports a corrupt store, moves it aside, starts a new one and keeps serving', async () => {
    const dir = await tmp();
    const db = join(dir, 'detour.db');
    await writeFile(db, 'this is not a SQLite database, just text that was here before'.repeat(100));
    const a = await up();
    const g = await start(db, a.url, (await up()).url);
    const ev = await g.waitFor((e) => e.type === 'store.health' && !e.ok, 'store.health not ok');
    assert.equal(ev.type === 'store.health' && ev.op, 'open');
    assert.match(ev.type === 'store.health' ? ev.error ?? '' : '', /corrupt.*moved to .*detour\.db\.corrupt-/);
    assert.equal((await get(`${g.url}/x`)).status, 200);
    assert.ok((await readdir(dir)).some((f) => f.startsWith('detour.db.corrupt-')), 'the old file is kept');
    const store = await until<{ store: { state: string } }>(`${g.admin}/api/store`, (s) => s.store.state === 'ok');
    assert.equal(store.store.state, 'ok');
  });

  it('keeps serving when the store cannot be written, answers 503 for its routes, and commits the backlog once it can', async () => {
    const dir = await tmp();
    const blocker = join(dir, 'not-a-dir');
    await writeFile(blocker, 'a file where the store directory should be');
    const db = join(blocker, 'detour.db');
    const a = await up();
    const g = await start(db, a.url, (await up()).url);
    await g.waitFor((e) => e.type === 'store.health' && !e.ok, 'store failing');
    for (let i = 0; i < 5; i++) assert.equal((await get(`${g.url}/x${i}`)).status, 200);
    const s = JSON.parse((await get(`${g.admin}/api/store`, { headers: auth })).text);
    assert.equal(s.store.state, 'failing');
    assert.match(s.store.error, /EEXIST|ENOTDIR/);
    const r = await get(`${g.admin}/api/incidents`, { headers: auth });
    assert.equal(r.status, 503);
    assert.equal(JSON.parse(r.text).error.code, 'DETOUR_STORE_IO');

    // Fix the path: the retry loop opens the store and commits what waited in memory.
    await rm(blocker);
    await mkdir(blocker);
    await g.waitFor((e) => e.type === 'store.health' && e.ok, 'store recovered');
    const events = await until<StoredEvent[]>(`${g.admin}/api/events?types=store.health`, (l) => l.filter((e) => e.type === 'store.health').length >= 2);
    assert.ok(events.every((e) => e.type === 'store.health'), 'filtered by type');
    const health = events.filter((e) => e.type === 'store.health').map((e) => (e.event as Extract<DetourEvent, { type: 'store.health' }>).ok);
    assert.deepEqual(health.slice(0, 2), [false, true], 'the outage of the store is itself on the record');
  });

  it('refuses a store written by a newer Detour without touching it', async () => {
    const dir = await tmp();
    const db = join(dir, 'detour.db');
    const d = new Database(db);
    d.pragma('user_version = 999');
    d.close();
    const g = await start(db, (await up()).url, (await up()).url);
    const ev = await g.waitFor((e) => e.type === 'store.health' && !e.ok, 'store failing');
    assert.match(ev.type === 'store.health' ? ev.error ?? '' : '', /schema version 999.*newer Detour/);
    assert.equal((await readdir(dir)).filter((f) => f.includes('corrupt')).length, 0);
    assert.equal((await get(`${g.url}/x`)).status, 200);
  });
});

describe('store retention and history', () => {
  it('rebuilds daily uptime from runs and health changes, and prunes what is older than the retention except open incidents', async () => {
    const dir = await tmp();
    const path = join(dir, 'detour.db');
    const writer = new StoreWriter({ path, clock: systemClock, log: silentLogger });
    const DAY = 86_400_000;
    const today = Math.floor(Date.now() / DAY) * DAY;
    const topology = [{ name: 'api', pools: [{ name: 'gz', provider: 'tencent', region: 'ap-guangzhou', priority: 0, endpoints: ['http://10.0.0.1'] }] }];
    const health = (at: number, to: 'ejected' | 'healthy'): DetourEvent => ({
      type: 'endpoint.health', at, observer: 'o', service: 'api', pool: 'gz', provider: 'tencent', region: 'ap-guangzhou', endpoint: 'http://10.0.0.1',
      from: to === 'healthy' ? 'ejected' : 'healthy', to, source: 'passive', reason: 'r',
    });
    const old = today - 500 * DAY;
    await writer.start([
      { kind: 'run-start', observer: 'o', at: today - 3 * DAY },
      { kind: 'topology', at: today - 3 * DAY, data: JSON.stringify(topology) },
      // Two days ago: down from 06:00 for 6 hours.
      { kind: 'event', row: eventRow(health(today - 2 * DAY + 6 * 3_600_000, 'ejected')), incidents: [] },
      { kind: 'event', row: eventRow(health(today - 2 * DAY + 12 * 3_600_000, 'healthy')), incidents: [] },
      { kind: 'heartbeat', at: today - DAY },
      { kind: 'event', row: eventRow(health(old, 'ejected')), incidents: [] },
      { kind: 'traffic', rows: [{ minute: old, service: 'api', pool: '', provider: null, region: null, total: 5, failed: 1, latencySum: 0, latencyCount: 0 }] },
      { kind: 'incident', row: { id: 'old-open', status: 'monitoring', service: 'api', provider: null, region: null, startedAt: old, resolvedAt: null, updatedAt: old, data: '{}' } },
      { kind: 'incident', row: { id: 'old-done', status: 'resolved', service: 'api', provider: null, region: null, startedAt: old, resolvedAt: old + 1, updatedAt: old, data: '{}' } },
    ]);
    await writer.close([{ kind: 'run-stop', at: today - DAY }]);

    const ro = openRecord(path);
    const days = await ro.uptime({ kind: 'pool', service: 'api', pool: 'gz' }, 4, today + 3_600_000);
    assert.deepEqual(days.map((d) => [d.day, d.availability, d.downMs]), [
      [new Date(today - 3 * DAY).toISOString().slice(0, 10), 1, 0],
      [new Date(today - 2 * DAY).toISOString().slice(0, 10), 0.75, 6 * 3_600_000],
      [new Date(today - DAY).toISOString().slice(0, 10), null, 0],
      [new Date(today).toISOString().slice(0, 10), null, 0],
    ], 'a quarter of the day down; no data after Detour stopped');
    ro.close();

    // Prune with the default retention (400 days for events, 35 for traffic).
    const pruner = new StoreWriter({ path, clock: systemClock, log: silentLogger });
    await pruner.start();
    pruner.prune(Date.now() - 400 * DAY, Date.now() - 35 * DAY);
    await pruner.close([{ kind: 'heartbeat', at: 0 }]);
    const db = new Database(path);
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    assert.equal(count(`SELECT COUNT(*) AS n FROM events WHERE at = ${old}`), 0);
    assert.equal(count(`SELECT COUNT(*) AS n FROM events`), 2);
    assert.equal(count('SELECT COUNT(*) AS n FROM traffic'), 0);
    assert.deepEqual(db.prepare('SELECT id FROM incidents ORDER BY id').all(), [{ id: 'old-open' }], 'an open incident is never pruned');
    db.close();
  });
});
