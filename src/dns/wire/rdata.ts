import { isIP } from 'node:net';
import { encodeName, nameFromRdata, TYPE } from './message.js';
import type { RecordType } from '../provider.js';

/** RDATA for the record types Detour manages (RFC 1035 §3.3, RFC 3596 for AAAA). */
export function toRdata(type: RecordType, value: string): Buffer {
  switch (type) {
    case 'A':
      if (isIP(value) !== 4) throw new Error(`invalid A value ${JSON.stringify(value)}`);
      return Buffer.from(value.split('.').map(Number));
    case 'AAAA':
      return ipv6Bytes(value);
    case 'CNAME':
    case 'NS':
      return encodeName(value);
    case 'TXT': {
      // One or more <character-string>s of at most 255 bytes each (RFC 1035 §3.3.14).
      const bytes = Buffer.from(value, 'utf8');
      const parts: Buffer[] = [];
      for (let i = 0; i < bytes.length || i === 0; i += 255) {
        const chunk = bytes.subarray(i, i + 255);
        parts.push(Buffer.from([chunk.length]), chunk);
      }
      return Buffer.concat(parts);
    }
    default: {
      const never: never = type;
      return never;
    }
  }
}

export function fromRdata(type: RecordType, rdata: Buffer): string {
  switch (type) {
    case 'A':
      if (rdata.length !== 4) throw new Error('A RDATA must be 4 bytes');
      return [...rdata].join('.');
    case 'AAAA': {
      if (rdata.length !== 16) throw new Error('AAAA RDATA must be 16 bytes');
      const groups: string[] = [];
      for (let i = 0; i < 16; i += 2) groups.push(rdata.readUInt16BE(i).toString(16));
      // WHATWG URL serializes IPv6 in RFC 5952 form (compressed, lower case).
      return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
    }
    case 'CNAME':
    case 'NS':
      return nameFromRdata(rdata).name.toLowerCase();
    case 'TXT': {
      const parts: Buffer[] = [];
      for (let i = 0; i < rdata.length; ) {
        const len = rdata[i]!;
        parts.push(rdata.subarray(i + 1, i + 1 + len));
        i += 1 + len;
      }
      return Buffer.concat(parts).toString('utf8');
    }
    default: {
      const never: never = type;
      return never;
    }
  }
}

export const RECORD_TYPE_CODES: Record<RecordType, number> = { A: TYPE.A, AAAA: TYPE.AAAA, CNAME: TYPE.CNAME, TXT: TYPE.TXT, NS: TYPE.NS };

export function recordTypeOf(code: number): RecordType | undefined {
  return (Object.keys(RECORD_TYPE_CODES) as RecordType[]).find((t) => RECORD_TYPE_CODES[t] === code);
}

function ipv6Bytes(value: string): Buffer {
  if (isIP(value) !== 6) throw new Error(`invalid AAAA value ${JSON.stringify(value)}`);
  // Let URL do the parsing (embedded IPv4, "::"), then expand its canonical form.
  const canonical = new URL(`http://[${value}]/`).hostname.slice(1, -1);
  const [head = '', tail] = canonical.split('::') as [string, string | undefined];
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}
