/**
 * Small helpers shared by the provider classifiers: safe JSON field access, code families,
 * the client/cloud decision, a bounded scan for truncated JSON prefixes and a tiny XML
 * error-element extraction. No Node.js imports.
 */
import type { ClassifyInput, ProviderClassifier, Verdict, XmlError } from './types.js';

export const OK: Verdict = /* @__PURE__ */ Object.freeze({ kind: 'ok' });

/** A JSON object (not an array). */
export const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** `o[k]` when `o` is a JSON object (not an array), else undefined. */
export const get = (o: unknown, k: string): unknown => (isObject(o) ? o[k] : undefined);

/** A non-empty string, or undefined. */
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v) || undefined;

/** A code that may be a string or a number (Huawei/Keystone `{"error":{"code":401}}`). */
export const codeOf = (v: unknown): string | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? String(v) : str(v);

/** Codes some APIs put in successful bodies (Aliyun SMS `"Code":"OK"`, `"Code":"200"`, `"error_code":"SUCCESS"`...). */
export const isSuccessCode = (code: string): boolean => /^(?:ok|success(?:ful)?|succeed(?:ed)?|0|200)$/i.test(code);

/**
 * The shared decision once a provider recognised its envelope: throttling is never a cloud failure
 * (the cloud is up and pushing back on this caller); a server-side code, a server fault flag
 * (AWS `<Type>Receiver</Type>`) or a 5xx status on the same response is a cloud error; anything
 * else is the caller's fault.
 *
 * `server` and `throttle` are code families, regexes `^(?:Name|Other)(?:\.|$)`: a code is in one when it is
 * one of the names or a dotted sub-code of one (`InternalError.DbError` is in the `InternalError` family).
 * A regex literal is the smallest form of such a table in the browser bundle (src/client ships these files).
 */
export function judge(
  provider: string,
  input: ClassifyInput,
  code: string,
  message: string | undefined,
  requestId: unknown,
  server: RegExp,
  throttle: RegExp,
  fault = false,
): Verdict {
  return throttle.test(code) || !(fault || input.status >= 500 || server.test(code))
    ? { kind: 'client-error', provider, code }
    : {
        kind: 'cloud-error', provider, code,
        ...(message !== undefined && { message: message.slice(0, 256) }),
        // The cloud's id for the failed call, what its support desk asks for in a ticket or an SLA claim; kept
        // only when it looks like an id (UUID, hex, base64-ish), so a body cannot put arbitrary text into logs.
        ...(typeof requestId === 'string' && /^[\w.:/+=-]{1,128}$/.test(requestId) && { requestId }),
      };
}

// Truncated JSON: a regex anchored at the start that walks only scalar members before the key,
// so it finds the key at the intended depth (never inside a nested business object) in linear time.
const STR = /"(?:[^"\\]|\\.)*"/.source;
const SKIP = `(?:\\s*${STR}\\s*:\\s*(?:${STR}|-?[\\d.eE+-]+|true|false|null)\\s*,)*?`;

/**
 * Regex for `{ …"a": { …"b": …"leaf": "CODE"` at the start of a JSON prefix (path = ['a', 'b', 'leaf']);
 * group 1 = string code, group 2 = numeric code (only when `numeric`).
 */
export const prefixRe = (path: string[], numeric = false): RegExp =>
  new RegExp(
    `^\\s*\\{${SKIP}${path.map((k) => `\\s*"${k}"\\s*:\\s*`).join(`\\{${SKIP}`)}(?:"([^"\\\\]{1,128})"${numeric ? '|(-?\\d{1,12})' : ''})`,
  );

/** The first prefix regex that finds a code in a truncated body. */
export function scan(res: readonly RegExp[], body: string): string | undefined {
  for (const re of res) {
    const m = re.exec(body);
    if (m) return m[1] ?? m[2];
  }
  return undefined;
}

/**
 * A provider with a JSON envelope that also answers S3-style XML `<Error>` (Tencent COS, Aliyun OSS, Huawei OBS):
 * the code and message come from the XML error, from the complete JSON body (`fromJson`, which may also settle
 * the verdict itself: undefined = not this provider's, OK = a success), or from a scan of a truncated prefix.
 * With `successCodes`, success-looking codes (`"Code":"OK"`) are not errors.
 */
export const envelope =
  (
    provider: string,
    server: RegExp,
    throttle: RegExp,
    prefixes: readonly RegExp[],
    fromJson: (json: unknown) => [code: string | undefined, message: string | undefined, requestId?: unknown] | Verdict | undefined,
    successCodes = false,
  ): ProviderClassifier =>
  (input, p) => {
    let code: string | undefined;
    let message: string | undefined;
    let requestId: unknown;
    if (p.xml) {
      if (p.xml.root !== 'Error') return undefined;
      ({ code, message, requestId } = p.xml);
    } else if (p.json !== undefined) {
      const r = fromJson(p.json);
      if (!Array.isArray(r)) return r;
      [code, message, requestId] = r;
    } else {
      code = scan(prefixes, input.body);
    }
    if (code === undefined) return undefined;
    return successCodes && isSuccessCode(code) ? OK : judge(provider, input, code, message, requestId, server, throttle);
  };

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
  // S3/OSS/COS/OBS and AWS query say RequestId, EC2 says RequestID.
  return { root, code, message: tag(body, 'Message', from), type: tag(body, 'Type', from), requestId: tag(body, 'RequestId', from) ?? tag(body, 'RequestID', from) };
}
