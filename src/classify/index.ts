/**
 * Cloud error envelope classifiers: tell a live response that says "the cloud failed" (Tencent's
 * `InternalError` inside an HTTP 200, an Aliyun `ServiceUnavailable`, an AWS `InternalFailure`...)
 * from the caller's own mistakes. No Node.js imports and no dependencies: this module also ships in
 * the browser client library. One file per provider; see each file's header for its sources and codes.
 *
 * Order inside classify(): custom rules first (the user's intent wins), then the enabled providers in
 * config order; the first verdict wins. The body is parsed at most once and only when it can hold an
 * envelope of an enabled provider (marker substrings) or a jsonPath rule needs it.
 */
import type { CustomClassifyRule } from '../config/types.js';
import type { ClassifyInput, Classifier, Parsed, ProviderClassifier, Verdict } from './types.js';
import { OK, xmlError } from './shared.js';
import { compileRule, matchRule, type CompiledRule } from './rules.js';
import { tencent } from './tencent.js';
import { aliyun } from './aliyun.js';
import { aws } from './aws.js';
import { huawei } from './huawei.js';

export type { ClassifyInput, Classifier, Parsed, ProviderClassifier, Verdict, XmlError } from './types.js';
export { tencent, aliyun, aws, huawei };

const CARRIER = /^\s*(?:text\/plain|[\w.+-]+\/(?:[\w.+-]*json[\w.+-]*|(?:[\w.-]+\+)?xml))\s*(?:;|$)/i;

/**
 * Whether a response of this content type may hold an error envelope worth buffering: JSON (incl. `+json`,
 * AWS `application/x-amz-json-1.1`), XML (`text/xml`, `application/xml`, `+xml`) and `text/plain`.
 * A missing content type is false. One regex test, no allocation.
 */
export function canCarryEnvelope(contentType: string | undefined): boolean {
  return contentType !== undefined && CARRIER.test(contentType);
}

/** Each provider and the substrings without which its JSON envelope cannot be in the body. */
const PROVIDERS: Record<string, readonly [ProviderClassifier, readonly string[]]> = {
  tencent: [tencent, ['"Error"']],
  aliyun: [aliyun, ['"Code"']],
  aws: [aws, ['__type', '"code"']],
  huawei: [huawei, ['error_code', 'errorCode', '"error"']],
};

/** undefined when there is nothing to check (no providers, no rules). Throws on unknown providers and bad rules. */
export function createClassifier(cfg: { providers: string[]; rules: CustomClassifyRule[] }): Classifier | undefined {
  const checks: ProviderClassifier[] = [];
  const markers: string[] = [];
  for (const name of cfg.providers) {
    const entry = Object.prototype.hasOwnProperty.call(PROVIDERS, name) ? PROVIDERS[name] : undefined;
    if (!entry) throw new Error(`classify: unknown provider "${name}" (known: ${Object.keys(PROVIDERS).join(', ')})`);
    if (checks.includes(entry[0])) continue;
    checks.push(entry[0]);
    for (const m of entry[1]) if (!markers.includes(m)) markers.push(m);
  }
  const rules = cfg.rules.map(compileRule);
  if (checks.length === 0 && rules.length === 0) return undefined;
  const rulesNeedJson = rules.some((r) => r.path !== undefined);
  // One regex pass finds any marker (repeated String#includes is slow on quote-dense JSON).
  const marker = new RegExp(markers.map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|') || '(?!)');
  return {
    classify: (input) => {
      try {
        return run(input, checks, marker, rules, rulesNeedJson);
      } catch {
        return OK; // never let a hostile body break the proxy
      }
    },
  };
}

function run(
  input: ClassifyInput,
  checks: ProviderClassifier[],
  marker: RegExp,
  rules: CompiledRule[],
  rulesNeedJson: boolean,
): Verdict {
  const body = input.body;
  let i = 0;
  let c = body.charCodeAt(0);
  while (i < 64 && (c <= 32 || c === 0xfeff)) c = body.charCodeAt(++i);
  const isJson = c === 123 /* { */ || c === 91; /* [ */
  const isXml = c === 60; /* < */
  let hit = false;
  if (checks.length > 0) {
    if (isXml) hit = body.includes('<Code>');
    else if (isJson) hit = marker.test(body);
  }
  let json: unknown;
  if (isJson && input.complete && (hit || rulesNeedJson)) {
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
  }
  for (const r of rules) {
    const v = matchRule(r, input, json);
    if (v) return v;
  }
  if (!hit) return OK;
  const parsed: Parsed = { json, xml: undefined };
  if (isXml && !(parsed.xml = xmlError(body))) return OK;
  for (const check of checks) {
    const v = check(input, parsed);
    if (v) return v;
  }
  return OK;
}
