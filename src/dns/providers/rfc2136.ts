/**
 * RFC 2136 dynamic update with TSIG (RFC 8945), for BIND, Knot or PowerDNS as a primary.
 *
 * list: one TCP connection, one ANY query per name (RFC 1035 §3.2.3: an authoritative server
 *   answers ANY with every RRset at the name; over TCP nothing is truncated). Queries are
 *   signed when a key is configured, and answers are verified.
 * apply: one UPDATE per batch of changes (§3.4: all of a message's prerequisites are checked
 *   before any update, and its updates apply atomically). Prerequisites make every change
 *   conditional on what was listed (§2.4): create needs "RRset does not exist", update and
 *   delete need "RRset exists (value dependent)" with the old values. If someone changed the
 *   zone in between, the server answers NXRRSET/YXRRSET and nothing is written; the next
 *   round lists again.
 */
import { randomInt } from 'node:crypto';
import { DetourError } from '../../errors/index.js';
import type { Change, DnsProvider, ProviderLimits, RecordSet, RecordType } from '../provider.js';
import { CLASS, decodeMessage, encodeMessage, flags, OPCODE, RCODE_NAMES, TYPE, type Message, type ResourceRecord } from '../wire/message.js';
import { fromRdata, RECORD_TYPE_CODES, recordTypeOf, toRdata } from '../wire/rdata.js';
import { exchange, TcpSession, TransportError, type Server } from '../wire/transport.js';
import { sign, verify, type TsigKey } from '../wire/tsig.js';

export interface Rfc2136Options {
  name: string;
  host: string;
  port: number;
  tsig?: { name: string; algorithm: 'hmac-sha256' | 'hmac-sha512'; secret: string } | undefined;
  /** Per request (ms). Default 5 s. */
  timeout?: number | undefined;
  minTtl?: number | undefined;
  maxTtl?: number | undefined;
  /** Changes per UPDATE message (each message is atomic on its own). Default 100. */
  batch?: number | undefined;
  /** Seconds since the epoch for TSIG "time signed" (tests). */
  now?: () => number;
}

export function createRfc2136Provider(opts: Rfc2136Options): DnsProvider {
  const server: Server = { host: opts.host, port: opts.port };
  const key: TsigKey | undefined = opts.tsig && { name: opts.tsig.name, algorithm: opts.tsig.algorithm, secret: Buffer.from(opts.tsig.secret, 'base64') };
  const timeout = opts.timeout ?? 5_000;
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  const where = `rfc2136 ${opts.host}:${opts.port}`;
  // BIND accepts any TTL; RFC 2181 §8 caps it at 2^31 - 1.
  const limits: ProviderLimits = { minTtl: opts.minTtl ?? 0, maxTtl: opts.maxTtl ?? 2_147_483_647 };

  /** Signs (if keyed), sends, checks ID/QR, verifies the TSIG. Returns the decoded answer. */
  const roundTrip = async (msg: Message, send: (wire: Buffer) => Promise<Buffer>, what: string): Promise<Message> => {
    const signed = key === undefined ? { wire: encodeMessage(msg), mac: Buffer.alloc(0) } : sign(msg, key, now());
    let raw: Buffer;
    try {
      raw = await send(signed.wire);
    } catch (err) {
      throw transportError(err, `${where} ${what}`);
    }
    let decoded;
    try {
      decoded = decodeMessage(raw);
    } catch (err) {
      throw new DetourError('DETOUR_DNS_PROVIDER_UNAVAILABLE', `${where} ${what}: malformed answer (${(err as Error).message})`);
    }
    const rcode = flags.rcode(decoded.message.flags);
    if (key !== undefined) {
      const v = verify(raw, decoded, key, signed.mac, now());
      // A server that refused our signature answers NOTAUTH with an unsigned TSIG error.
      if (!v.ok) {
        const hint = v.tsigError === 'BADSIG' ? ' (wrong tsig.secret or algorithm)' : v.tsigError === 'BADKEY' ? ' (the server does not know this key name/algorithm)' : v.tsigError === 'BADTIME' ? ' (clocks differ by more than 300 s)' : '';
        throw new DetourError('DETOUR_DNS_PROVIDER_REJECTED', `${where} ${what}: ${RCODE_NAMES[rcode] ?? rcode}, ${v.reason}${hint}`);
      }
    }
    return decoded.message;
  };

  return {
    name: opts.name,
    type: 'rfc2136',
    limits,

    async list(zone, names, signal) {
      let session: TcpSession;
      try {
        session = await TcpSession.open(server, timeout, signal);
      } catch (err) {
        throw transportError(err, `${where} list ${zone}`);
      }
      try {
        // IDs must be unique on one connection: answers are matched to queries by ID (RFC 7766 §6.2.1).
        const first = randomInt(65536);
        const answers = await Promise.all(names.map(async (name, i) => {
          const q: Message = { id: (first + i) & 0xffff, flags: flags.make({ opcode: OPCODE.QUERY }), questions: [{ name, type: TYPE.ANY, class: CLASS.IN }], answers: [], authorities: [], additionals: [] };
          const m = await roundTrip(q, (w) => session.request(w), `query ${name} ANY`);
          const rcode = flags.rcode(m.flags);
          if (rcode !== 0 && rcode !== 3) throw rcodeError(rcode, `${where} query ${name} ANY`);
          // At a delegation point the NS set comes back as a referral, in the authority section.
          const referral = m.authorities.filter((rr) => rr.type === TYPE.NS);
          return [...m.answers, ...referral].filter((rr) => rr.name.toLowerCase() === name.toLowerCase());
        }));
        return toRecordSets(answers.flat());
      } finally {
        session.close();
      }
    },

    async apply(zone, changes, signal) {
      const size = opts.batch ?? 100;
      for (let i = 0; i < changes.length; i += size) {
        const msg = updateMessage(zone, changes.slice(i, i + size));
        const m = await roundTrip(msg, (w) => exchange(server, w, timeout, signal), `UPDATE ${zone}`);
        const rcode = flags.rcode(m.flags);
        if (rcode !== 0) throw rcodeError(rcode, `${where} UPDATE ${zone}`);
      }
    },
  };
}

/** RFC 2136 §2.4 prerequisites and §2.5 updates for a batch of changes. */
export function updateMessage(zone: string, changes: readonly Change[]): Message {
  const prereq: ResourceRecord[] = [];
  const update: ResourceRecord[] = [];
  for (const c of changes) {
    switch (c.op) {
      case 'create':
        prereq.push(rr(c.after.name, c.after.type, CLASS.NONE, 0)); // §2.4.3 RRset does not exist
        update.push(...setRRs(c.after, CLASS.IN, c.after.ttl)); // §2.5.1 add to an RRset
        break;
      case 'update':
        prereq.push(...setRRs(c.before, CLASS.IN, 0)); // §2.4.2 RRset exists (value dependent)
        update.push(rr(c.before.name, c.before.type, CLASS.ANY, 0)); // §2.5.2 delete an RRset
        update.push(...setRRs(c.after, CLASS.IN, c.after.ttl));
        break;
      case 'delete':
        prereq.push(...setRRs(c.before, CLASS.IN, 0));
        update.push(rr(c.before.name, c.before.type, CLASS.ANY, 0));
        break;
      default: {
        const never: never = c;
        return never;
      }
    }
  }
  return {
    id: randomInt(65536), flags: flags.make({ opcode: OPCODE.UPDATE }),
    questions: [{ name: zone, type: TYPE.SOA, class: CLASS.IN }], // the zone section (§2.3)
    answers: prereq, authorities: update, additionals: [],
  };
}

function rr(name: string, type: RecordType, cls: number, ttl: number): ResourceRecord {
  return { name, type: RECORD_TYPE_CODES[type], class: cls, ttl, rdata: Buffer.alloc(0) };
}

function setRRs(s: RecordSet, cls: number, ttl: number): ResourceRecord[] {
  return s.values.map((v) => ({ name: s.name, type: RECORD_TYPE_CODES[s.type], class: cls, ttl, rdata: toRdata(s.type, v) }));
}

function toRecordSets(rrs: readonly ResourceRecord[]): RecordSet[] {
  const sets = new Map<string, RecordSet>();
  for (const r of rrs) {
    const type = recordTypeOf(r.type);
    if (type === undefined || r.class !== CLASS.IN) continue;
    const name = r.name.toLowerCase();
    const k = `${name} ${type}`;
    const s = sets.get(k) ?? { name, type, ttl: r.ttl, values: [] };
    s.values.push(fromRdata(type, r.rdata));
    sets.set(k, s);
  }
  return [...sets.values()].map((s) => ({ ...s, values: [...new Set(s.values)].sort() }));
}

/** RCODEs (RFC 1035 §4.1.1, RFC 2136 §2.2) → retryable or not. */
function rcodeError(rcode: number, what: string): DetourError {
  const name = RCODE_NAMES[rcode] ?? `RCODE ${rcode}`;
  switch (rcode) {
    case 2: // SERVFAIL: the server could not do it now
      return new DetourError('DETOUR_DNS_PROVIDER_UNAVAILABLE', `${what}: ${name}`);
    case 3: // NXDOMAIN, YXDOMAIN, YXRRSET, NXRRSET: a prerequisite failed; the zone changed since it was listed
    case 6:
    case 7:
    case 8:
      return new DetourError('DETOUR_DNS_PROVIDER_UNAVAILABLE', `${what}: ${name} (the zone changed since it was listed; listing again)`);
    case 9:
      return new DetourError('DETOUR_DNS_PROVIDER_REJECTED', `${what}: NOTAUTH (the server is not authoritative for the zone, or refused the TSIG key)`);
    case 5:
      return new DetourError('DETOUR_DNS_PROVIDER_REJECTED', `${what}: REFUSED (check allow-update / update-policy for this key)`);
    default:
      return new DetourError('DETOUR_DNS_PROVIDER_REJECTED', `${what}: ${name}`);
  }
}

function transportError(err: unknown, what: string): DetourError {
  const message = err instanceof TransportError || err instanceof Error ? err.message : String(err);
  return new DetourError('DETOUR_DNS_PROVIDER_UNAVAILABLE', `${what}: ${message}`, { cause: err });
}
