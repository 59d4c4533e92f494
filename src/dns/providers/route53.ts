/**
 * AWS Route 53 adapter: API 2013-04-01 through the official SDK (@aws-sdk/client-route-53, SigV4).
 *
 * Calls used (https://docs.aws.amazon.com/Route53/latest/APIReference/):
 * - ListResourceRecordSets: at most 300 RRsets per page, continued with NextRecordName/Type/Identifier.
 * - ChangeResourceRecordSets: one batch per apply. Creates and updates are UPSERT (idempotent, so
 *   a round that is caught up after a failure cannot trip on "already exists"); deletes are DELETE,
 *   which must name the RRset exactly as stored, so each deleted RRset is read back first
 *   (ListResourceRecordSets from its name and type, one item). A batch is transactional: "either
 *   makes all or none of the changes". Limits: 1000 ResourceRecord elements and 32,000 characters
 *   of values per request, an UPSERT counting twice (and 100 changes, an older published limit);
 *   bigger applies are split (each part is then its own transaction). The call returns when the change is PENDING; Route 53 documents propagation
 *   to its DNS servers "generally within 60 seconds" (GetChange → INSYNC), which is not awaited.
 *
 * Route 53 holds RRsets natively. Weighted/failover/latency RRsets (SetIdentifier) and aliases are
 * not plain records and are neither listed nor touched. Names come back with a trailing dot and
 * `\ooo` octal escapes ("\052" for "*"); TXT values are quoted, with octal escapes.
 *
 * Errors (<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>; since
 * 2024 InvalidChangeBatch uses the same form, see aws/aws-sdk-kotlin#1435): retryable are server
 * faults (InternalFailure, ServiceUnavailable), Throttling, PriorRequestNotComplete, 408/429/5xx,
 * network errors and timeouts; rejected are InvalidChangeBatch, InvalidInput, NoSuchHostedZone,
 * AccessDenied, SignatureDoesNotMatch, InvalidClientTokenId and missing credentials.
 *
 * TTL: 0–2147483647; AWS recommends ≤ 60 s for records that fail over.
 */
import type { Change as R53Change, ResourceRecordSet, Route53Client } from '@aws-sdk/client-route-53';
import type { Change, DnsProvider, ProviderLimits, RecordSet } from '../provider.js';
import { isRecordType, mergeRecordSets, normalizeName, normalizeValue, quoteTxt, unquoteTxt, type FlatRecord } from './cloud-kit.js';
import { callApi, excerpt, isNetworkError, retryableStatus, type CallContext, type Classified } from './cloud-call.js';

export interface Route53Options {
  name: string;
  hostedZoneId: string;
  /** Signing region; Route 53 is global and signs with us-east-1 (aws partition). */
  region?: string | undefined;
  /** Omit to use the SDK's default chain (environment, shared config, instance or task role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined } | undefined;
  endpoint?: string | undefined;
  timeoutMs?: number | undefined;
  minTtl?: number | undefined;
  maxTtl?: number | undefined;
  /** ListResourceRecordSets MaxItems; default and maximum 300. */
  pageSize?: number | undefined;
}

const RETRYABLE = new Set(['Throttling', 'ThrottlingException', 'PriorRequestNotComplete', 'RequestTimeout', 'InternalFailure', 'InternalError', 'ServiceUnavailable']);
const MAX_RECORDS = 1000;
const MAX_CHARS = 32_000;
/** Published for earlier API versions ("cannot contain more than 100 Change elements"); kept as a cheap safety margin. */
const MAX_CHANGES = 100;

export function createRoute53Provider(opts: Route53Options): DnsProvider {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  // The SDK is loaded on first use: a Detour without Route 53 never pays for it.
  type Sdk = { client: Route53Client; api: typeof import('@aws-sdk/client-route-53') };
  let sdk: Promise<Sdk> | undefined;
  const sdkClient = (): Promise<Sdk> =>
    (sdk ??= import('@aws-sdk/client-route-53').then((api) => ({
      api,
      client: new api.Route53Client({
        region: opts.region ?? 'us-east-1',
        ...(opts.endpoint === undefined ? {} : { endpoint: opts.endpoint }),
        ...(opts.credentials === undefined ? {} : { credentials: credentialsOf(opts.credentials) }),
        maxAttempts: 1, // the reconcile loop owns retries and backoff
        requestHandler: { requestTimeout: timeoutMs, connectionTimeout: Math.min(timeoutMs, 5_000) },
      }),
    })));
  const zoneId = opts.hostedZoneId.replace(/^\/?hostedzone\//, '');
  const pageSize = Math.min(opts.pageSize ?? 300, 300);
  const limits: ProviderLimits = { minTtl: opts.minTtl ?? 0, maxTtl: opts.maxTtl ?? 2_147_483_647 };
  const secrets = opts.credentials === undefined ? [] : [opts.credentials.secretAccessKey, opts.credentials.sessionToken ?? ''];
  const ctx: CallContext = { provider: { name: opts.name, type: 'route53' }, timeoutMs, secrets, classify };

  const page = async (start: { name?: string; type?: string; id?: string }, max: number, signal: AbortSignal) => {
    const { client, api } = await sdkClient();
    return callApi(ctx, 'ListResourceRecordSets', signal, (s) =>
      client.send(
        new api.ListResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          MaxItems: max,
          ...(start.name === undefined ? {} : { StartRecordName: start.name }),
          ...(start.type === undefined ? {} : { StartRecordType: start.type as 'A' }),
          ...(start.id === undefined ? {} : { StartRecordIdentifier: start.id }),
        }),
        { abortSignal: s },
      ),
    );
  };

  async function listAll(signal: AbortSignal): Promise<ResourceRecordSet[]> {
    const out: ResourceRecordSet[] = [];
    let start: { name?: string; type?: string; id?: string } = {};
    for (;;) {
      const res = await page(start, pageSize, signal);
      out.push(...(res.ResourceRecordSets ?? []));
      if (!res.IsTruncated || res.NextRecordName === undefined) return out;
      start = { name: res.NextRecordName, ...(res.NextRecordType ? { type: res.NextRecordType } : {}), ...(res.NextRecordIdentifier ? { id: res.NextRecordIdentifier } : {}) };
    }
  }

  /** The stored plain RRset at name+type, exactly as Route 53 has it (DELETE must repeat it). */
  async function stored(name: string, type: string, signal: AbortSignal): Promise<ResourceRecordSet | undefined> {
    const res = await page({ name: `${name}.`, type }, 1, signal);
    const rr = res.ResourceRecordSets?.[0];
    return rr !== undefined && plain(rr) && normalizeName(rr.Name ?? '') === name && rr.Type === type ? rr : undefined;
  }

  return {
    name: opts.name,
    type: 'route53',
    limits,
    async list(_zone, names, signal) {
      const wanted = new Set(names);
      const flat: FlatRecord[] = [];
      for (const rr of await listAll(signal)) {
        const name = normalizeName(rr.Name ?? '');
        const type = rr.Type ?? '';
        if (!wanted.has(name) || !isRecordType(type) || !plain(rr)) continue;
        for (const r of rr.ResourceRecords ?? []) {
          const value = type === 'TXT' ? unquoteTxt(r.Value ?? '', 8) : normalizeValue(type, r.Value ?? '');
          if (value !== undefined) flat.push({ name, type, ttl: rr.TTL ?? 0, value });
        }
      }
      return mergeRecordSets(flat);
    },
    async apply(_zone, changes: readonly Change[], signal) {
      const batch: R53Change[] = [];
      for (const c of changes) {
        switch (c.op) {
          case 'create':
          case 'update':
            batch.push({ Action: 'UPSERT', ResourceRecordSet: toRRset(c.after) });
            break;
          case 'delete': {
            const rr = await stored(c.before.name, c.before.type, signal);
            if (rr !== undefined) batch.push({ Action: 'DELETE', ResourceRecordSet: rr });
            break;
          }
          default: {
            const never: never = c;
            throw new Error(`unknown change ${JSON.stringify(never)}`);
          }
        }
      }
      const { client, api } = await sdkClient();
      for (const part of chunk(batch)) {
        const cmd = new api.ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Comment: 'detour', Changes: part } });
        await callApi(ctx, 'ChangeResourceRecordSets', signal, (s) => client.send(cmd, { abortSignal: s }));
      }
    },
  };
}

function credentialsOf(c: NonNullable<Route53Options['credentials']>): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } {
  const { accessKeyId, secretAccessKey, sessionToken } = c;
  return sessionToken === undefined ? { accessKeyId, secretAccessKey } : { accessKeyId, secretAccessKey, sessionToken };
}

function plain(rr: ResourceRecordSet): boolean {
  return rr.SetIdentifier === undefined && rr.AliasTarget === undefined && (rr.ResourceRecords?.length ?? 0) > 0;
}

function toRRset(s: RecordSet): ResourceRecordSet {
  return {
    Name: `${s.name}.`,
    Type: s.type,
    TTL: s.ttl,
    ResourceRecords: s.values.map((v) => ({ Value: s.type === 'TXT' ? quoteTxt(v, true) : v })),
  };
}

/** Splits a change list at the documented per-request limits, an UPSERT counting twice. */
function chunk(changes: readonly R53Change[]): R53Change[][] {
  const out: R53Change[][] = [];
  let cur: R53Change[] = [];
  let records = 0;
  let chars = 0;
  for (const c of changes) {
    const weight = c.Action === 'UPSERT' ? 2 : 1;
    const rrs = c.ResourceRecordSet?.ResourceRecords ?? [];
    const n = rrs.length * weight;
    const len = rrs.reduce((sum, r) => sum + (r.Value?.length ?? 0), 0) * weight;
    if (cur.length > 0 && (records + n > MAX_RECORDS || chars + len > MAX_CHARS || cur.length >= MAX_CHANGES)) {
      out.push(cur);
      cur = [];
      records = 0;
      chars = 0;
    }
    cur.push(c);
    records += n;
    chars += len;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** AWS SDK v3 errors: `name` is the service code, `$fault` client|server, `$metadata.httpStatusCode`. */
function classify(e: unknown): Classified {
  const err = e as { name?: unknown; message?: unknown; $fault?: unknown; $metadata?: { httpStatusCode?: unknown; requestId?: unknown } };
  const code = typeof err.name === 'string' ? err.name : 'Error';
  const status = typeof err.$metadata?.httpStatusCode === 'number' ? err.$metadata.httpStatusCode : undefined;
  const rid = typeof err.$metadata?.requestId === 'string' ? ` (RequestId ${err.$metadata.requestId})` : '';
  if (status !== undefined) {
    const retryable = err.$fault === 'server' || retryableStatus(status) || RETRYABLE.has(code);
    return { retryable, detail: `HTTP ${status} ${code} ${excerpt(err.message)}${rid}` };
  }
  if (code === 'CredentialsProviderError') return { retryable: false, detail: `no AWS credentials ${excerpt(err.message)}` };
  return { retryable: true, detail: `${isNetworkError(e) ? 'network error' : 'no API answer'} ${code} ${excerpt(err.message)}` };
}
