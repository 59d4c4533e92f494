import { createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalName, CLASS, encodeMessage, encodeName, nameFromRdata, RCODE_NAMES, TYPE, type Decoded, type Message } from './message.js';

/**
 * TSIG, RFC 8945 (which obsoletes RFC 2845), with HMAC-SHA256/512 (RFC 4635 names). No
 * maintained npm package signs TSIG (dns-packet knows type 250 but has no TSIG RDATA), so it
 * is done here: the MAC covers the request (or, for a response, the request MAC first), then
 * the "TSIG variables" in canonical form (§4.3.3). Full-length MACs only (no truncation).
 */
export interface TsigKey {
  /** Key name as in named.conf, e.g. "detour-key". */
  name: string;
  algorithm: 'hmac-sha256' | 'hmac-sha512';
  secret: Buffer;
}

/** Allowed clock difference (RFC 8945 §10: 300 s recommended). */
export const FUDGE = 300;

export interface Signed {
  wire: Buffer;
  mac: Buffer;
}

export function sign(message: Message, key: TsigKey, nowSeconds: number): Signed {
  const body = encodeMessage(message);
  const vars = variables(key.name, key.algorithm, nowSeconds, FUDGE, 0, Buffer.alloc(0));
  const mac = hmac(key, Buffer.concat([body, vars]));
  const rdata = tsigRdata(key.algorithm, nowSeconds, FUDGE, mac, message.id, 0, Buffer.alloc(0));
  const wire = encodeMessage({ ...message, additionals: [...message.additionals, { name: key.name, type: TYPE.TSIG, class: CLASS.ANY, ttl: 0, rdata }] });
  return { wire, mac };
}

export type Verification =
  | { ok: true }
  | { ok: false; reason: string; tsigError?: string };

/**
 * Verifies a response to a signed request (§5.3). A response that carries a TSIG error
 * (BADSIG, BADKEY, BADTIME) is unsigned by design (§5.3.2): that error is the result.
 */
export function verify(raw: Buffer, decoded: Decoded, key: TsigKey, requestMac: Buffer, nowSeconds: number): Verification {
  const rr = decoded.message.additionals.at(-1);
  if (rr === undefined || rr.type !== TYPE.TSIG || decoded.lastAdditionalOffset === undefined) {
    return { ok: false, reason: 'the response is not signed (no TSIG record)' };
  }
  const t = parseTsigRdata(rr.rdata);
  if (t.error !== 0) {
    const name = RCODE_NAMES[t.error] ?? `error ${t.error}`;
    return { ok: false, tsigError: name, reason: `the server rejected our TSIG: ${name}` };
  }
  if (rr.name.toLowerCase() !== key.name.toLowerCase() || t.algorithm.toLowerCase() !== key.algorithm) {
    return { ok: false, reason: `the response is signed with another key or algorithm (${rr.name}, ${t.algorithm})` };
  }
  // The message as it was before the server added its TSIG: ARCOUNT one less, original ID.
  const body = Buffer.from(raw.subarray(0, decoded.lastAdditionalOffset));
  body.writeUInt16BE(t.originalId, 0);
  body.writeUInt16BE(decoded.message.additionals.length - 1, 10);
  const prior = Buffer.alloc(2);
  prior.writeUInt16BE(requestMac.length, 0);
  const expected = hmac(key, Buffer.concat([prior, requestMac, body, variables(rr.name, t.algorithm, t.timeSigned, t.fudge, t.error, t.other)]));
  if (t.mac.length !== expected.length || !timingSafeEqual(t.mac, expected)) return { ok: false, reason: 'the response TSIG does not verify (BADSIG)' };
  if (Math.abs(nowSeconds - t.timeSigned) > t.fudge) return { ok: false, reason: 'the response TSIG time is outside the fudge window (BADTIME); check the clocks' };
  return { ok: true };
}

function hmac(key: TsigKey, data: Buffer): Buffer {
  return createHmac(key.algorithm === 'hmac-sha512' ? 'sha512' : 'sha256', key.secret).update(data).digest();
}

/** RFC 8945 §4.3.3: key name, class ANY, TTL 0, algorithm, time signed, fudge, error, other data. */
function variables(keyName: string, algorithm: string, time: number, fudge: number, error: number, other: Buffer): Buffer {
  const fixed = Buffer.alloc(6);
  fixed.writeUInt16BE(CLASS.ANY, 0);
  fixed.writeUInt32BE(0, 2);
  const tail = Buffer.alloc(10);
  writeU48(tail, 0, time);
  tail.writeUInt16BE(fudge, 6);
  tail.writeUInt16BE(error, 8);
  const otherLen = Buffer.alloc(2);
  otherLen.writeUInt16BE(other.length, 0);
  return Buffer.concat([canonicalName(keyName), fixed, canonicalName(algorithm), tail, otherLen, other]);
}

function tsigRdata(algorithm: string, time: number, fudge: number, mac: Buffer, originalId: number, error: number, other: Buffer): Buffer {
  const a = Buffer.alloc(10);
  writeU48(a, 0, time);
  a.writeUInt16BE(fudge, 6);
  a.writeUInt16BE(mac.length, 8);
  const b = Buffer.alloc(6);
  b.writeUInt16BE(originalId, 0);
  b.writeUInt16BE(error, 2);
  b.writeUInt16BE(other.length, 4);
  return Buffer.concat([encodeName(algorithm), a, mac, b, other]);
}

export function parseTsigRdata(rdata: Buffer): { algorithm: string; timeSigned: number; fudge: number; mac: Buffer; originalId: number; error: number; other: Buffer } {
  const { name, end } = nameFromRdata(rdata);
  let p = end;
  const timeSigned = rdata.readUIntBE(p, 6);
  const fudge = rdata.readUInt16BE(p + 6);
  const macSize = rdata.readUInt16BE(p + 8);
  p += 10;
  const mac = rdata.subarray(p, p + macSize);
  p += macSize;
  const originalId = rdata.readUInt16BE(p);
  const error = rdata.readUInt16BE(p + 2);
  const otherLen = rdata.readUInt16BE(p + 4);
  return { algorithm: name, timeSigned, fudge, mac, originalId, error, other: rdata.subarray(p + 6, p + 6 + otherLen) };
}

function writeU48(buf: Buffer, offset: number, value: number): void {
  buf.writeUIntBE(value, offset, 6);
}
