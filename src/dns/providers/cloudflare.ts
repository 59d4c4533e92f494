/**
 * Cloudflare adapter: API v4 through the official SDK (`cloudflare` 7.x), with an API token
 * (Authorization: Bearer; permission Zone → DNS → Edit on the zone).
 *
 * Calls used (https://developers.cloudflare.com/api/resources/dns/subresources/records/):
 * - GET /zones/{zone_id}/dns_records, paged (page from 1, per_page ≤ 5,000,000, default 100).
 * - POST /zones/{zone_id}/dns_records/batch: one apply is one batch per `batchSize` operations.
 *   Cloudflare runs a batch "in a single database transaction" in the order deletes, patches,
 *   puts, posts; propagation of the batch to the edge is not atomic. Patches rewrite records in
 *   place, so a changing RRset is never empty in between.
 *
 * Cloudflare keeps one record per value. Records are written DNS-only (proxied: false): a proxied
 * record answers with Cloudflare's anycast addresses, not Detour's, so a proxied record at a managed
 * name is not reported as holding its value and is patched back to DNS-only. TTL 1 means
 * "automatic" (300 s) and is reported as 300. TXT content is quoted (RFC 1035 character-strings).
 *
 * Errors: {"success":false,"errors":[{"code","message"}],"messages":[],"result":null}; the SDK
 * raises APIError subclasses by status. Retryable: 408/429/5xx, connection errors, timeouts.
 * Rejected: 400 (9021 invalid TTL, 9005 bad A content, 6003 bad Authorization header…),
 * 401/403 (10000 Authentication error), 404 (zone or record not found).
 *
 * TTL: 60–86400 (30 on Enterprise zones); minTtl defaults to 60.
 */
import type Cloudflare from 'cloudflare';
import type { Change, DnsProvider, ProviderLimits, RecordSet } from '../provider.js';
import { changeTarget, diffRecords, isRecordType, liveRecordSets, normalizeValue, normalizeName, quoteTxt, type SlotRecord } from './cloud-kit.js';
import { callApi, excerpt, isNetworkError, retryableStatus, type CallContext, type Classified } from './cloud-call.js';

export interface CloudflareOptions {
  name: string;
  apiToken: string;
  zoneId: string;
  /** API base URL; default https://api.cloudflare.com/client/v4 (tests: the emulator's). */
  baseURL?: string | undefined;
  timeoutMs?: number | undefined;
  minTtl?: number | undefined;
  maxTtl?: number | undefined;
  /** per_page of the record listing; default 1000. */
  pageSize?: number | undefined;
  /** Operations per batch call; default 200 (the documented per-request limit of Free zones). */
  batchSize?: number | undefined;
}

interface Listed {
  name: string;
  type: RecordSet['type'];
  slot: SlotRecord;
}

type Post = { name: string; type: RecordSet['type']; content: string; ttl: number; proxied?: boolean };
type Batch = { deletes: Array<{ id: string }>; patches: Array<Post & { id: string }>; posts: Post[] };

export function createCloudflareProvider(opts: CloudflareOptions): DnsProvider {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  // The SDK is loaded on first use: a Detour without Cloudflare never pays for it.
  // maxRetries 0: the reconcile loop owns retries and backoff; the SDK's would hide failures.
  let sdk: Promise<Cloudflare> | undefined;
  const sdkClient = (): Promise<Cloudflare> =>
    (sdk ??= import('cloudflare').then((m) => new m.default({ apiToken: opts.apiToken, baseURL: opts.baseURL ?? null, maxRetries: 0, timeout: timeoutMs })));
  const pageSize = opts.pageSize ?? 1000;
  const batchSize = opts.batchSize ?? 200;
  const limits: ProviderLimits = { minTtl: opts.minTtl ?? 60, maxTtl: opts.maxTtl ?? 86_400 };
  const ctx: CallContext = { provider: { name: opts.name, type: 'cloudflare' }, timeoutMs, secrets: [opts.apiToken], classify };
  const zone_id = opts.zoneId;

  async function listAll(signal: AbortSignal): Promise<Listed[]> {
    const out: Listed[] = [];
    for (let page = 1; ; page++) {
      const client = await sdkClient();
      const res = await callApi(ctx, 'ListDNSRecords', signal, (s) =>
        client.dns.records.list({ zone_id, page, per_page: pageSize }, { signal: s }),
      );
      const items = res.result;
      for (const r of items) {
        const type: string = r.type;
        const content = 'content' in r && typeof r.content === 'string' ? r.content : undefined;
        if (!isRecordType(type) || content === undefined) continue;
        const value = normalizeValue(type, content);
        if (value === undefined) continue;
        const ttl = r.ttl === 1 ? 300 : r.ttl; // 1 = "automatic", which Cloudflare documents as 300 s
        out.push({ name: normalizeName(r.name), type, slot: { id: r.id, value, ttl, live: r.proxied !== true } });
      }
      const info = res.result_info as { total_pages?: number } | undefined;
      if (items.length < pageSize || (info?.total_pages !== undefined && page >= info.total_pages)) return out;
    }
  }

  return {
    name: opts.name,
    type: 'cloudflare',
    limits,
    async list(_zone, names, signal) {
      return liveRecordSets(await listAll(signal), names);
    },
    async apply(_zone, changes: readonly Change[], signal) {
      if (changes.length === 0) return;
      const current = await listAll(signal);
      const batch: Batch = { deletes: [], patches: [], posts: [] };
      for (const change of changes) {
        const { name, type, after } = changeTarget(change);
        const here = current.filter((r) => r.name === name && r.type === type).map((r) => r.slot);
        const ops = diffRecords(here, after === undefined ? undefined : { values: after.values, ttl: after.ttl }, true);
        const body = (value: string, ttl: number): Post => ({
          name,
          type,
          content: type === 'TXT' ? quoteTxt(value) : value,
          ttl,
          ...(type === 'TXT' || type === 'NS' ? {} : { proxied: false }),
        });
        for (const d of [...ops.deleteFirst, ...ops.delete]) batch.deletes.push({ id: d.id });
        for (const m of ops.modify) batch.patches.push({ id: m.record.id, ...body(m.value, m.ttl) });
        for (const c of ops.create) batch.posts.push(body(c.value, c.ttl));
      }
      const client = await sdkClient();
      for (const part of split(batch, batchSize)) {
        // The SDK's param type is a wide union over every record type; ours is the A/AAAA/CNAME/TXT/NS subset.
        const params = { zone_id, ...part } as unknown as Parameters<typeof client.dns.records.batch>[0];
        await callApi(ctx, 'BatchDNSRecords', signal, (s) => client.dns.records.batch(params, { signal: s }));
      }
    },
  };
}

/**
 * Splits a batch into calls of at most `size` operations, keeping Cloudflare's execution order
 * across calls (all deletes, then patches, then posts), so the split behaves like one batch
 * except that it is no longer one transaction.
 */
function split(batch: Batch, size: number): Array<Partial<Batch>> {
  const ops = [
    ...batch.deletes.map((d) => ['deletes', d] as const),
    ...batch.patches.map((p) => ['patches', p] as const),
    ...batch.posts.map((p) => ['posts', p] as const),
  ];
  const out: Array<Partial<Batch>> = [];
  for (let i = 0; i < ops.length; i += size) {
    const part: Batch = { deletes: [], patches: [], posts: [] };
    for (const [kind, op] of ops.slice(i, i + size)) (part[kind] as unknown[]).push(op);
    out.push(Object.fromEntries(Object.entries(part).filter(([, v]) => v.length > 0)));
  }
  return out;
}

/** cloudflare APIError: `status` (undefined for connection errors), `errors` = the envelope's errors[]. */
function classify(e: unknown): Classified {
  const err = e as { status?: unknown; errors?: unknown; message?: unknown };
  if (typeof err.status === 'number') {
    const list = Array.isArray(err.errors) ? (err.errors as Array<{ code?: unknown; message?: unknown }>) : [];
    const codes = list.map((x) => `${String(x.code ?? '?')} ${excerpt(x.message)}`).join('; ');
    return { retryable: retryableStatus(err.status), detail: `HTTP ${err.status}${codes === '' ? ` ${excerpt(err.message)}` : ` code ${codes}`}` };
  }
  return { retryable: true, detail: `${isNetworkError(e) || isNetworkError((e as { cause?: unknown }).cause) ? 'network error' : 'no API answer'} ${excerpt(err.message)}` };
}
