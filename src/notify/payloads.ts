import type { NotificationTarget } from '../config/record.js';
import { render, webhookBody, type Notice } from './message.js';
import { dingtalkSign, feishuSign, webhookSignature } from './sign.js';

export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** How a receiver answered: delivered, worth retrying, or refused for good (a config problem). */
export type Verdict = { ok: true } | { ok: false; retry: boolean; reason: string; retryAfterMs?: number };

/**
 * The request for one attempt. Built again for each retry, because DingTalk and Feishu
 * signatures carry a timestamp the server checks against its clock.
 */
export function buildRequest(t: NotificationTarget, n: Notice, deliveryId: string, nowMs: number): OutgoingRequest {
  const r = render(n);
  const json = { 'content-type': 'application/json; charset=utf-8' };
  switch (t.type) {
    case 'webhook': {
      const body = JSON.stringify(webhookBody(n, deliveryId));
      const ts = Math.floor(nowMs / 1000);
      return {
        url: t.url.reveal(), body,
        headers: { ...json, 'x-detour-delivery': deliveryId, 'x-detour-timestamp': String(ts), 'x-detour-signature': webhookSignature(t.secret?.reveal() ?? '', ts, body) },
      };
    }
    case 'slack': {
      // Slack incoming webhooks: `text` is the notification fallback, blocks the layout (mrkdwn escapes &, <, >).
      const text = slackEscape([`*${r.title}*`, ...r.lines].join('\n'));
      return { url: t.url.reveal(), headers: json, body: JSON.stringify({ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] }) };
    }
    case 'feishu': {
      const ts = Math.floor(nowMs / 1000);
      const signed = t.secret ? { timestamp: String(ts), sign: feishuSign(t.secret.reveal(), ts) } : {};
      return { url: t.url.reveal(), headers: json, body: JSON.stringify({ ...signed, msg_type: 'text', content: { text: [r.title, ...r.lines].join('\n') } }) };
    }
    case 'dingtalk': {
      const url = new URL(t.url.reveal());
      if (t.secret) {
        url.searchParams.set('timestamp', String(nowMs));
        url.searchParams.set('sign', dingtalkSign(t.secret.reveal(), nowMs));
      }
      const text = [`### ${htmlEscape(r.title)}`, ...r.lines.map((l) => `- ${htmlEscape(l)}`)].join('\n');
      return { url: url.href, headers: json, body: JSON.stringify({ msgtype: 'markdown', markdown: { title: r.title.slice(0, 64), text } }) };
    }
    case 'wecom': {
      // WeCom group bot markdown: at most 4096 bytes of content.
      const content = truncateBytes([`**${htmlEscape(r.title)}**`, ...r.lines.map((l) => `> ${htmlEscape(l)}`)].join('\n'), 4096);
      return { url: t.url.reveal(), headers: json, body: JSON.stringify({ msgtype: 'markdown', markdown: { content } }) };
    }
    default: {
      const never: never = t.type;
      return never;
    }
  }
}

/**
 * Reads the answer. Chat bots answer HTTP 200 with an error code in the body (as clouds
 * do), so the body decides: DingTalk and WeCom `errcode` (0 = ok; 130101 DingTalk "send
 * too fast" and 45009 WeCom "api freq out of limit" are retried), Feishu `code`
 * (or the older `StatusCode`; 11232 is its rate limit). 429 and 5xx are retried;
 * other 4xx are not (a wrong URL or secret does not fix itself).
 */
export function verdict(t: NotificationTarget, status: number, body: string, retryAfter: string | undefined): Verdict {
  const after = retryAfterMs(retryAfter);
  if (status === 429 || status >= 500) return { ok: false, retry: true, reason: `HTTP ${status}`, ...(after !== undefined ? { retryAfterMs: after } : {}) };
  if (status < 200 || status >= 300) return { ok: false, retry: false, reason: `HTTP ${status}: ${body.slice(0, 200)}` };
  const code = bodyCode(t.type, body);
  if (code === undefined || code.code === 0) return { ok: true };
  const retryable = new Set([130101, 45009, 11232]).has(code.code);
  return { ok: false, retry: retryable, reason: `${t.type} error ${code.code}: ${code.message.slice(0, 200)}` };
}

function bodyCode(type: NotificationTarget['type'], body: string): { code: number; message: string } | undefined {
  if (type === 'webhook' || type === 'slack') return undefined;
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return { code: -1, message: `unreadable answer: ${body.slice(0, 100)}` };
  }
  const code = v['errcode'] ?? v['code'] ?? v['StatusCode'];
  if (typeof code !== 'number') return undefined;
  return { code, message: String(v['errmsg'] ?? v['msg'] ?? v['StatusMessage'] ?? '') };
}

function retryAfterMs(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const s = Number(v);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** DingTalk and WeCom markdown accept HTML tags (`<font>`, WeCom `<@userid>` mentions): dynamic text must not add any. */
function htmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncateBytes(s: string, max: number): string {
  if (Buffer.byteLength(s) <= max) return s;
  let out = s;
  while (Buffer.byteLength(out) > max - 3) out = out.slice(0, Math.floor(out.length * 0.9));
  return `${out}…`;
}
