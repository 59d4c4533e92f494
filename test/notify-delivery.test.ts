import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../src/common/index.js';
import { parseConfig } from '../src/config/index.js';
import type { DetourEvent } from '../src/model/index.js';
import { Notifier, verifyWebhook } from '../src/notify/index.js';

interface Hit {
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}
type Reply = (hit: Hit, n: number, res: ServerResponse) => void;

/** A real HTTP receiver on 127.0.0.1 that records every request and answers as scripted. */
async function receiver(reply: Reply = (_h, _n, res) => res.end('ok')): Promise<{ url: string; hits: Hit[] }> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hit = { url: new URL(req.url ?? '/', 'http://x'), headers: req.headers, body: Buffer.concat(chunks).toString(), at: Date.now() };
      hits.push(hit);
      reply(hit, hits.length, res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

function notifier(yaml: string, lines: string[] = []): Notifier {
  const cfg = parseConfig(`services:\n  - pools: [{ endpoints: [http://10.0.0.1] }]\nnotifications:\n${yaml}`, '/tmp/n.yaml', {});
  const n = new Notifier(cfg.notifications, { log: createLogger({ level: 'debug', write: (l) => lines.push(l) }), batchMs: 20, baseDelayMs: 20, maxDelayMs: 200 });
  cleanups.push(async () => n.stop());
  return n;
}

const opened = (at = Date.now()): DetourEvent => ({
  type: 'incident.changed', at, observer: 'gw-1', id: '20240408-0731', change: 'opened', status: 'detected',
  service: 'api', provider: 'tencent', region: 'ap-guangzhou', text: 'api: tencent ap-guangzhou failing: tencent-gz http://10.0.0.1 ejected (InternalError in 5 responses)',
});
const mitigated = (at = Date.now()): DetourEvent => ({ ...(opened(at) as Extract<DetourEvent, { type: 'incident.changed' }>), change: 'updated', status: 'mitigated', text: 'mitigated: traffic moved to aliyun-hz' });

describe('notifications', () => {
  it('signs the generic webhook with HMAC-SHA256 over timestamp and body, which the receiver verifies', async () => {
    const rx = await receiver();
    const n = notifier(`  - { type: webhook, url: "${rx.url}/hook", secret: whsec-test-1 }`);
    n.handle(opened());
    n.handle(mitigated());
    await n.idle();
    assert.equal(rx.hits.length, 1, 'opened and mitigated within the batch window become one message');
    const h = rx.hits[0]!;
    const ok = verifyWebhook('whsec-test-1', { timestamp: h.headers['x-detour-timestamp'] as string, signature: h.headers['x-detour-signature'] as string }, h.body, Math.floor(Date.now() / 1000));
    assert.equal(ok, true);
    assert.equal(verifyWebhook('wrong-secret', { timestamp: h.headers['x-detour-timestamp'] as string, signature: h.headers['x-detour-signature'] as string }, h.body, Math.floor(Date.now() / 1000)), false);
    assert.equal(verifyWebhook('whsec-test-1', { timestamp: h.headers['x-detour-timestamp'] as string, signature: h.headers['x-detour-signature'] as string }, h.body + ' ', Math.floor(Date.now() / 1000)), false, 'a changed body fails');
    assert.equal(verifyWebhook('whsec-test-1', { timestamp: h.headers['x-detour-timestamp'] as string, signature: h.headers['x-detour-signature'] as string }, h.body, Math.floor(Date.now() / 1000) + 3600), false, 'an old delivery is a replay');
    const body = JSON.parse(h.body);
    assert.equal(body.type, 'incident.opened');
    assert.equal(body.incident.status, 'mitigated');
    assert.equal(body.incident.changes.length, 2);
    assert.equal(body.id, h.headers['x-detour-delivery']);
  });

  it('signs DingTalk requests with the timestamp and sign query parameters its robot checks', async () => {
    const rx = await receiver((_h, _n, res) => res.end('{"errcode":0,"errmsg":"ok"}'));
    const n = notifier(`  - { type: dingtalk, url: "${rx.url}/robot/send?access_token=dt-token-123", secret: SECdingtalk456 }`);
    n.handle(opened());
    await n.idle();
    const h = rx.hits[0]!;
    const ts = h.url.searchParams.get('timestamp')!;
    assert.match(ts, /^\d{13}$/, 'milliseconds');
    assert.ok(Math.abs(Number(ts) - Date.now()) < 3_600_000, 'DingTalk refuses timestamps an hour off');
    const want = createHmac('sha256', 'SECdingtalk456').update(`${ts}\nSECdingtalk456`).digest('base64');
    assert.equal(h.url.searchParams.get('sign'), want, 'sign = Base64(HMAC-SHA256(secret, timestamp + "\\n" + secret))');
    assert.equal(h.url.searchParams.get('access_token'), 'dt-token-123');
    const body = JSON.parse(h.body);
    assert.equal(body.msgtype, 'markdown');
    assert.match(body.markdown.text, /20240408-0731/);
    assert.equal(n.stats()[0]!.sent, 1);
  });

  it('signs Feishu bodies, and sends Slack and WeCom payloads in their documented shapes', async () => {
    const feishu = await receiver((_h, _n, res) => res.end('{"code":0,"msg":"success"}'));
    const slack = await receiver();
    const wecom = await receiver((_h, _n, res) => res.end('{"errcode":0,"errmsg":"ok"}'));
    const n = notifier([
      `  - { type: feishu, url: "${feishu.url}/open-apis/bot/v2/hook/abc", secret: feishu-secret }`,
      `  - { type: slack, url: "${slack.url}/services/T0/B0/xyz" }`,
      `  - { type: wecom, url: "${wecom.url}/cgi-bin/webhook/send?key=wk-1" }`,
    ].join('\n'));
    n.handle({ ...(opened() as Extract<DetourEvent, { type: 'incident.changed' }>), text: 'endpoint <@all> & <font color="red">x</font>' });
    await n.idle();
    const f = JSON.parse(feishu.hits[0]!.body);
    assert.equal(f.sign, createHmac('sha256', `${f.timestamp}\nfeishu-secret`).update('').digest('base64'), 'Feishu: the key is timestamp + "\\n" + secret, the message empty');
    assert.match(f.timestamp, /^\d{10}$/, 'seconds');
    assert.equal(f.msg_type, 'text');
    const s = JSON.parse(slack.hits[0]!.body);
    assert.match(s.text, /&lt;@all&gt; &amp; &lt;font/, 'Slack mrkdwn escapes &, < and >');
    assert.equal(s.blocks[0].type, 'section');
    const w = JSON.parse(wecom.hits[0]!.body);
    assert.equal(w.msgtype, 'markdown');
    assert.doesNotMatch(w.markdown.content, /<@all>|<font/, 'no mention or markup injected through incident text');
  });

  it('retries 5xx answers, a 429 (waiting at least its Retry-After) and a timeout with backoff, then delivers', async () => {
    const rx = await receiver((_h, n, res) => {
      if (n === 1) return void res.writeHead(503).end('busy');
      if (n === 2) return void res.writeHead(429, { 'retry-after': '1' }).end('slow down');
      if (n === 3) return; // never answers: the client's timeout must fire
      res.end('ok');
    });
    const lines: string[] = [];
    const n = notifier(`  - { type: slack, url: "${rx.url}/services/x", timeout: 300ms, retries: 5 }`, lines);
    n.handle(opened());
    await n.idle();
    assert.equal(rx.hits.length, 4);
    const s = n.stats()[0]!;
    assert.deepEqual([s.sent, s.failed, s.retries], [1, 0, 3]);
    const delays = lines.map((l) => JSON.parse(l) as { msg: string; delayMs?: number; reason?: string }).filter((l) => l.msg === 'notification failed; retrying');
    assert.equal(delays.length, 3);
    assert.ok(delays[1]!.delayMs! >= 1000, `Retry-After: 1 is a floor (${delays[1]!.delayMs})`);
    assert.match(delays[2]!.reason!, /Timeout|timeout/);
  });

  it('gives up on a refused message without retrying, and never logs the webhook URL or its token', async () => {
    const rx = await receiver((_h, _n, res) => res.end('{"errcode":310000,"errmsg":"sign not match"}'));
    const lines: string[] = [];
    const n = notifier(`  - { type: dingtalk, name: ops-room, url: "${rx.url}/robot/send?access_token=very-secret-token", secret: SECx }`, lines);
    n.handle(opened());
    await n.idle();
    assert.equal(rx.hits.length, 1, 'a configuration error is not retried');
    assert.equal(n.stats()[0]!.failed, 1);
    assert.match(n.stats()[0]!.lastError!, /310000/);
    const log = lines.join('\n');
    assert.match(log, /notification not delivered/);
    assert.match(log, /ops-room/);
    assert.doesNotMatch(log, /very-secret-token|SECx/);
  });

  it('queues without waiting: handle() returns before any request is made, and a dead receiver only costs retries', async () => {
    const rx = await receiver();
    const n = notifier([
      `  - { type: webhook, url: "${rx.url}/a", secret: s1, on: [slo.burn] }`,
      '  - { type: webhook, url: "http://127.0.0.1:9/dead", secret: s2, retries: 2 }',
    ].join('\n'));
    n.handle({
      type: 'slo.burn', at: Date.now(), observer: 'gw', state: 'firing', alert: 'fast', severity: 'page', service: 'api', pool: 'tencent-gz',
      provider: 'tencent', region: 'ap-guangzhou', objective: 0.999, threshold: 14.4, longWindowMs: 3_600_000, shortWindowMs: 300_000, longBurn: 15, shortBurn: 20,
    });
    n.handle(opened()); // only the second target takes incidents
    assert.equal(rx.hits.length, 0, 'nothing was sent synchronously');
    await n.idle();
    assert.equal(rx.hits.length, 1);
    assert.equal(JSON.parse(rx.hits[0]!.body).type, 'slo.burn');
    const dead = n.stats()[1]!;
    assert.deepEqual([dead.sent, dead.failed, dead.retries], [0, 2, 4], 'two messages, each tried 3 times');
    assert.match(dead.lastError!, /ECONNREFUSED/);
  });
});

describe('notification noise', () => {
  it('announces each automatic status of an incident once, however often an ejected endpoint flaps, but always the resolution', async () => {
    const rx = await receiver();
    const n = notifier(`  - { type: webhook, url: "${rx.url}/hook", secret: s }`);
    const ev = (status: 'detected' | 'mitigated' | 'monitoring' | 'resolved', change: 'opened' | 'updated' = 'updated'): DetourEvent =>
      ({ ...(opened() as Extract<DetourEvent, { type: 'incident.changed' }>), change, status, text: status });
    n.handle(ev('detected', 'opened'));
    n.handle(ev('mitigated'));
    await n.idle();
    for (let i = 0; i < 5; i++) {
      n.handle(ev('monitoring'));
      n.handle(ev('detected'));
      n.handle(ev('mitigated'));
      await n.idle();
    }
    n.handle(ev('monitoring'));
    n.handle(ev('resolved'));
    await n.idle();
    const sent = rx.hits.map((h) => JSON.parse(h.body) as { type: string; incident: { changes: Array<{ text: string }> } });
    assert.deepEqual(sent.map((b) => [b.type, b.incident.changes.map((c) => c.text).join(',')]), [
      ['incident.opened', 'detected,mitigated'],
      ['incident.updated', 'monitoring'],
      ['incident.resolved', 'resolved'],
    ]);
  });
});
