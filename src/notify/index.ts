/**
 * Notifications on incident changes and burn-rate alerts: a generic HMAC-signed webhook,
 * Slack, Feishu/Lark, DingTalk and WeCom bots. Background delivery with retries; never
 * on the request path.
 */
export { Notifier, type NotifierOptions, type TargetStats } from './notifier.js';
export { incidentNotice, burnNotice, render, webhookBody, type Notice, type Rendered } from './message.js';
export { buildRequest, verdict, type OutgoingRequest, type Verdict } from './payloads.js';
export { webhookSignature, verifyWebhook, dingtalkSign, feishuSign } from './sign.js';
