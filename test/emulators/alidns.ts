/**
 * Alibaba Cloud DNS (Alidns 2015-01-09) emulator for the actions the adapter uses:
 * DescribeDomainRecords, AddDomainRecord, UpdateDomainRecord, DeleteDomainRecord.
 *
 * Wire format: RPC style, parameters in the query (or a form body), action and version in
 * x-acs-action / x-acs-version, ACS3-HMAC-SHA256 signature with x-acs-date, x-acs-signature-nonce
 * (a reused nonce is refused with SignatureNonceUsed) and x-acs-content-sha256 (signatures.ts).
 * Success is HTTP 200 JSON with RequestId; failure is JSON {"RequestId","HostId","Code","Message",
 * "Recommend"} with a 4xx/5xx status (https://www.alibabacloud.com/help/doc-detail/25964.htm server
 * errors; per-action codes from the AddDomainRecord/UpdateDomainRecord pages: IncorrectDomainUser,
 * DomainRecordDuplicate, DomainRecordConflict, DomainRecordNotBelongToUser; QuotaExceeded.TTL with
 * the message seen from the live API, "The specified TTL is invalid. A valid TTL must be in the
 * range of 600 to 86400.").
 *
 * Model: one record per value with RR ("@" for the apex), Line ("default"), Status ENABLE/DISABLE,
 * TTL 600 when omitted; DescribeDomainRecords lists newest first (the documented default order)
 * and pages with PageNumber (from 1) and PageSize (≤ 500, default 20).
 */
import { isIP } from 'node:net';
import { applyTransportFault, requestId, sendJson, startHttpEmulator, type HttpEmulator } from './server.js';
import { verifyAcs3 } from './signatures.js';
import { mergeSnapshot, type SnapshotSet } from './snapshot.js';

export interface AlidnsRecord {
  DomainName: string;
  RecordId: string;
  RR: string;
  Type: string;
  Value: string;
  TTL: number;
  Line: string;
  Status: 'ENABLE' | 'DISABLE';
  Locked: boolean;
  Weight: number;
  CreateTimestamp: number;
  UpdateTimestamp: number;
}

export interface AlidnsEmulator extends HttpEmulator {
  records(zone: string): AlidnsRecord[];
  rrsets(zone: string): SnapshotSet[];
  seed(zone: string, r: { rr: string; type: string; value: string; ttl?: number; line?: string; status?: 'ENABLE' | 'DISABLE' }): string;
}

type Err = { status: number; code: string; message: string };
const fail = (status: number, code: string, message: string): Err => ({ status, code, message });
const isErr = (r: object): r is Err => 'code' in r && 'status' in r;

export async function startAlidnsEmulator(opts: { credentials: Record<string, string>; zones: string[]; minTtl?: number }): Promise<AlidnsEmulator> {
  const secrets = new Map(Object.entries(opts.credentials));
  const minTtl = opts.minTtl ?? 600;
  const zones = new Map<string, AlidnsRecord[]>(opts.zones.map((z) => [z, []]));
  const nonces = new Set<string>();
  let nextId = 17_000_000_000;
  let clock = Date.now();
  const insert = (zone: string, r: Pick<AlidnsRecord, 'RR' | 'Type' | 'Value' | 'TTL' | 'Line' | 'Status'>): string => {
    const id = String(nextId++);
    const t = ++clock; // strictly increasing, so "newest first" is deterministic
    zones.get(zone)!.push({ DomainName: zone, RecordId: id, Locked: false, Weight: 1, CreateTimestamp: t, UpdateTimestamp: t, ...r });
    return id;
  };

  const emu = await startHttpEmulator((req, body, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const params: Record<string, string> = Object.fromEntries(url.searchParams);
    if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
    }
    const action = String(req.headers['x-acs-action'] ?? params.Action ?? '');
    const fault = emu.faults.take(action);
    emu.calls.push({ action, outcome: fault ?? 200, params });
    const rid = requestId();
    const send = (r: Record<string, unknown> | Err): void => {
      if (!isErr(r)) return sendJson(res, 200, { RequestId: rid, ...r }, { 'content-type': 'application/json;charset=utf-8' });
      const recommend = `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(r.code)}&product=Alidns&requestId=${rid}`;
      sendJson(res, r.status, { RequestId: rid, HostId: 'alidns.aliyuncs.com', Code: r.code, Message: r.message, Recommend: recommend }, { 'content-type': 'application/json;charset=utf-8' });
    };
    if (fault !== undefined) {
      if (applyTransportFault(fault, res)) return;
      return send(
        fault === 'throttle'
          ? fail(400, 'Throttling.User', 'Request was denied due to user flow control.')
          : fail(500, 'InternalError', 'The request processing has failed due to some unknown error, exception or failure.'),
      );
    }
    const v = verifyAcs3(req.method ?? 'GET', req.url ?? '/', req.headers, body, secrets);
    if (!v.ok) {
      const e = {
        missing: fail(400, 'IncompleteSignature', `The request signature does not conform to Aliyun standards (${v.detail}).`),
        malformed: fail(400, 'IncompleteSignature', `The request signature does not conform to Aliyun standards (${v.detail}).`),
        'unknown-key': fail(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.'),
        expired: fail(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.'),
        mismatch: fail(400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.'),
      }[v.reason];
      return send(e);
    }
    const nonce = String(req.headers['x-acs-signature-nonce'] ?? '');
    if (nonce === '' || nonces.has(nonce)) return send(fail(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.'));
    nonces.add(nonce);
    if (req.headers['x-acs-version'] !== '2015-01-09') return send(fail(400, 'InvalidVersion', 'Specified parameter Version is not valid.'));
    send(handle(action, params));
  });

  function handle(action: string, p: Record<string, string>): Record<string, unknown> | Err {
    switch (action) {
      case 'DescribeDomainRecords': {
        const zone = zones.get((p.DomainName ?? '').toLowerCase());
        if (zone === undefined) return fail(400, 'InvalidDomainName.NoExist', 'The specified domain name does not exist. Refresh the page and try again.');
        let list = [...zone].sort((a, b) => b.CreateTimestamp - a.CreateTimestamp);
        if (p.Line !== undefined) list = list.filter((r) => r.Line === p.Line);
        if (p.Type !== undefined) list = list.filter((r) => r.Type === p.Type);
        const size = Math.min(Number(p.PageSize ?? 20), 500);
        const page = Math.max(Number(p.PageNumber ?? 1), 1);
        const slice = list.slice((page - 1) * size, page * size);
        return { TotalCount: list.length, PageNumber: page, PageSize: size, DomainRecords: { Record: slice.map((r) => ({ ...r })) } };
      }
      case 'AddDomainRecord': {
        const zone = (p.DomainName ?? '').toLowerCase();
        if (!zones.has(zone)) return fail(400, 'IncorrectDomainUser', 'The domain name does not belong to this user.');
        const checked = validate(zone, p, undefined);
        if (isErr(checked)) return checked;
        return { RecordId: insert(zone, { ...checked, Status: 'ENABLE' }) };
      }
      case 'UpdateDomainRecord': {
        const found = find(p.RecordId);
        if (found === undefined) return fail(400, 'DomainRecordNotBelongToUser', 'The domain record does not belong to this user.');
        const checked = validate(found.DomainName, p, found);
        if (isErr(checked)) return checked;
        Object.assign(found, checked, { UpdateTimestamp: ++clock });
        return { RecordId: found.RecordId };
      }
      case 'DeleteDomainRecord': {
        const found = find(p.RecordId);
        if (found === undefined) return fail(400, 'DomainRecordNotBelongToUser', 'The domain record does not belong to this user.');
        const list = zones.get(found.DomainName)!;
        list.splice(list.indexOf(found), 1);
        return { RecordId: found.RecordId };
      }
      default:
        return fail(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.');
    }
  }

  function find(id: string | undefined): AlidnsRecord | undefined {
    for (const list of zones.values()) for (const r of list) if (r.RecordId === id) return r;
    return undefined;
  }

  function validate(zone: string, p: Record<string, string>, self: AlidnsRecord | undefined): Pick<AlidnsRecord, 'RR' | 'Type' | 'Value' | 'TTL' | 'Line'> | Err {
    for (const k of ['RR', 'Type', 'Value']) if (p[k] === undefined) return fail(400, 'MissingParameter', `The input parameter "${k}" that is mandatory for processing this request is not supplied.`);
    const rec = { RR: p.RR!.toLowerCase(), Type: p.Type!.toUpperCase(), Value: p.Value!, TTL: p.TTL === undefined ? 600 : Number(p.TTL), Line: p.Line ?? 'default' };
    if (!Number.isInteger(rec.TTL) || rec.TTL < minTtl || rec.TTL > 86400) {
      return fail(400, 'QuotaExceeded.TTL', `The specified TTL is invalid. A valid TTL must be in the range of ${minTtl} to 86400.`);
    }
    if ((rec.Type === 'A' && isIP(rec.Value) !== 4) || (rec.Type === 'AAAA' && isIP(rec.Value) !== 6)) {
      return fail(400, 'InvalidParameter', `The specified parameter "Value" is not valid for a ${rec.Type} record.`);
    }
    const others = zones.get(zone)!.filter((r) => r !== self && r.RR === rec.RR && r.Line === rec.Line);
    if (others.some((r) => r.Type === rec.Type && r.Value.toLowerCase() === rec.Value.toLowerCase())) {
      return fail(400, 'DomainRecordDuplicate', 'The DNS record already exists.');
    }
    if (self && self.RR === rec.RR && self.Type === rec.Type && self.Value === rec.Value && self.TTL === rec.TTL && self.Line === rec.Line) {
      return fail(400, 'DomainRecordDuplicate', 'The DNS record already exists.'); // an update that changes nothing
    }
    if (others.some((r) => (r.Type === 'CNAME') !== (rec.Type === 'CNAME') && r.Type !== 'NS' && rec.Type !== 'NS')) {
      return fail(400, 'DomainRecordConflict', 'The DNS record conflicts with other records.');
    }
    return rec;
  }

  const records = (zone: string): AlidnsRecord[] => (zones.get(zone) ?? []).map((r) => ({ ...r }));
  return Object.assign(emu, {
    records,
    rrsets: (zone: string) =>
      mergeSnapshot(
        records(zone)
          .filter((r) => r.Status === 'ENABLE' && r.Line === 'default')
          .map((r) => ({ name: r.RR === '@' ? zone : `${r.RR}.${zone}`, type: r.Type, ttl: r.TTL, value: r.Value })),
      ),
    seed: (zone: string, r: { rr: string; type: string; value: string; ttl?: number; line?: string; status?: 'ENABLE' | 'DISABLE' }) =>
      insert(zone, { RR: r.rr.toLowerCase(), Type: r.type, Value: r.value, TTL: r.ttl ?? 600, Line: r.line ?? 'default', Status: r.status ?? 'ENABLE' }),
  }) satisfies AlidnsEmulator;
}
