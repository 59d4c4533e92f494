/**
 * Tencent Cloud DNSPod adapter: API 3.0, version 2021-03-23, through the official SDK
 * (tencentcloud-sdk-nodejs-dnspod, TC3-HMAC-SHA256 signing).
 *
 * Actions used (https://cloud.tencent.com/document/api/1427): DescribeRecordList (paged with
 * Offset/Limit, Limit ≤ 3000; ErrorOnEmpty "no" so an empty zone is not the error
 * ResourceNotFound.NoDataOfRecord), CreateRecord, ModifyRecord, DeleteRecord. DNSPod keeps one
 * record per value; RecordLine is required and Detour manages only its configured line ("默认",
 * the default line): records on other lines are neither listed nor touched.
 *
 * Errors come back as HTTP 200 with `Response.Error.Code` (the 2024-04-08 outage was 87 minutes
 * of `InternalError` in such bodies). Retryable: InternalError*, ServiceUnavailable*,
 * RequestLimitExceeded*, FailedOperation.FrequencyLimit and FailedOperation.UnknowError ("操作未响应，
 * 请稍后重试"), non-200 HTTP answers of 408/429/5xx, network errors and timeouts. Everything else
 * (AuthFailure.*, InvalidParameter*, LimitExceeded.RecordTtlLimit, OperationDenied.*) is rejected.
 *
 * TTL: 1–604800 by API, with a plan minimum (600 s on the free plan); minTtl defaults to 600.
 */
import { Agent as HttpAgent } from 'node:http';
import type * as Tencentcloud from 'tencentcloud-sdk-nodejs-dnspod';
import type { Change, DnsProvider, ProviderLimits, RecordSet } from '../provider.js';
import { changeTarget, diffRecords, fqdnOf, hostLabel, isRecordType, liveRecordSets, normalizeValue, type SlotRecord } from './cloud-kit.js';
import { callApi, excerpt, isNetworkError, retryableStatus, type CallContext, type Classified } from './cloud-call.js';

export interface DnspodOptions {
  name: string;
  secretId: string;
  secretKey: string;
  /** API endpoint: "dnspod.tencentcloudapi.com" (default), "dnspod.intl.tencentcloudapi.com", or a URL such as "http://127.0.0.1:8080" (tests). */
  endpoint?: string | undefined;
  region?: string | undefined;
  /** The record line Detour manages; default "默认". */
  recordLine?: string | undefined;
  /** Per API call; default 10 s. */
  timeoutMs?: number | undefined;
  minTtl?: number | undefined;
  maxTtl?: number | undefined;
  /** DescribeRecordList page size (Limit); default and maximum 3000. */
  pageSize?: number | undefined;
}

interface DnspodRecord {
  RecordId?: number;
  Value?: string;
  Status?: string;
  Name?: string;
  Line?: string;
  Type?: string;
  TTL?: number;
}

interface Listed {
  name: string;
  type: RecordSet['type'];
  slot: SlotRecord;
}

const RETRYABLE = /^(InternalError|ServiceUnavailable|RequestLimitExceeded|FailedOperation\.FrequencyLimit$|FailedOperation\.UnknowError$)/;

export function createDnspodProvider(opts: DnspodOptions): DnsProvider {
  const { protocol, host } = splitEndpoint(opts.endpoint ?? 'dnspod.tencentcloudapi.com');
  const timeoutMs = opts.timeoutMs ?? 10_000;
  // The SDK is loaded on first use: a Detour without DNSPod never pays for it.
  type Client = InstanceType<typeof Tencentcloud.dnspod.v20210323.Client>;
  let sdk: Promise<Client> | undefined;
  const sdkClient = (): Promise<Client> =>
    (sdk ??= import('tencentcloud-sdk-nodejs-dnspod').then(
      (tencentcloud) =>
        new tencentcloud.dnspod.v20210323.Client({
          credential: { secretId: opts.secretId, secretKey: opts.secretKey },
          region: opts.region ?? '',
          profile: {
            httpProfile: {
              endpoint: host,
              protocol,
              reqTimeout: Math.max(1, Math.ceil(timeoutMs / 1000)),
              // A plain-HTTP endpoint is a local emulator or gateway: do not route it through $http_proxy.
              ...(protocol === 'http://' ? { agent: new HttpAgent({ keepAlive: true }) } : {}),
            },
          },
        }),
    ));
  const line = opts.recordLine ?? '默认';
  const pageSize = Math.min(opts.pageSize ?? 3000, 3000);
  const limits: ProviderLimits = { minTtl: opts.minTtl ?? 600, maxTtl: opts.maxTtl ?? 604_800 };
  const self = { name: opts.name, type: 'tencent-dnspod' };
  const ctx: CallContext = { provider: self, timeoutMs, secrets: [opts.secretKey], classify };

  const call = async <T>(action: string, req: object, signal: AbortSignal): Promise<T> => {
    const client = await sdkClient();
    return callApi(ctx, action, signal, (s) => client.request(action, req, { signal: s }) as Promise<T>);
  };

  async function listAll(zone: string, signal: AbortSignal): Promise<Listed[]> {
    const out: Listed[] = [];
    for (let offset = 0; ; offset += pageSize) {
      const res = await call<{ RecordList?: DnspodRecord[]; RecordCountInfo?: { TotalCount?: number } }>(
        'DescribeRecordList',
        { Domain: zone, RecordLine: line, Offset: offset, Limit: pageSize, ErrorOnEmpty: 'no' },
        signal,
      );
      const page = res.RecordList ?? [];
      for (const r of page) {
        const type = r.Type ?? '';
        if (r.Line !== undefined && r.Line !== line) continue;
        if (!isRecordType(type) || r.RecordId === undefined || r.Value === undefined) continue;
        const value = normalizeValue(type, r.Value);
        if (value === undefined) continue;
        const live = (r.Status ?? 'ENABLE').toUpperCase() === 'ENABLE';
        out.push({ name: fqdnOf(r.Name ?? '@', zone), type, slot: { id: String(r.RecordId), value, ttl: r.TTL ?? 600, live } });
      }
      const total = res.RecordCountInfo?.TotalCount ?? 0;
      if (page.length < pageSize || offset + page.length >= total) return out;
    }
  }

  return {
    name: opts.name,
    type: 'tencent-dnspod',
    limits,
    async list(zone, names, signal) {
      return liveRecordSets(await listAll(zone, signal), names);
    },
    async apply(zone, changes: readonly Change[], signal) {
      if (changes.length === 0) return;
      const current = await listAll(zone, signal);
      for (const change of changes) {
        const { name, type, after } = changeTarget(change);
        const here = current.filter((r) => r.name === name && r.type === type).map((r) => r.slot);
        const ops = diffRecords(here, after === undefined ? undefined : { values: after.values, ttl: after.ttl }, true);
        const base = { Domain: zone, SubDomain: hostLabel(name, zone), RecordType: type, RecordLine: line };
        for (const m of ops.modify) {
          await call('ModifyRecord', { ...base, RecordId: Number(m.record.id), Value: m.value, TTL: m.ttl, Status: 'ENABLE' }, signal);
        }
        for (const c of ops.create) await call('CreateRecord', { ...base, Value: c.value, TTL: c.ttl }, signal);
        for (const d of [...ops.deleteFirst, ...ops.delete]) await call('DeleteRecord', { Domain: zone, RecordId: Number(d.id) }, signal);
      }
    },
  };
}

/** The SDK wants host[:port] and "https://"/"http://" separately; accept either form from the config. */
function splitEndpoint(endpoint: string): { protocol: 'https://' | 'http://'; host: string } {
  const m = /^(https?):\/\/([^/]+)\/?$/.exec(endpoint);
  if (m) return { protocol: m[1] === 'http' ? 'http://' : 'https://', host: m[2]! };
  return { protocol: 'https://', host: endpoint.replace(/\/+$/, '') };
}

/** TencentCloudSDKHttpException: `code` for an API error envelope, `httpCode` for a non-200 answer. */
function classify(e: unknown): Classified {
  const err = e as { code?: unknown; httpCode?: unknown; message?: unknown; requestId?: unknown };
  const rid = typeof err.requestId === 'string' && err.requestId !== '' ? ` (RequestId ${err.requestId})` : '';
  if (typeof err.code === 'string' && err.code !== '') {
    return { retryable: RETRYABLE.test(err.code), detail: `${err.code} ${excerpt(err.message)}${rid}` };
  }
  if (typeof err.httpCode === 'number') {
    return { retryable: retryableStatus(err.httpCode), detail: `HTTP ${err.httpCode} ${excerpt(err.message)}` };
  }
  // Without code or status: a transport failure the SDK wrapped (refused, reset, timeout) or a
  // body that is not an API 3.0 envelope (a proxy's error page). Both say "the API is not answering".
  return { retryable: true, detail: `${isNetworkError(e) ? 'network error' : 'no API answer'} ${excerpt(err.message)}` };
}
