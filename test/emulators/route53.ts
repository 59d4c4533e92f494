/**
 * AWS Route 53 (API 2013-04-01, REST-XML) emulator for the calls the adapter uses:
 * GET /2013-04-01/hostedzone/{Id}/rrset (ListResourceRecordSets) and
 * POST /2013-04-01/hostedzone/{Id}/rrset/ (ChangeResourceRecordSets).
 *
 * Requests are SigV4-signed for us-east-1/route53 (signatures.ts); errors are
 * <ErrorResponse><Error><Type>Sender|Receiver</Type><Code/><Message/></Error><RequestId/></ErrorResponse>
 * (InvalidChangeBatch too, in its current form; aws/aws-sdk-kotlin#1435), with the statuses of the
 * API reference: SignatureDoesNotMatch/InvalidClientTokenId 403, IncompleteSignature 400,
 * NoSuchHostedZone 404, InvalidInput/InvalidChangeBatch/Throttling 400, InternalFailure 500.
 *
 * Listing follows the reference: RRsets sorted by name with labels reversed, then type; at most
 * 300 per page (maxitems); IsTruncated with NextRecordName/NextRecordType; StartRecordType without
 * StartRecordName is InvalidInput. A change batch is validated as a whole and applied all or
 * nothing, with the documented messages ("Tried to create resource record set [name='…',
 * type='…'] but it already exists", "… but it was not found", "… but the values provided do not
 * match the current values", the CNAME conflict, TXT values not in quotation marks). A new hosted
 * zone holds its SOA and four NS records, as Route 53 creates them.
 */
import { isIP } from 'node:net';
import { applyTransportFault, requestId, sendXml, startHttpEmulator, type HttpEmulator } from './server.js';
import { verifySigV4 } from './signatures.js';
import { children, child, escapeXml, parseXml, textOf, type XmlNode } from './xml.js';
import { mergeSnapshot, type SnapshotSet } from './snapshot.js';

export interface R53RRset {
  /** Lower case, trailing dot, escapes decoded ("*.example.com."). */
  Name: string;
  Type: string;
  TTL: number;
  ResourceRecords: string[];
}

export interface Route53Emulator extends HttpEmulator {
  rrsetsRaw(zoneId: string): R53RRset[];
  rrsets(zoneId: string): SnapshotSet[];
  seed(zoneId: string, r: R53RRset): void;
}

const NS = 'https://route53.amazonaws.com/doc/2013-04-01/';
class Refused extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly type: 'Sender' | 'Receiver' = 'Sender') {
    super(message);
  }
}

export async function startRoute53Emulator(opts: { credentials: Record<string, string>; zones: Record<string, string> }): Promise<Route53Emulator> {
  const secrets = new Map(Object.entries(opts.credentials));
  const zones = new Map<string, R53RRset[]>();
  for (const [id, name] of Object.entries(opts.zones)) {
    zones.set(id, [
      { Name: `${name}.`, Type: 'NS', TTL: 172800, ResourceRecords: ['ns-1.awsdns-01.org.', 'ns-2.awsdns-02.co.uk.', 'ns-3.awsdns-03.com.', 'ns-4.awsdns-04.net.'] },
      { Name: `${name}.`, Type: 'SOA', TTL: 900, ResourceRecords: [`ns-1.awsdns-01.org. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400`] },
    ]);
  }
  let changeSeq = 0;

  const emu = await startHttpEmulator((req, body, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/.exec(url.pathname);
    const action = m === null ? `${req.method} ${url.pathname}` : req.method === 'POST' ? 'ChangeResourceRecordSets' : 'ListResourceRecordSets';
    const fault = emu.faults.take(action);
    emu.calls.push({ action, outcome: fault ?? 200, params: action === 'ChangeResourceRecordSets' ? { body: body.toString('utf8') } : Object.fromEntries(url.searchParams) });
    const rid = requestId();
    const error = (e: Refused): void =>
      sendXml(res, e.status, `<ErrorResponse xmlns="${NS}"><Error><Type>${e.type}</Type><Code>${e.code}</Code><Message>${escapeXml(e.message)}</Message></Error><RequestId>${rid}</RequestId></ErrorResponse>`, { 'x-amzn-requestid': rid });
    if (fault !== undefined) {
      if (applyTransportFault(fault, res)) return;
      return error(fault === 'throttle' ? new Refused(400, 'Throttling', 'Rate exceeded') : new Refused(500, 'InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 'Receiver'));
    }
    try {
      const v = verifySigV4(req.method ?? 'GET', req.url ?? '/', req.headers, body, secrets, { region: 'us-east-1', service: 'route53' });
      if (!v.ok) {
        if (v.reason === 'unknown-key') throw new Refused(403, 'InvalidClientTokenId', v.detail);
        if (v.reason === 'missing' || v.reason === 'malformed') throw new Refused(400, 'IncompleteSignature', v.detail);
        throw new Refused(403, 'SignatureDoesNotMatch', v.detail);
      }
      if (m === null) throw new Refused(404, 'UnknownOperationException', `no such operation: ${req.method} ${url.pathname}`);
      const zone = zones.get(m[1]!);
      if (zone === undefined) throw new Refused(404, 'NoSuchHostedZone', `No hosted zone found with ID: ${m[1]}`);
      const xml = action === 'ListResourceRecordSets' ? list(zone, url.searchParams) : change(m[1]!, zone, body.toString('utf8'));
      sendXml(res, 200, xml, { 'x-amzn-requestid': rid });
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
      error(e);
    }
  });

  function list(zone: R53RRset[], q: URLSearchParams): string {
    const name = q.get('name');
    const type = q.get('type');
    if (type !== null && name === null) throw new Refused(400, 'InvalidInput', 'Invalid input: type specified without name');
    const max = Math.min(Number(q.get('maxitems') ?? 300), 300);
    const sorted = [...zone].sort(order);
    let from = 0;
    if (name !== null) {
      const k = sortKey(normalize(name));
      from = sorted.findIndex((r) => sortKey(r.Name) > k || (sortKey(r.Name) === k && (type === null || r.Type >= type)));
      if (from < 0) from = sorted.length;
    }
    const pageSets = sorted.slice(from, from + max);
    const next = sorted[from + max];
    const sets = pageSets.map((r) => `<ResourceRecordSet><Name>${escapeXml(escapeName(r.Name))}</Name><Type>${r.Type}</Type><TTL>${r.TTL}</TTL><ResourceRecords>${r.ResourceRecords.map((v) => `<ResourceRecord><Value>${escapeXml(v)}</Value></ResourceRecord>`).join('')}</ResourceRecords></ResourceRecordSet>`).join('');
    const tail = next === undefined ? '<IsTruncated>false</IsTruncated>' : `<IsTruncated>true</IsTruncated><NextRecordName>${escapeXml(escapeName(next.Name))}</NextRecordName><NextRecordType>${next.Type}</NextRecordType>`;
    return `<ListResourceRecordSetsResponse xmlns="${NS}"><ResourceRecordSets>${sets}</ResourceRecordSets>${tail}<MaxItems>${max}</MaxItems></ListResourceRecordSetsResponse>`;
  }

  function change(zoneId: string, zone: R53RRset[], body: string): string {
    let doc: XmlNode;
    try {
      doc = parseXml(body);
    } catch (e) {
      throw new Refused(400, 'InvalidInput', `Invalid XML ; ${(e as Error).message}`);
    }
    const changes = children(child(child(doc, 'ChangeBatch'), 'Changes'), 'Change');
    if (doc.name !== 'ChangeResourceRecordSetsRequest' || changes.length === 0) throw new Refused(400, 'InvalidInput', 'Invalid request: ChangeBatch must contain at least one Change');
    const work = zone.map((r) => ({ ...r, ResourceRecords: [...r.ResourceRecords] }));
    const problems: string[] = [];
    const zoneName = opts.zones[zoneId]!;
    for (const c of changes) {
      const action = textOf(c, 'Action') ?? '';
      const rs = child(c, 'ResourceRecordSet');
      const name = normalize(textOf(rs, 'Name') ?? '');
      const type = textOf(rs, 'Type') ?? '';
      const ttlText = textOf(rs, 'TTL');
      const values = children(child(rs, 'ResourceRecords'), 'ResourceRecord').map((r) => textOf(r, 'Value') ?? '');
      if (!['CREATE', 'DELETE', 'UPSERT'].includes(action)) throw new Refused(400, 'InvalidInput', `Invalid request: unknown Action '${action}'`);
      if (ttlText === undefined || values.length === 0) {
        throw new Refused(400, 'InvalidInput', `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found none in Change with [Action=${action}, Name=${name}, Type=${type}, SetIdentifier=null]`);
      }
      const label = `[name='${name}', type='${type}']`;
      if (name !== `${zoneName}.` && !name.endsWith(`.${zoneName}.`)) {
        problems.push(`RRSet with DNS name ${name} is not permitted in zone ${zoneName}.`);
        continue;
      }
      const bad = values.map((v) => badValue(type, v)).find((x) => x !== undefined);
      if (bad !== undefined) {
        problems.push(bad);
        continue;
      }
      const dup = values.find((v, i) => values.indexOf(v) !== i);
      if (dup !== undefined) {
        problems.push(`Duplicate Resource Record: '${dup}'`);
        continue;
      }
      const idx = work.findIndex((r) => r.Name === name && r.Type === type);
      const set: R53RRset = { Name: name, Type: type, TTL: Number(ttlText), ResourceRecords: values };
      if (action === 'DELETE') {
        const cur = work[idx];
        if (cur === undefined) problems.push(`Tried to delete resource record set ${label} but it was not found`);
        else if (cur.TTL !== set.TTL || [...cur.ResourceRecords].sort().join('\n') !== [...values].sort().join('\n')) {
          problems.push(`Tried to delete resource record set ${label} but the values provided do not match the current values`);
        } else work.splice(idx, 1);
        continue;
      }
      if (action === 'CREATE' && idx >= 0) {
        problems.push(`Tried to create resource record set ${label} but it already exists`);
        continue;
      }
      const clash = work.some((r) => r.Name === name && r.Type !== type && (r.Type === 'CNAME' || type === 'CNAME'));
      if (clash) {
        problems.push(`RRSet of type CNAME with DNS name ${name} is not permitted as it conflicts with other records with the same DNS name in zone ${zoneName}.`);
        continue;
      }
      if (idx >= 0) work[idx] = set;
      else work.push(set);
    }
    if (problems.length > 0) throw new Refused(400, 'InvalidChangeBatch', `[${problems.join(', ')}]`);
    zones.set(zoneId, work);
    changeSeq++;
    const comment = textOf(child(doc, 'ChangeBatch'), 'Comment');
    return `<ChangeResourceRecordSetsResponse xmlns="${NS}"><ChangeInfo><Id>/change/C${String(changeSeq).padStart(12, '0')}</Id><Status>PENDING</Status><SubmittedAt>${new Date().toISOString()}</SubmittedAt>${comment === undefined ? '' : `<Comment>${escapeXml(comment)}</Comment>`}</ChangeInfo></ChangeResourceRecordSetsResponse>`;
  }

  const raw = (zoneId: string): R53RRset[] => (zones.get(zoneId) ?? []).map((r) => ({ ...r, ResourceRecords: [...r.ResourceRecords] })).sort(order);
  return Object.assign(emu, {
    rrsetsRaw: raw,
    rrsets: (zoneId: string) =>
      mergeSnapshot(raw(zoneId).flatMap((r) => r.ResourceRecords.map((v) => ({ name: r.Name, type: r.Type, ttl: r.TTL, value: r.Type === 'TXT' ? unquoteOctal(v) : v })))),
    seed: (zoneId: string, r: R53RRset) => {
      zones.get(zoneId)!.push({ ...r, Name: normalize(r.Name) });
    },
  }) satisfies Route53Emulator;
}

/** Lower case, trailing dot, `\ooo` escapes decoded. */
function normalize(name: string): string {
  const n = name.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(Number.parseInt(o, 8))).toLowerCase();
  return n.endsWith('.') ? n : `${n}.`;
}

/** Route 53 lists characters other than a-z, 0-9, "-", "_" and "." as \ooo (so "*" is "\052"). */
function escapeName(name: string): string {
  return name.replace(/[^a-z0-9_.-]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

function sortKey(name: string): string {
  return escapeName(name).replace(/\.$/, '').split('.').reverse().join('.');
}

function order(a: R53RRset, b: R53RRset): number {
  const ka = sortKey(a.Name);
  const kb = sortKey(b.Name);
  return ka === kb ? (a.Type < b.Type ? -1 : a.Type > b.Type ? 1 : 0) : ka < kb ? -1 : 1;
}

function badValue(type: string, v: string): string | undefined {
  if (type === 'A' && isIP(v) !== 4) return `[Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '${v}'']`;
  if (type === 'AAAA' && isIP(v) !== 6) return `[Invalid Resource Record: 'FATAL problem: AAAARRDATAIllegalIPv6Address (Value is not a valid IPv6 address) encountered with '${v}'']`;
  if (type === 'TXT' && !/^"(?:[^"\\]|\\.)*"(?:\s+"(?:[^"\\]|\\.)*")*$/.test(v)) {
    return `[Invalid Resource Record: 'FATAL problem: InvalidCharacterString (Value should be enclosed in quotation marks) encountered with '${v}'']`;
  }
  return undefined;
}

/** TXT presentation form with Route 53's octal escapes → text (UTF-8). */
function unquoteOctal(v: string): string {
  const bytes: number[] = [];
  for (const part of v.match(/"((?:[^"\\]|\\.)*)"/g) ?? []) {
    const inner = part.slice(1, -1);
    for (let i = 0; i < inner.length; i++) {
      const oct = /^\\([0-7]{3})/.exec(inner.slice(i));
      if (oct) {
        bytes.push(Number.parseInt(oct[1]!, 8));
        i += 3;
      } else if (inner[i] === '\\') bytes.push(inner.charCodeAt(++i));
      else bytes.push(...Buffer.from(inner[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
