/**
 * DNS message encoding and decoding (RFC 1035 §4.1), with the section names of an UPDATE
 * (RFC 2136 §2: zone, prerequisite, update, additional share the wire layout of question,
 * answer, authority, additional). Names are written uncompressed (always allowed); names read
 * from a response are decompressed, also inside NS/CNAME/SOA/TSIG RDATA, so every decoded
 * RDATA stands on its own.
 */
export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, TXT: 16, AAAA: 28, OPT: 41, TSIG: 250, ANY: 255 } as const;
export const CLASS = { IN: 1, NONE: 254, ANY: 255 } as const;
export const OPCODE = { QUERY: 0, UPDATE: 5 } as const;
/** RFC 1035 §4.1.1, RFC 2136 §2.2, RFC 8945 §3 (TSIG errors share the space). */
export const RCODE_NAMES: Record<number, string> = {
  0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED', 6: 'YXDOMAIN', 7: 'YXRRSET',
  8: 'NXRRSET', 9: 'NOTAUTH', 10: 'NOTZONE', 16: 'BADSIG', 17: 'BADKEY', 18: 'BADTIME', 22: 'BADTRUNC',
};

export interface Question {
  name: string;
  type: number;
  class: number;
}

export interface ResourceRecord {
  name: string;
  type: number;
  class: number;
  ttl: number;
  rdata: Buffer;
}

export interface Message {
  id: number;
  /** QR | OPCODE | AA | TC | RD | RA | Z | RCODE, as on the wire. */
  flags: number;
  questions: Question[];
  answers: ResourceRecord[];
  authorities: ResourceRecord[];
  additionals: ResourceRecord[];
}

export const flags = {
  make: (o: { qr?: boolean; opcode: number; rd?: boolean; rcode?: number }): number =>
    ((o.qr === true ? 1 : 0) << 15) | ((o.opcode & 0xf) << 11) | ((o.rd === true ? 1 : 0) << 8) | ((o.rcode ?? 0) & 0xf),
  qr: (f: number): boolean => (f & 0x8000) !== 0,
  opcode: (f: number): number => (f >> 11) & 0xf,
  tc: (f: number): boolean => (f & 0x0200) !== 0,
  rcode: (f: number): number => f & 0xf,
};

/** Wire form of a name: labels of ≤63 bytes, ≤255 in total (RFC 1035 §2.3.4), no compression. */
export function encodeName(name: string): Buffer {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  const parts: Buffer[] = [];
  if (trimmed !== '') {
    for (const label of trimmed.split('.')) {
      const b = Buffer.from(label, 'utf8');
      if (b.length === 0 || b.length > 63) throw new Error(`invalid DNS name "${name}": label "${label}" must be 1 to 63 bytes`);
      parts.push(Buffer.from([b.length]), b);
    }
  }
  parts.push(Buffer.from([0]));
  const out = Buffer.concat(parts);
  if (out.length > 255) throw new Error(`DNS name "${name}" is longer than 255 bytes`);
  return out;
}

/** Canonical form for TSIG digests (RFC 8945 §4.3.2, RFC 4034 §6.2): lower case, uncompressed. */
export function canonicalName(name: string): Buffer {
  return encodeName(name.toLowerCase());
}

export function encodeMessage(m: Message): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(m.id, 0);
  header.writeUInt16BE(m.flags, 2);
  header.writeUInt16BE(m.questions.length, 4);
  header.writeUInt16BE(m.answers.length, 6);
  header.writeUInt16BE(m.authorities.length, 8);
  header.writeUInt16BE(m.additionals.length, 10);
  parts.push(header);
  for (const q of m.questions) {
    const tail = Buffer.alloc(4);
    tail.writeUInt16BE(q.type, 0);
    tail.writeUInt16BE(q.class, 2);
    parts.push(encodeName(q.name), tail);
  }
  for (const rr of [...m.answers, ...m.authorities, ...m.additionals]) parts.push(encodeRR(rr));
  return Buffer.concat(parts);
}

export function encodeRR(rr: ResourceRecord): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(rr.type, 0);
  fixed.writeUInt16BE(rr.class, 2);
  fixed.writeUInt32BE(rr.ttl >>> 0, 4);
  fixed.writeUInt16BE(rr.rdata.length, 8);
  return Buffer.concat([encodeName(rr.name), fixed, rr.rdata]);
}

export interface Decoded {
  message: Message;
  /** Offset where the last additional record starts (a TSIG must be last: RFC 8945 §5.1). */
  lastAdditionalOffset: number | undefined;
}

export function decodeMessage(buf: Buffer): Decoded {
  const r = new Reader(buf);
  const id = r.u16();
  const f = r.u16();
  const counts = [r.u16(), r.u16(), r.u16(), r.u16()] as const;
  const questions: Question[] = [];
  for (let i = 0; i < counts[0]; i++) questions.push({ name: r.name(), type: r.u16(), class: r.u16() });
  const sections: ResourceRecord[][] = [[], [], []];
  let lastAdditionalOffset: number | undefined;
  for (let s = 0; s < 3; s++) {
    for (let i = 0; i < counts[s + 1]!; i++) {
      if (s === 2) lastAdditionalOffset = r.offset;
      sections[s]!.push(r.rr());
    }
  }
  return { message: { id, flags: f, questions, answers: sections[0]!, authorities: sections[1]!, additionals: sections[2]! }, lastAdditionalOffset };
}

class Reader {
  offset = 0;
  constructor(private readonly buf: Buffer) {}

  #need(n: number): void {
    if (this.offset + n > this.buf.length) throw new Error('DNS message truncated');
  }

  u16(): number {
    this.#need(2);
    const v = this.buf.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  u32(): number {
    this.#need(4);
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  name(): string {
    const { name, end } = readName(this.buf, this.offset);
    this.offset = end;
    return name;
  }

  rr(): ResourceRecord {
    const name = this.name();
    const type = this.u16();
    const cls = this.u16();
    const ttl = this.u32();
    const len = this.u16();
    this.#need(len);
    const start = this.offset;
    this.offset += len;
    return { name, type, class: cls, ttl, rdata: expandRdata(this.buf, type, start, len) };
  }
}

/** Reads a possibly compressed name (RFC 1035 §4.1.4) at `offset`; `end` is just after it in place. */
function readName(buf: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let pos = offset;
  let end: number | undefined;
  for (let hops = 0; ; hops++) {
    if (hops > 128 || pos >= buf.length) throw new Error('DNS name malformed (pointer loop or truncated)');
    const len = buf[pos]!;
    if (len === 0) {
      end ??= pos + 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= buf.length) throw new Error('DNS name pointer truncated');
      end ??= pos + 2;
      pos = ((len & 0x3f) << 8) | buf[pos + 1]!;
      continue;
    }
    if ((len & 0xc0) !== 0 || pos + 1 + len > buf.length) throw new Error('DNS label malformed');
    labels.push(buf.toString('utf8', pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  return { name: labels.join('.'), end };
}

/** RDATA with embedded names rewritten uncompressed; other types copied as they are. */
function expandRdata(buf: Buffer, type: number, start: number, len: number): Buffer {
  const raw = Buffer.from(buf.subarray(start, start + len));
  switch (type) {
    case TYPE.NS:
    case TYPE.CNAME:
      return encodeName(readName(buf, start).name);
    case TYPE.SOA: {
      const mname = readName(buf, start);
      const rname = readName(buf, mname.end);
      return Buffer.concat([encodeName(mname.name), encodeName(rname.name), buf.subarray(rname.end, start + len)]);
    }
    case TYPE.TSIG: {
      const alg = readName(buf, start);
      return Buffer.concat([encodeName(alg.name), buf.subarray(alg.end, start + len)]);
    }
    default:
      return raw;
  }
}

/** Reads an uncompressed name from the start of a standalone RDATA. */
export function nameFromRdata(rdata: Buffer, offset = 0): { name: string; end: number } {
  return readName(rdata, offset);
}
