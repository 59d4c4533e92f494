/**
 * Small helpers shared by the provider classifiers: safe JSON field access, code families,
 * the client/cloud decision, a bounded scan for truncated JSON prefixes and a tiny XML
 * error-element extraction. No Node.js imports.
 */
import type { ClassifyInput, Verdict, XmlError } from './types.js';

export const OK: Verdict = /* @__PURE__ */ Object.freeze({ kind: 'ok' });

/** `o[k]` when `o` is a JSON object (not an array), else undefined. */
export const get = (o: unknown, k: string): unknown =>
  o !== null && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>)[k] : undefined;

/** A non-empty string, or undefined. */
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** A code that may be a string or a number (Huawei/Keystone `{"error":{"code":401}}`). */
export const codeOf = (v: unknown): string | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? String(v) : str(v);

/** Codes some APIs put in successful bodies (Aliyun SMS `"Code":"OK"`, `"Code":"200"`, `"error_code":"SUCCESS"`...). */
export const isSuccessCode = (code: string): boolean => /^(?:ok|success(?:ful)?|succeed(?:ed)?|0|200)$/i.test(code);

/** `code` is one of `names` or a dotted sub-code of one (`InternalError.DbError` is in the `InternalError` family). */
export function inFamily(code: string, names: readonly string[]): boolean {
  for (const n of names) {
    if (code === n || (code.length > n.length && code.charCodeAt(n.length) === 46 /* . */ && code.startsWith(n))) return true;
  }
  return false;
}

/**
 * The shared decision once a provider recognised its envelope: throttling is never a cloud failure
 * (the cloud is up and pushing back on this caller); a server-side code, a server fault flag
 * (AWS `<Type>Receiver</Type>`) or a 5xx status on the same response is a cloud error; anything
 * else is the caller's fault.
 */
export function judge(
  provider: string,
  input: ClassifyInput,
  code: string,
  message: string | undefined,
  server: readonly string[],
  throttle: readonly string[],
  fault = false,
): Verdict {
  if (inFamily(code, throttle) || !(fault || input.status >= 500 || inFamily(code, server))) {
    return { kind: 'client-error', provider, code };
  }
  return message === undefined
    ? { kind: 'cloud-error', provider, code }
    : { kind: 'cloud-error', provider, code, message: message.length > 256 ? message.slice(0, 256) : message };
}

// Truncated JSON: a regex anchored at the start that walks only scalar members before the key,
// so it finds the key at the intended depth (never inside a nested business object) in linear time.
const STR = String.raw`"(?:[^"\\]|\\.)*"`;
const SKIP = String.raw`(?:\s*${STR}\s*:\s*(?:${STR}|-?[\d.eE+-]+|true|false|null)\s*,)*?`;

/**
 * Regex for `{ …"a": { …"b": …"leaf": "CODE"` at the start of a JSON prefix (path = ['a', 'b', 'leaf']);
 * group 1 = string code, group 2 = numeric code (only when `numeric`).
 */
export function prefixRe(path: string[], numeric = false): RegExp {
  let src = String.raw`^\s*\{` + SKIP;
  for (const k of path.slice(0, -1)) src += String.raw`\s*"${k}"\s*:\s*\{` + SKIP;
  const value = String.raw`"([^"\\]{1,128})"` + (numeric ? String.raw`|(-?\d{1,12})` : '');
  return new RegExp(src + String.raw`\s*"${path[path.length - 1] ?? ''}"\s*:\s*(?:${value})`);
}

export function scan(re: RegExp, body: string): string | undefined {
  const m = re.exec(body);
  return m ? (m[1] ?? m[2]) : undefined;
}

function tag(body: string, name: string, from: number): string | undefined {
  const open = `<${name}>`;
  const i = body.indexOf(open, from);
  if (i < 0) return undefined;
  const j = body.indexOf(`</${name}>`, i);
  return j < 0 ? undefined : body.slice(i + open.length, j).trim();
}

const ROOT = /^(?:\s*<\?[^]*?\?>|\s*<!--[^]*?-->|\s*<![^>]*>)*\s*<([A-Za-z_][\w.-]*)/;

/**
 * The error fields of an S3-style `<Error>`, AWS query `<ErrorResponse>` or EC2
 * `<Response><Errors><Error>` body (works on a truncated prefix as long as `<Code>` is in it).
 */
export function xmlError(body: string): XmlError | undefined {
  const m = ROOT.exec(body);
  const root = m?.[1];
  if (root !== 'Error' && root !== 'ErrorResponse' && (root !== 'Response' || !body.includes('<Errors>'))) return undefined;
  const from = m?.[0].length ?? 0;
  const code = tag(body, 'Code', from);
  if (!code || code.length > 128 || code.includes('<')) return undefined;
  return { root, code, message: tag(body, 'Message', from), type: tag(body, 'Type', from) };
}
