/**
 * User-defined classify rules (config `classify.rules`), compiled once at createClassifier() time.
 *
 * A rule matches when every condition it sets holds:
 *   status    the response status is in one of the inclusive ranges;
 *   jsonPath  `$.a.b[0].c` (dot members and [index] only) resolves in the complete JSON body; compared with
 *             `equals` (any of) and/or `matches` (regex); with neither, the path merely has to exist (non-null);
 *   matches   without jsonPath: tested against the body prefix (capture group 1, if any, becomes the code).
 * A match is {kind:'cloud-error', provider: rule.name, code: <matched value, or rule.name>}.
 * `matches` is a plain regex source (no flags), as validated by the config loader.
 */
import type { CustomClassifyRule } from '../config/types.js';
import type { ClassifyInput, Verdict } from './types.js';

export interface CompiledRule {
  name: string;
  status: Array<[number, number]> | undefined;
  path: Array<string | number> | undefined;
  equals: string[] | undefined;
  re: RegExp | undefined;
}

const PATH = /^\$(?:\.[^.[\]]+|\[\d+\])*$/;
const SEGMENT = /\.([^.[\]]+)|\[(\d+)\]/g;

export function compileRule(rule: CustomClassifyRule): CompiledRule {
  const fail = (why: string): never => {
    throw new Error(`classify rule "${rule.name}": ${why}`);
  };
  let path: Array<string | number> | undefined;
  if (rule.jsonPath !== undefined) {
    if (!PATH.test(rule.jsonPath)) fail(`invalid jsonPath "${rule.jsonPath}" (use $.a.b[0].c: dot members and [index] only)`);
    path = [];
    for (const m of rule.jsonPath.matchAll(SEGMENT)) path.push(m[1] ?? Number(m[2]));
  }
  let re: RegExp | undefined;
  if (rule.matches !== undefined) {
    try {
      re = new RegExp(rule.matches);
    } catch (e) {
      fail(`invalid regex ${JSON.stringify(rule.matches)}: ${(e as Error).message}`);
    }
  }
  if (rule.equals !== undefined) {
    if (!path) fail('equals needs a jsonPath');
    if (rule.equals.length === 0) fail('equals is empty');
  }
  if (!path && !re && !rule.status) fail('needs at least one of status, jsonPath, matches');
  return { name: rule.name, status: rule.status, path, equals: rule.equals, re };
}

function resolve(json: unknown, path: Array<string | number>): unknown {
  let v = json;
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!Array.isArray(v)) return undefined;
      v = v[seg];
    } else {
      if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.prototype.hasOwnProperty.call(v, seg)) return undefined;
      v = (v as Record<string, unknown>)[seg];
    }
  }
  return v;
}

/** `json` is the parsed complete body, or undefined (not JSON / truncated): jsonPath rules then cannot match. */
export function matchRule(r: CompiledRule, input: ClassifyInput, json: unknown): Verdict | undefined {
  if (r.status && !r.status.some(([lo, hi]) => input.status >= lo && input.status <= hi)) return undefined;
  let value: string | undefined;
  if (r.path) {
    if (json === undefined) return undefined;
    const v = resolve(json, r.path);
    if (v === undefined || v === null) return undefined;
    const scalar = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
    if ((r.equals || r.re) && !scalar) return undefined;
    if (scalar) value = String(v);
    if (r.equals && !r.equals.includes(value ?? '')) return undefined;
    if (r.re && !r.re.test(value ?? '')) return undefined;
  } else if (r.re) {
    const m = r.re.exec(input.body);
    if (!m) return undefined;
    value = m[1] ?? m[0];
  }
  return { kind: 'cloud-error', provider: r.name, code: value ? value.slice(0, 128) : r.name };
}
