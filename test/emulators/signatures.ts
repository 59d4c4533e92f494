/**
 * Request-signature verifiers for the emulators, written from each vendor's published algorithm
 * (not from the SDKs, so a canonicalization bug on either side shows up as a failed test):
 *
 * - TC3-HMAC-SHA256, Tencent Cloud API 3.0 "签名方法 v3": https://cloud.tencent.com/document/api/1427/56189
 * - ACS3-HMAC-SHA256, Alibaba Cloud "V3 版本请求体&签名机制":
 *   https://help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature
 * - AWS Signature Version 4: https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 *
 * Each returns a verdict; the emulator turns it into its provider's error envelope.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export type Verdict =
  | { ok: true; keyId: string }
  | { ok: false; reason: 'missing' | 'malformed' | 'unknown-key' | 'expired' | 'mismatch'; detail: string };

const sha256hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
const same = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const header = (h: IncomingHttpHeaders, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : v;
};
/** RFC 3986 unreserved-only percent-encoding, as SigV4 and ACS3 canonical query strings require. */
export const rfc3986 = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * TC3: Authorization "TC3-HMAC-SHA256 Credential=<SecretId>/<yyyy-mm-dd>/<service>/tc3_request,
 * SignedHeaders=content-type;host, Signature=<hex>", timestamp in X-TC-Timestamp (±5 minutes).
 * The documented service is "dnspod" (the first label of dnspod.tencentcloudapi.com) and the host is
 * the Host header. The official Node SDK derives both from its configured endpoint: service =
 * endpoint.split(".")[0] and host = the URL's hostname without the port. Against the real endpoint
 * both give the documented values; against 127.0.0.1:PORT they give "127" and "127.0.0.1", and the
 * emulator derives them the same way from its own Host header, so the signature is still verified
 * in full (a wrong secret fails).
 */
export function verifyTc3(method: string, rawUrl: string, headers: IncomingHttpHeaders, body: Buffer, secrets: ReadonlyMap<string, string>, now = Date.now()): Verdict {
  const auth = header(headers, 'authorization');
  if (!auth) return { ok: false, reason: 'missing', detail: 'no Authorization header' };
  const m = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return { ok: false, reason: 'malformed', detail: 'Authorization is not TC3-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…' };
  const [, keyId, date, service, signed, signature] = m as unknown as [string, string, string, string, string, string];
  const secret = secrets.get(keyId);
  if (secret === undefined) return { ok: false, reason: 'unknown-key', detail: 'SecretId not found' };
  const ts = Number(header(headers, 'x-tc-timestamp'));
  if (!Number.isInteger(ts)) return { ok: false, reason: 'malformed', detail: 'X-TC-Timestamp missing' };
  if (Math.abs(now / 1000 - ts) > 300) return { ok: false, reason: 'expired', detail: 'timestamp more than 5 minutes off' };
  if (new Date(ts * 1000).toISOString().slice(0, 10) !== date) return { ok: false, reason: 'mismatch', detail: 'credential date is not the timestamp date' };
  const hostname = (header(headers, 'host') ?? '').replace(/:\d+$/, '').toLowerCase();
  if (service !== hostname.split('.')[0]) return { ok: false, reason: 'mismatch', detail: 'credential scope service does not match the host' };
  const names = signed.split(';');
  if (!names.includes('host') || !names.includes('content-type') || [...names].sort().join(';') !== signed) {
    return { ok: false, reason: 'malformed', detail: 'SignedHeaders must be sorted and include content-type and host' };
  }
  const canonHeaders = names.map((n) => `${n}:${(n === 'host' ? hostname : header(headers, n) ?? '').trim().toLowerCase()}\n`).join('');
  const url = new URL(rawUrl, 'http://x');
  const canonical = [method, url.pathname, url.search.slice(1), canonHeaders, signed, sha256hex(body)].join('\n');
  const scope = `${date}/${service}/tc3_request`;
  const toSign = ['TC3-HMAC-SHA256', String(ts), scope, sha256hex(canonical)].join('\n');
  const kSigning = hmac(hmac(hmac(`TC3${secret}`, date), service), 'tc3_request');
  const want = createHmac('sha256', kSigning).update(toSign).digest('hex');
  return same(want, signature) ? { ok: true, keyId } : { ok: false, reason: 'mismatch', detail: 'signature does not match' };
}

/**
 * ACS3-HMAC-SHA256: Authorization "ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<h1;h2>,
 * Signature=<hex>"; canonical request = method, path, sorted RFC 3986 query, the signed headers
 * (host, content-type and every x-acs-* must be signed), and x-acs-content-sha256 (which must be the
 * body's hash). The Host header includes the port, exactly as sent, so nothing is relaxed here.
 */
export function verifyAcs3(method: string, rawUrl: string, headers: IncomingHttpHeaders, body: Buffer, secrets: ReadonlyMap<string, string>, now = Date.now()): Verdict {
  const auth = header(headers, 'authorization');
  if (!auth) return { ok: false, reason: 'missing', detail: 'no Authorization header' };
  const m = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([a-z0-9;-]+),Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return { ok: false, reason: 'malformed', detail: 'Authorization is not ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…' };
  const [, keyId, signed, signature] = m as unknown as [string, string, string, string];
  const secret = secrets.get(keyId);
  if (secret === undefined) return { ok: false, reason: 'unknown-key', detail: 'AccessKeyId not found' };
  const date = Date.parse(header(headers, 'x-acs-date') ?? '');
  if (Number.isNaN(date)) return { ok: false, reason: 'malformed', detail: 'x-acs-date missing or not ISO 8601' };
  if (Math.abs(now - date) > 15 * 60_000) return { ok: false, reason: 'expired', detail: 'x-acs-date more than 15 minutes off' };
  const names = signed.split(';');
  const mustSign = Object.keys(headers).filter((h) => h.startsWith('x-acs-') || h === 'host' || h === 'content-type');
  if (mustSign.some((h) => !names.includes(h)) || [...names].sort().join(';') !== signed) {
    return { ok: false, reason: 'malformed', detail: 'SignedHeaders must be sorted and cover host, content-type and all x-acs-* headers' };
  }
  const payloadHash = header(headers, 'x-acs-content-sha256') ?? '';
  if (payloadHash !== sha256hex(body)) return { ok: false, reason: 'mismatch', detail: 'x-acs-content-sha256 is not the hash of the body' };
  const url = new URL(rawUrl, 'http://x');
  const query = [...url.searchParams.entries()]
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonHeaders = names.map((n) => `${n}:${(header(headers, n) ?? '').trim()}\n`).join('');
  const canonical = [method, url.pathname || '/', query, canonHeaders, signed, payloadHash].join('\n');
  const toSign = `ACS3-HMAC-SHA256\n${sha256hex(canonical)}`;
  const want = createHmac('sha256', secret).update(toSign).digest('hex');
  return same(want, signature) ? { ok: true, keyId } : { ok: false, reason: 'mismatch', detail: 'signature does not match' };
}

/**
 * SigV4: Authorization "AWS4-HMAC-SHA256 Credential=<AKID>/<yyyymmdd>/<region>/<service>/aws4_request,
 * SignedHeaders=…, Signature=…", X-Amz-Date; the scope must be `region`/`service` (Route 53 signs
 * with us-east-1/route53). Host includes the port as sent, so the check is the documented one.
 */
export function verifySigV4(
  method: string,
  rawUrl: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
  secrets: ReadonlyMap<string, string>,
  scope: { region: string; service: string },
  now = Date.now(),
): Verdict {
  const auth = header(headers, 'authorization');
  if (!auth) return { ok: false, reason: 'missing', detail: 'no Authorization header' };
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return { ok: false, reason: 'malformed', detail: 'Authorization header requires Credential, SignedHeaders and Signature' };
  const [, keyId, day, region, service, signed, signature] = m as unknown as [string, string, string, string, string, string, string];
  const secret = secrets.get(keyId);
  if (secret === undefined) return { ok: false, reason: 'unknown-key', detail: 'The security token included in the request is invalid.' };
  if (region !== scope.region || service !== scope.service) {
    return { ok: false, reason: 'mismatch', detail: `Credential should be scoped to a valid region/service (${scope.region}/${scope.service})` };
  }
  const amzDate = header(headers, 'x-amz-date') ?? '';
  const dm = /^(\d{8})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!dm || dm[1] !== day) return { ok: false, reason: 'malformed', detail: 'X-Amz-Date missing or not the credential date' };
  const t = Date.parse(`${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6)}T${dm[2]}:${dm[3]}:${dm[4]}Z`);
  if (Math.abs(now - t) > 15 * 60_000) return { ok: false, reason: 'expired', detail: 'Signature expired' };
  const names = signed.split(';');
  if (!names.includes('host') || [...names].sort().join(';') !== signed) return { ok: false, reason: 'malformed', detail: 'SignedHeaders must be sorted and include host' };
  const url = new URL(rawUrl, 'http://x');
  const path = url.pathname.split('/').map((seg) => rfc3986(decodeURIComponent(seg))).join('/');
  const query = [...url.searchParams.entries()]
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonHeaders = names.map((n) => `${n}:${(header(headers, n) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const payloadHash = sha256hex(body);
  const claimed = header(headers, 'x-amz-content-sha256');
  if (claimed !== undefined && claimed !== payloadHash && claimed !== 'UNSIGNED-PAYLOAD') {
    return { ok: false, reason: 'mismatch', detail: 'x-amz-content-sha256 is not the hash of the body' };
  }
  const canonical = [method, path, query, canonHeaders, signed, claimed ?? payloadHash].join('\n');
  const credScope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, credScope, sha256hex(canonical)].join('\n');
  const kSigning = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request');
  const want = createHmac('sha256', kSigning).update(toSign).digest('hex');
  return same(want, signature) ? { ok: true, keyId } : { ok: false, reason: 'mismatch', detail: 'The request signature we calculated does not match the signature you provided.' };
}
