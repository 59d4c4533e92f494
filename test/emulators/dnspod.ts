/**
 * Tencent Cloud DNSPod API 3.0 emulator (version 2021-03-23), for the actions the adapter uses:
 * DescribeRecordList, CreateRecord, ModifyRecord, DeleteRecord.
 *
 * Wire format (https://cloud.tencent.com/document/api/1427/56187 request structure, /56190 return
 * results): POST / with a JSON body, the action in X-TC-Action, X-TC-Version 2021-03-23, TC3
 * signature (see signatures.ts). Every API answer is HTTP 200: success {"Response":{...,"RequestId"}},
 * failure {"Response":{"Error":{"Code","Message"},"RequestId"}}. Codes follow the API's lists
 * (common codes /56192; per-action lists such as ModifyRecord's): AuthFailure.SignatureFailure,
 * AuthFailure.SecretIdNotFound, AuthFailure.SignatureExpire, AuthFailure.InvalidAuthorization,
 * InvalidAction, NoSuchVersion, MissingParameter, InvalidParameterValue.DomainNotExists,
 * InvalidParameter.RecordLineInvalid, InvalidParameter.RecordTypeInvalid,
 * InvalidParameter.RecordValueInvalid, InvalidParameter.DomainRecordExist,
 * InvalidParameter.RecordIdInvalid, LimitExceeded.RecordTtlLimit, ResourceNotFound.NoDataOfRecord
 * (DescribeRecordList with ErrorOnEmpty "yes", the default), InternalError, RequestLimitExceeded.
 *
 * Model: one record per value, with RecordLine (默认 = LineId "0", plus a few ISP lines), Status
 * ENABLE/DISABLE, and the two apex NS records DNSPod creates itself (DefaultNS: true). CNAME and NS
 * values are stored with the trailing dot DNSPod shows.
 */
import { isIP } from 'node:net';
import { applyTransportFault, requestId, sendJson, startHttpEmulator, type HttpEmulator } from './server.js';
import { verifyTc3 } from './signatures.js';
import { mergeSnapshot, type SnapshotSet } from './snapshot.js';

export interface DnspodRecord {
  RecordId: number;
  Name: string;
  Type: string;
  Line: string;
  LineId: string;
  Value: string;
  TTL: number;
  Status: 'ENABLE' | 'DISABLE';
  Weight: number | null;
  MX: number;
  MonitorStatus: string;
  Remark: string;
  UpdatedOn: string;
  DefaultNS: boolean;
}

export interface DnspodEmulator extends HttpEmulator {
  /** Records of a zone, as stored. */
  records(zone: string): DnspodRecord[];
  /** Enabled records on the default line merged to RRsets, names absolute (for cross-provider checks). */
  rrsets(zone: string): SnapshotSet[];
  seed(zone: string, r: { name: string; type: string; value: string; ttl?: number; line?: string; status?: 'ENABLE' | 'DISABLE' }): number;
}

const LINES: Record<string, string> = { 默认: '0', 电信: '10=0', 联通: '10=1', 移动: '10=3', 境外: '3=0' };
const TYPES = ['A', 'AAAA', 'CNAME', 'TXT', 'NS', 'MX'];

type Err = { error: { code: string; message: string } };
const fail = (code: string, message: string): Err => ({ error: { code, message } });
const isErr = (r: object): r is Err => 'error' in r;

export async function startDnspodEmulator(opts: {
  credentials: Record<string, string>;
  zones: string[];
  /** The plan's TTL floor (600 on the free plan). */
  minTtl?: number;
}): Promise<DnspodEmulator> {
  const secrets = new Map(Object.entries(opts.credentials));
  const minTtl = opts.minTtl ?? 600;
  const zones = new Map<string, Map<number, DnspodRecord>>();
  let nextId = 1000;
  const now = (): string => new Date().toISOString().replace('T', ' ').slice(0, 19);
  const insert = (zone: Map<number, DnspodRecord>, r: Omit<DnspodRecord, 'RecordId' | 'UpdatedOn' | 'LineId' | 'Weight' | 'MX' | 'MonitorStatus' | 'Remark' | 'DefaultNS'> & { DefaultNS?: boolean }): number => {
    const id = nextId++;
    zone.set(id, { RecordId: id, Weight: null, MX: 0, MonitorStatus: '', Remark: '', DefaultNS: false, ...r, LineId: LINES[r.Line] ?? '0', UpdatedOn: now() });
    return id;
  };
  for (const z of opts.zones) {
    const recs = new Map<number, DnspodRecord>();
    zones.set(z, recs);
    for (const ns of ['f1g1ns1.dnspod.net.', 'f1g1ns2.dnspod.net.']) {
      insert(recs, { Name: '@', Type: 'NS', Line: '默认', Value: ns, TTL: 86400, Status: 'ENABLE', DefaultNS: true });
    }
  }

  const emu = await startHttpEmulator((req, body, res) => {
    const action = String(req.headers['x-tc-action'] ?? '');
    let params: Record<string, unknown> = {};
    try {
      params = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      // answered below as a parameter error
    }
    const fault = emu.faults.take(action);
    emu.calls.push({ action, outcome: fault ?? 200, params });
    const rid = requestId();
    const answer = (r: Record<string, unknown> | Err): void => {
      const response = isErr(r) ? { Error: { Code: r.error.code, Message: r.error.message }, RequestId: rid } : { ...r, RequestId: rid };
      sendJson(res, 200, { Response: response }, { 'x-tc-traceid': rid });
    };
    if (fault !== undefined) {
      if (applyTransportFault(fault, res)) return;
      return answer(fault === 'throttle' ? fail('RequestLimitExceeded', '请求的次数超过了频率限制。') : fail('InternalError', '内部错误。'));
    }
    if (req.method !== 'POST') return answer(fail('UnsupportedOperation', 'only POST is supported here'));
    const v = verifyTc3(req.method, req.url ?? '/', req.headers, body, secrets);
    if (!v.ok) {
      const code = { missing: 'AuthFailure.InvalidAuthorization', malformed: 'AuthFailure.InvalidAuthorization', 'unknown-key': 'AuthFailure.SecretIdNotFound', expired: 'AuthFailure.SignatureExpire', mismatch: 'AuthFailure.SignatureFailure' }[v.reason];
      return answer(fail(code, `The provided credentials could not be validated (${v.detail}).`));
    }
    if (req.headers['x-tc-version'] !== '2021-03-23') return answer(fail('NoSuchVersion', 'The API version does not exist.'));
    const domain = String(params.Domain ?? '');
    if (domain === '') return answer(fail('MissingParameter', 'The request is missing a required parameter `Domain`.'));
    const zone = zones.get(domain.toLowerCase());
    if (zone === undefined) return answer(fail('InvalidParameterValue.DomainNotExists', '当前域名有误，请返回重新操作。'));
    answer(handle(action, params, zone));
  });

  function handle(action: string, p: Record<string, unknown>, zone: Map<number, DnspodRecord>): Record<string, unknown> | Err {
    switch (action) {
      case 'DescribeRecordList': {
        let list = [...zone.values()];
        if (p.Subdomain !== undefined) list = list.filter((r) => r.Name === String(p.Subdomain).toLowerCase());
        if (p.RecordType !== undefined) list = list.filter((r) => r.Type === p.RecordType);
        if (p.RecordLine !== undefined) list = list.filter((r) => r.Line === p.RecordLine);
        const offset = Number(p.Offset ?? 0);
        const limit = Math.min(Number(p.Limit ?? 100), 3000);
        if (list.length === 0 && (p.ErrorOnEmpty ?? 'yes') === 'yes') return fail('ResourceNotFound.NoDataOfRecord', '记录列表为空。');
        const page = list.slice(offset, offset + limit);
        return {
          RecordCountInfo: { SubdomainCount: new Set(list.map((r) => r.Name)).size, ListCount: page.length, TotalCount: list.length },
          RecordList: page.map(({ RecordId, Value, Status, UpdatedOn, Name, Line, LineId, Type, Weight, MonitorStatus, Remark, TTL, MX, DefaultNS }) => ({
            RecordId, Value, Status, UpdatedOn, Name, Line, LineId, Type, Weight, MonitorStatus, Remark, TTL, MX, DefaultNS,
          })),
        };
      }
      case 'CreateRecord':
      case 'ModifyRecord': {
        const existing = action === 'ModifyRecord' ? zone.get(Number(p.RecordId)) : undefined;
        if (action === 'ModifyRecord' && existing === undefined) return fail('InvalidParameter.RecordIdInvalid', '记录编号错误。');
        const checked = validate(p, zone, existing?.RecordId);
        if (isErr(checked)) return checked;
        if (existing) {
          Object.assign(existing, checked, { LineId: LINES[checked.Line] ?? '0', UpdatedOn: now() });
          if (p.Status === 'ENABLE' || p.Status === 'DISABLE') existing.Status = p.Status;
          return { RecordId: existing.RecordId };
        }
        const status = p.Status === 'DISABLE' ? 'DISABLE' : 'ENABLE';
        return { RecordId: insert(zone, { ...checked, Status: status }) };
      }
      case 'DeleteRecord':
        if (!zone.delete(Number(p.RecordId))) return fail('InvalidParameter.RecordIdInvalid', '记录编号错误。');
        return {};
      default:
        return fail('InvalidAction', `The action ${action} does not exist or is not supported here.`);
    }
  }

  function validate(p: Record<string, unknown>, zone: Map<number, DnspodRecord>, self: number | undefined): Pick<DnspodRecord, 'Name' | 'Type' | 'Line' | 'Value' | 'TTL'> | Err {
    for (const k of ['RecordType', 'RecordLine', 'Value']) if (p[k] === undefined) return fail('MissingParameter', `The request is missing a required parameter \`${k}\`.`);
    const type = String(p.RecordType);
    if (!TYPES.includes(type)) return fail('InvalidParameter.RecordTypeInvalid', '记录类型不正确。');
    const line = String(p.RecordLine);
    if (LINES[line] === undefined) return fail('InvalidParameter.RecordLineInvalid', '记录线路不正确。');
    let value = String(p.Value);
    const valid = type === 'A' ? isIP(value) === 4 : type === 'AAAA' ? isIP(value) === 6 : value.length > 0 && value.length <= 512;
    if (!valid) return fail('InvalidParameter.RecordValueInvalid', '记录的值不正确。');
    if ((type === 'CNAME' || type === 'NS' || type === 'MX') && !value.endsWith('.')) value += '.';
    const ttl = p.TTL === undefined ? 600 : Number(p.TTL);
    if (!Number.isInteger(ttl) || ttl < minTtl || ttl > 604800) return fail('LimitExceeded.RecordTtlLimit', '记录的TTL值超出了限制。');
    const name = String(p.SubDomain ?? '@').toLowerCase();
    const dup = [...zone.values()].some((r) => r.RecordId !== self && r.Name === name && r.Type === type && r.Line === line && r.Value.toLowerCase() === value.toLowerCase());
    if (dup) return fail('InvalidParameter.DomainRecordExist', '记录已经存在，无需再次添加。');
    return { Name: name, Type: type, Line: line, Value: value, TTL: ttl };
  }

  const records = (zone: string): DnspodRecord[] => [...(zones.get(zone)?.values() ?? [])].map((r) => ({ ...r }));
  return Object.assign(emu, {
    records,
    rrsets: (zone: string) =>
      mergeSnapshot(
        records(zone)
          .filter((r) => r.Status === 'ENABLE' && r.Line === '默认')
          .map((r) => ({ name: r.Name === '@' ? zone : `${r.Name}.${zone}`, type: r.Type, ttl: r.TTL, value: r.Value })),
      ),
    seed: (zone: string, r: { name: string; type: string; value: string; ttl?: number; line?: string; status?: 'ENABLE' | 'DISABLE' }) => {
      const z = zones.get(zone);
      if (z === undefined) throw new Error(`no zone ${zone}`);
      return insert(z, { Name: r.name.toLowerCase(), Type: r.type, Line: r.line ?? '默认', Value: r.value, TTL: r.ttl ?? 600, Status: r.status ?? 'ENABLE' });
    },
  }) satisfies DnspodEmulator;
}
