import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Request signatures.
 *
 * Detour's generic webhook (Stripe/Slack style): `X-Detour-Timestamp` is Unix seconds,
 * `X-Detour-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`. A receiver
 * recomputes it over the raw body and rejects old timestamps (replays); `verifyWebhook`
 * does both.
 *
 * DingTalk custom robot ("加签"): string to sign = `<timestamp ms>\n<secret>`, HMAC-SHA256
 * keyed with the secret, Base64, sent URL-encoded as `&timestamp=…&sign=…`; the server
 * refuses a timestamp more than an hour off (open.dingtalk.com/document/robots/customize-robot-security-settings).
 *
 * Feishu/Lark custom bot ("签名校验"): `<timestamp s>\n<secret>` is the HMAC-SHA256 *key*
 * and the message is empty; Base64; sent in the JSON body as `timestamp` and `sign`
 * (open.feishu.cn/document/client-docs/bot-v3/add-custom-bot).
 */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** For receivers: true when the signature matches and the timestamp is within `toleranceS` of `nowS`. */
export function verifyWebhook(secret: string, headers: { timestamp: string | undefined; signature: string | undefined }, body: string, nowS: number, toleranceS = 300): boolean {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowS - ts) > toleranceS || headers.signature === undefined) return false;
  const want = Buffer.from(webhookSignature(secret, ts, body));
  const got = Buffer.from(headers.signature);
  return want.length === got.length && timingSafeEqual(want, got);
}

export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

export function feishuSign(secret: string, timestampS: number): string {
  return createHmac('sha256', `${timestampS}\n${secret}`).update('').digest('base64');
}
