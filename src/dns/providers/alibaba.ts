/**
 * Alibaba Cloud DNS adapter: Alidns API 2015-01-09 (RPC style) through the official SDK
 * (@alicloud/alidns20150109 on @alicloud/openapi-core), which signs with ACS3-HMAC-SHA256 by default.
 *
 * Actions used (https://help.aliyun.com/document_detail/29739.html and the per-action pages):
 * DescribeDomainRecords (PageNumber from 1, PageSize ≤ 500), AddDomainRecord, UpdateDomainRecord,
 * DeleteDomainRecord. Alidns keeps one record per value; Detour manages the "default" line only.
 * UpdateDomainRecord cannot enable a paused record (that is SetDomainRecordStatus, not used), so a
 * paused record at a managed name is deleted and the value created anew.
 *
 * Errors are JSON {"RequestId","HostId","Code","Message","Recommend"} with HTTP 4xx/5xx; the SDK
 * raises ClientError (4xx), ServerError (5xx) or ThrottlingError (code contains "Throttling").
 * Retryable: 5xx, 408/429, Throttling*, InternalError*, ServiceUnavailable*, UnknownError (and the
 * documented "UnKnownError"), network errors, timeouts. Rejected: InvalidAccessKeyId.*,
 * SignatureDoesNotMatch, Forbidden.RAM, QuotaExceeded.TTL, DomainRecordDuplicate, IncorrectDomainUser…
 *
 * TTL: 600–86400 on the free and personal editions ("QuotaExceeded.TTL … range of 600 to 86400"),
 * down to 1 on Enterprise Ultimate; minTtl defaults to 600, maxTtl to 86400.
 */
import type * as AlidnsSdk from '@alicloud/alidns20150109';
import type { Change, DnsProvider, ProviderLimits, RecordSet } from '../provider.js';
import { changeTarget, diffRecords, fqdnOf, hostLabel, isRecordType, liveRecordSets, normalizeValue, type SlotRecord } from './cloud-kit.js';
import { callApi, excerpt, isNetworkError, retryableStatus, type CallContext, type Classified } from './cloud-call.js';

export interface AlidnsOptions {
  name: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** "alidns.aliyuncs.com" (default, from regionId cn-hangzhou) or a URL such as "http://127.0.0.1:8080" (tests). */
  endpoint?: string | undefined;
  regionId?: string | undefined;
  /** The resolution line Detour manages; default "default". */
  line?: string | undefined;
  timeoutMs?: number | undefined;
  minTtl?: number | undefined;
  maxTtl?: number | undefined;
  /** DescribeDomainRecords PageSize; default and maximum 500. */
  pageSize?: number | undefined;
}

interface Listed {
  name: string;
  type: RecordSet['type'];
  slot: SlotRecord;
}

const RETRYABLE = /^(Throttling|InternalError|ServiceUnavailable|UnknownError$|UnKnownError$)/;

export function createAlidnsProvider(opts: AlidnsOptions): DnsProvider {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const ep = opts.endpoint === undefined ? undefined : splitEndpoint(opts.endpoint);
  // The SDKs are loaded on first use: a Detour without Alidns never pays for them.
  type Sdk = { client: InstanceType<typeof AlidnsSdk.default.default>; models: typeof AlidnsSdk };
  let sdk: Promise<Sdk> | undefined;
  const load = async (): Promise<Sdk> => {
    const [models, openapi] = await Promise.all([import('@alicloud/alidns20150109'), import('@alicloud/openapi-core')]);
    const config = new openapi.$OpenApiUtil.Config({
      accessKeyId: opts.accessKeyId,
      accessKeySecret: opts.accessKeySecret,
      regionId: opts.regionId ?? 'cn-hangzhou',
      ...(ep === undefined ? {} : { endpoint: ep.host, protocol: ep.protocol }),
      // The SDK's own socket timeouts (its calls take no AbortSignal; callApi races the deadline).
      // No retryOptions: the SDK does not retry, the reconcile loop does.
      readTimeout: timeoutMs,
      connectTimeout: Math.min(timeoutMs, 5_000),
    });
    // A CommonJS module with `exports.default = Client` and __esModule: Node's ESM loader gives
    // `default` = module.exports, transpiling loaders (tsx) give the class itself. Accept both.
    const mod: unknown = models.default;
    const Client = (typeof mod === 'function' ? mod : models.default.default) as typeof AlidnsSdk.default.default;
    return { client: new Client(config), models };
  };
  const sdkClient = (): Promise<Sdk> => (sdk ??= load());
  const line = opts.line ?? 'default';
  const pageSize = Math.min(opts.pageSize ?? 500, 500);
  const limits: ProviderLimits = { minTtl: opts.minTtl ?? 600, maxTtl: opts.maxTtl ?? 86_400 };
  const ctx: CallContext = { provider: { name: opts.name, type: 'alibaba' }, timeoutMs, secrets: [opts.accessKeySecret], classify };

  async function listAll(zone: string, signal: AbortSignal): Promise<Listed[]> {
    const out: Listed[] = [];
    for (let page = 1; ; page++) {
      const { client, models } = await sdkClient();
      const req = new models.DescribeDomainRecordsRequest({ domainName: zone, pageNumber: page, pageSize, line });
      const res = await callApi(ctx, 'DescribeDomainRecords', signal, () => client.describeDomainRecords(req));
      const recs = res.body?.domainRecords?.record ?? [];
      for (const r of recs) {
        const type = r.type ?? '';
        if ((r.line ?? line) !== line || !isRecordType(type) || r.recordId === undefined || r.value === undefined) continue;
        const value = normalizeValue(type, r.value);
        if (value === undefined) continue;
        const live = (r.status ?? 'ENABLE').toUpperCase() === 'ENABLE';
        out.push({ name: fqdnOf(r.RR ?? '@', zone), type, slot: { id: r.recordId, value, ttl: r.TTL ?? 600, live } });
      }
      const total = res.body?.totalCount ?? 0;
      if (recs.length < pageSize || page * pageSize >= total) return out;
    }
  }

  return {
    name: opts.name,
    type: 'alibaba',
    limits,
    async list(zone, names, signal) {
      return liveRecordSets(await listAll(zone, signal), names);
    },
    async apply(zone, changes: readonly Change[], signal) {
      if (changes.length === 0) return;
      const current = await listAll(zone, signal);
      const { client, models } = await sdkClient();
      for (const change of changes) {
        const { name, type, after } = changeTarget(change);
        const here = current.filter((r) => r.name === name && r.type === type).map((r) => r.slot);
        const ops = diffRecords(here, after === undefined ? undefined : { values: after.values, ttl: after.ttl }, false);
        const RR = hostLabel(name, zone);
        const del = (d: SlotRecord): Promise<unknown> =>
          callApi(ctx, 'DeleteDomainRecord', signal, () => client.deleteDomainRecord(new models.DeleteDomainRecordRequest({ recordId: d.id })));
        for (const d of ops.deleteFirst) await del(d);
        for (const m of ops.modify) {
          const req = new models.UpdateDomainRecordRequest({ recordId: m.record.id, RR, type, value: m.value, TTL: m.ttl, line });
          await callApi(ctx, 'UpdateDomainRecord', signal, () => client.updateDomainRecord(req));
        }
        for (const c of ops.create) {
          const req = new models.AddDomainRecordRequest({ domainName: zone, RR, type, value: c.value, TTL: c.ttl, line });
          await callApi(ctx, 'AddDomainRecord', signal, () => client.addDomainRecord(req));
        }
        for (const d of ops.delete) await del(d);
      }
    },
  };
}

function splitEndpoint(endpoint: string): { protocol: 'https' | 'http'; host: string } {
  const m = /^(https?):\/\/([^/]+)\/?$/.exec(endpoint);
  if (m) return { protocol: m[1] === 'http' ? 'http' : 'https', host: m[2]! };
  return { protocol: 'https', host: endpoint.replace(/\/+$/, '') };
}

/** @alicloud/openapi-core ClientError / ServerError / ThrottlingError: `code`, `statusCode`, `requestId`, `data` (the body). */
function classify(e: unknown): Classified {
  const err = e as { code?: unknown; statusCode?: unknown; requestId?: unknown; data?: unknown; message?: unknown; name?: unknown };
  const status = typeof err.statusCode === 'number' ? err.statusCode : undefined;
  const data = (typeof err.data === 'object' && err.data !== null ? err.data : {}) as { Message?: unknown; RequestId?: unknown };
  const code = typeof err.code === 'string' && err.code !== '' && err.code !== 'undefined' ? err.code : undefined;
  if (status !== undefined || (code !== undefined && err.name !== 'Error')) {
    const rid = typeof data.RequestId === 'string' ? ` (RequestId ${data.RequestId})` : '';
    const text = data.Message ?? err.message;
    const retryable = (status !== undefined && retryableStatus(status)) || (code !== undefined && RETRYABLE.test(code));
    return { retryable, detail: `${status === undefined ? '' : `HTTP ${status} `}${code ?? 'no code'} ${excerpt(text)}${rid}` };
  }
  return { retryable: true, detail: `${isNetworkError(e) ? 'network error' : 'no API answer'} ${excerpt(err.message)}` };
}
