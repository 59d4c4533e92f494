/**
 * What the four cloud DNS adapters (Cloudflare, DNSPod, Alidns, Route 53) share: names and
 * values in the contract's normal form, RRset merging, and the per-record diff for APIs that keep
 * one record per value. Calls, deadlines and error mapping are in cloud-call.ts.
 */
import { normalizeValue as configValue } from '../../config/dns.js';
import { DetourError } from '../../errors/index.js';
import type { RecordSet, RecordType } from '../provider.js';

export const RECORD_TYPES: readonly RecordType[] = ['A', 'AAAA', 'CNAME', 'TXT', 'NS'];

export function isRecordType(t: string): t is RecordType {
  return (RECORD_TYPES as readonly string[]).includes(t);
}

/**
 * A provider's owner name in the contract's form: lower case, no trailing dot, and RFC 1035 §5.1
 * `\DDD` escapes decoded (Route 53 lists "*.example.com" as "\052.example.com.").
 */
export function normalizeName(raw: string): string {
  const decoded = raw.replace(/\\(\d{3})/g, (_m, d: string) => String.fromCharCode(Number.parseInt(d, 8)));
  return decoded.toLowerCase().replace(/\.$/, '');
}

/**
 * The host-record form of DNSPod ("SubDomain") and Alidns ("RR"): "api" for api.example.com and
 * "@" for the apex. A name outside the zone is a bug upstream, never sent to a provider.
 */
export function hostLabel(fqdn: string, zone: string): string {
  if (fqdn === zone) return '@';
  if (fqdn.endsWith(`.${zone}`)) return fqdn.slice(0, -zone.length - 1);
  throw new DetourError('DETOUR_DNS_PROVIDER_REJECTED', `record name ${fqdn} is not inside the zone ${zone}`);
}

export function fqdnOf(host: string, zone: string): string {
  const h = normalizeName(host);
  return h === '@' || h === '' ? zone : `${h}.${zone}`;
}

/**
 * A value as the contract stores it (addresses exactly as src/config/dns.ts normalizeValue): IPv6
 * compressed (RFC 5952, via the WHATWG URL serializer), names lower case without the trailing dot,
 * TXT unquoted. undefined for a value this type cannot hold (the record is then ignored).
 */
export function normalizeValue(type: RecordType, raw: string): string | undefined {
  const v = raw.trim();
  switch (type) {
    case 'A':
    case 'AAAA':
      return configValue(v, type);
    case 'CNAME':
    case 'NS':
      return v === '' ? undefined : normalizeName(v);
    case 'TXT':
      return unquoteTxt(raw);
    default: {
      const never: never = type;
      return never;
    }
  }
}

/**
 * TXT text as RFC 1035 §3.3.14/§5.1 character-strings: each at most 255 bytes, quoted, with `"`
 * and `\` escaped. Route 53 and Cloudflare take this presentation form; longer text is split.
 * `octal`: bytes outside printable ASCII become `\ooo`, as Route 53 asks for TXT values.
 */
export function quoteTxt(text: string, octal = false): string {
  const bytes = Buffer.from(text, 'utf8');
  const parts: string[] = [];
  let start = 0;
  do {
    let end = Math.min(start + 255, bytes.length);
    while (end < bytes.length && end > start && (bytes[end]! & 0xc0) === 0x80) end--; // never split a UTF-8 sequence
    const chunk = bytes.subarray(start, end);
    let body = '';
    if (octal) {
      for (const b of chunk) {
        if (b === 0x22 || b === 0x5c) body += `\\${String.fromCharCode(b)}`;
        else if (b >= 0x20 && b < 0x7f) body += String.fromCharCode(b);
        else body += `\\${b.toString(8).padStart(3, '0')}`;
      }
    } else body = chunk.toString('utf8').replace(/[\\"]/g, '\\$&');
    parts.push(`"${body}"`);
    start = end;
  } while (start < bytes.length);
  return parts.join(' ');
}

/**
 * The inverse of quoteTxt; text that is not quoted (DNSPod, Alidns) comes back unchanged. `\DDD`
 * escapes are decimal in RFC 1035 §5.1 but octal in Route 53's API ("\three-digit octal code"),
 * hence `radix`; escaped bytes are decoded as UTF-8.
 */
export function unquoteTxt(raw: string, radix: 8 | 10 = 10): string {
  const s = raw.trim();
  if (!s.startsWith('"')) return raw;
  const bytes: number[] = [];
  const digits = radix === 8 ? /^[0-7]{3}/ : /^\d{3}/;
  let i = 0;
  while (i < s.length) {
    if (s[i] !== '"') {
      if (!/\s/.test(s[i]!)) return raw; // not a sequence of quoted strings after all
      i++;
      continue;
    }
    i++;
    while (i < s.length && s[i] !== '"') {
      if (s[i] === '\\' && i + 1 < s.length) {
        const d = digits.exec(s.slice(i + 1));
        if (d) bytes.push(Number.parseInt(d[0], radix) & 0xff);
        else bytes.push(...Buffer.from(s[i + 1]!, 'utf8'));
        i += d ? 4 : 2;
      } else {
        const cp = s.codePointAt(i)!;
        const ch = String.fromCodePoint(cp);
        bytes.push(...Buffer.from(ch, 'utf8'));
        i += ch.length;
      }
    }
    if (i >= s.length) return raw; // unterminated
    i++;
  }
  return Buffer.from(bytes).toString('utf8');
}

/** One value as a provider stores it, already normalized. */
export interface FlatRecord {
  name: string;
  type: RecordType;
  ttl: number;
  value: string;
}

/**
 * Merges one-record-per-value listings into RRsets: values sorted and de-duplicated, and the
 * lowest TTL when they differ (RFC 2181 §5.2 tells resolvers to treat a mixed RRset that way).
 */
export function mergeRecordSets(records: Iterable<FlatRecord>): RecordSet[] {
  const sets = new Map<string, RecordSet>();
  for (const r of records) {
    const key = `${r.name} ${r.type}`;
    const set = sets.get(key);
    if (set === undefined) sets.set(key, { name: r.name, type: r.type, ttl: r.ttl, values: [r.value] });
    else {
      set.ttl = Math.min(set.ttl, r.ttl);
      if (!set.values.includes(r.value)) set.values.push(r.value);
    }
  }
  const out = [...sets.values()];
  for (const s of out) s.values.sort();
  return out.sort((a, b) => (a.name === b.name ? (a.type < b.type ? -1 : 1) : a.name < b.name ? -1 : 1));
}

/** A provider record at one name+type, with its id. `live` = it answers with exactly `value` (enabled, not proxied). */
export interface SlotRecord {
  id: string;
  value: string;
  ttl: number;
  live: boolean;
}

/** The `list` of the contract for one-record-per-value APIs: live records at the asked names, as RRsets. */
export function liveRecordSets(records: Iterable<{ name: string; type: RecordType; slot: SlotRecord }>, names: readonly string[]): RecordSet[] {
  const wanted = new Set(names);
  const out: FlatRecord[] = [];
  for (const r of records) if (wanted.has(r.name) && r.slot.live) out.push({ name: r.name, type: r.type, ttl: r.slot.ttl, value: r.slot.value });
  return mergeRecordSets(out);
}

export interface RecordOps {
  /** Records to delete before anything else (non-live records the API cannot bring back to life). */
  deleteFirst: SlotRecord[];
  /** Existing records rewritten in place: a changed value, a TTL, or brought back to live. */
  modify: Array<{ record: SlotRecord; value: string; ttl: number }>;
  create: Array<{ value: string; ttl: number }>;
  delete: SlotRecord[];
}

/**
 * How to turn the records at one name+type into `target` (undefined: remove them all) with the
 * fewest calls. Records are rewritten in place where possible, so that the name never answers
 * empty between calls; the caller runs deleteFirst, modify, create, delete in that order.
 * `reviveInPlace` says whether a modify can also make a non-live record live (DNSPod's Status,
 * Cloudflare's proxied); otherwise non-live records are deleted first and created anew.
 */
export function diffRecords(
  current: readonly SlotRecord[],
  target: { values: readonly string[]; ttl: number } | undefined,
  reviveInPlace: boolean,
): RecordOps {
  const ops: RecordOps = { deleteFirst: [], modify: [], create: [], delete: [] };
  const ttl = target?.ttl ?? 0;
  const used = new Set<SlotRecord>();
  const missing: string[] = [];
  for (const value of target?.values ?? []) {
    const same = current.find((r) => r.live && r.value === value && !used.has(r));
    if (same === undefined) {
      missing.push(value);
      continue;
    }
    used.add(same);
    if (same.ttl !== ttl) ops.modify.push({ record: same, value, ttl });
  }
  const spare: SlotRecord[] = [];
  for (const r of current) {
    if (used.has(r)) continue;
    if (!r.live && !reviveInPlace) ops.deleteFirst.push(r);
    else spare.push(r);
  }
  // Prefer reusing a record that already holds the value (a non-live one being revived).
  spare.sort((a, b) => Number(missing.includes(b.value)) - Number(missing.includes(a.value)));
  for (const value of missing) {
    const slot = spare.find((r) => r.value === value) ?? spare[0];
    if (slot === undefined) ops.create.push({ value, ttl });
    else {
      spare.splice(spare.indexOf(slot), 1);
      ops.modify.push({ record: slot, value, ttl });
    }
  }
  ops.delete.push(...spare);
  return ops;
}

/** The RRset a change leaves behind at its name+type (undefined for a delete). */
export function changeTarget(
  change: { op: 'create'; after: RecordSet } | { op: 'update'; before: RecordSet; after: RecordSet } | { op: 'delete'; before: RecordSet },
): { name: string; type: RecordType; after: RecordSet | undefined } {
  switch (change.op) {
    case 'create':
    case 'update':
      return { name: change.after.name, type: change.after.type, after: change.after };
    case 'delete':
      return { name: change.before.name, type: change.before.type, after: undefined };
    default: {
      const never: never = change;
      return never;
    }
  }
}
