import { DEFAULTS, PROVIDERS, RETRY_ON } from './defaults.js';
import { readStatus } from './health.js';
import type { At } from './node.js';
import { didYouMean } from './suggest.js';
import type { ClassifyConfig, CustomClassifyRule, RetryConfig, RetryOn, ServiceConfig } from './types.js';
import { isSimpleJsonPath } from './values.js';

type Provider = ClassifyConfig['providers'][number];
const RULE_KEYS = ['name', 'status', 'jsonPath', 'matches', 'equals'] as const;

/** `classify: [tencent, aliyun, {name, jsonPath, equals, ...}]` plus the service's classifyMaxBodyBytes. */
export function readClassify(at: At, maxBodyAt: At): ClassifyConfig {
  const providers: Provider[] = [];
  const rules: CustomClassifyRule[] = [];
  const ruleNames = new Set<string>();
  for (const item of at.listOrOne() ?? []) {
    if (item.present && !item.isMapping) {
      const name = item.str();
      if (name === undefined) continue;
      if (!(PROVIDERS as readonly string[]).includes(name)) {
        item.error(`unknown classifier ${item.shown()}${didYouMean(name, PROVIDERS)} (expected ${PROVIDERS.join(', ')} or a rule {name, jsonPath, equals, matches, status})`);
      } else if (providers.includes(name as Provider)) {
        item.error(`classifier "${name}" is listed twice`);
      } else {
        providers.push(name as Provider);
      }
      continue;
    }
    const rule = readRule(item);
    if (rule === undefined) continue;
    if (ruleNames.has(rule.name)) item.error(`duplicate classify rule name "${rule.name}"`);
    ruleNames.add(rule.name);
    rules.push(rule);
  }
  return { providers, rules, maxBodyBytes: maxBodyAt.size(1, 16 * 1024 * 1024) ?? DEFAULTS.classifyMaxBodyBytes };
}

function readRule(at: At): CustomClassifyRule | undefined {
  const f = at.object(RULE_KEYS);
  if (f === undefined) return at.present ? undefined : at.error('expected a classifier name or a rule');
  const name = f.get('name').str();
  if (name === undefined && !f.get('name').failed) at.error('a classify rule needs a name');
  const jsonPathAt = f.get('jsonPath');
  const jsonPath = jsonPathAt.str();
  if (jsonPath !== undefined && !isSimpleJsonPath(jsonPath)) {
    jsonPathAt.error(`invalid jsonPath ${jsonPathAt.shown()} (expected e.g. "$.error.code" or "$.errors[0].code": dots and [index] only)`);
  }
  const matchesAt = f.get('matches');
  const matches = matchesAt.text();
  if (matches !== undefined) {
    try {
      new RegExp(matches);
    } catch (e) {
      // The engine's message repeats the pattern; keep only its reason.
      const reason = e instanceof Error ? (e.message.split(': ').pop() ?? e.message) : 'syntax error';
      matchesAt.error(`invalid regular expression ${matchesAt.shown()} (${reason})`);
    }
  }
  const equalsAt = f.get('equals');
  let equals: string[] | undefined;
  const items = equalsAt.listOrOne();
  if (items !== undefined) {
    equals = items.map((i) => i.text({ allowEmpty: true })).filter((v): v is string => v !== undefined);
    if (items.length === 0) equalsAt.error('must list at least one value');
    if (jsonPath === undefined && !jsonPathAt.failed) equalsAt.error('equals compares a jsonPath value: add jsonPath');
  }
  // Same rule as the classifier's compileRule: a jsonPath alone means "this field is present".
  const status = f.has('status') ? readStatus(f.get('status')) : undefined;
  const anyFailed = jsonPathAt.failed || matchesAt.failed || f.get('status').failed;
  if (jsonPath === undefined && matches === undefined && status === undefined && !anyFailed) {
    at.error('a classify rule needs at least one of status, jsonPath or matches');
  }
  return { name: name ?? '', status, jsonPath, matches, equals };
}

const RETRY_KEYS = ['attempts', 'budgetRatio', 'minRetriesPerSecond', 'on', 'idempotentMethods'] as const;

export function readRetry(at: At): RetryConfig {
  const d = DEFAULTS.retry;
  const f = at.object(RETRY_KEYS);
  const onAt = f?.get('on');
  let on: RetryOn[] = [...d.on];
  const onItems = onAt?.listOrOne();
  if (onItems !== undefined) {
    on = [];
    for (const item of onItems) {
      const v = item.oneOf(RETRY_ON);
      if (v === undefined) continue;
      if (on.includes(v)) item.error(`"${v}" is listed twice`);
      else on.push(v);
    }
  }
  let idempotentMethods = [...d.idempotentMethods] as string[];
  const methodItems = f?.get('idempotentMethods').listOrOne();
  if (methodItems !== undefined) {
    idempotentMethods = [];
    for (const item of methodItems) {
      const v = item.str();
      if (v === undefined) continue;
      // HTTP methods are case-sensitive tokens, but everyone means the upper-case ones.
      if (!/^[A-Za-z]+$/.test(v)) item.error(`invalid HTTP method ${item.shown()}`);
      else if (idempotentMethods.includes(v.toUpperCase())) item.error(`method ${v.toUpperCase()} is listed twice`);
      else idempotentMethods.push(v.toUpperCase());
    }
  }
  return {
    attempts: f?.get('attempts').int(1, 10) ?? d.attempts,
    budgetRatio: f?.get('budgetRatio').range(0, 1, { minExclusive: true }) ?? d.budgetRatio,
    minRetriesPerSecond: f?.get('minRetriesPerSecond').int(0, 100_000) ?? d.minRetriesPerSecond,
    on,
    idempotentMethods,
  };
}

export function readTimeouts(at: At): ServiceConfig['timeouts'] {
  const d = DEFAULTS.timeouts;
  const f = at.object(['connect', 'perTry', 'total']);
  const perTryAt = f?.get('perTry');
  const totalAt = f?.get('total');
  const perTry = perTryAt?.duration({ positive: true }) ?? d.perTry;
  const total = totalAt?.duration({ positive: true }) ?? d.total;
  if (perTryAt !== undefined && totalAt !== undefined && !perTryAt.failed && !totalAt.failed && perTry > total) {
    (perTryAt.present ? perTryAt : totalAt).error(`perTry (${perTry}ms) must not be longer than total (${total}ms)`);
  }
  return { connect: f?.get('connect').duration({ positive: true }) ?? d.connect, perTry, total };
}
