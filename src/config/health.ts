import { DEFAULTS, HEALTH_METHODS, HEALTH_TYPES } from './defaults.js';
import type { At, Fields } from './node.js';
import type { ActiveHealthConfig, PassiveHealthConfig } from './types.js';
import { parseHostHeader, parseStatusRanges } from './values.js';

const ACTIVE_KEYS = [
  'type', 'path', 'method', 'interval', 'unhealthyInterval', 'timeout', 'healthyThreshold',
  'unhealthyThreshold', 'jitter', 'expect', 'host',
] as const;
const HTTP_ONLY = ['path', 'method', 'expect', 'host'] as const;
const PASSIVE_KEYS = [
  'enabled', 'consecutiveFailures', 'failureRatio', 'minRequests', 'window', 'baseEjection',
  'maxEjection', 'maxEjectionPercent', 'cloudErrors',
] as const;

export function readHealth(at: At): { active: ActiveHealthConfig | undefined; passive: PassiveHealthConfig } {
  const f = at.object(['active', 'passive']);
  return {
    active: f === undefined ? undefined : readActive(f.get('active')),
    passive: readPassive(f?.get('passive')),
  };
}

/** Omitted, null or `false` → no active checks; `true` or a mapping → checks with defaults filled in. */
export function readActive(at: At): ActiveHealthConfig | undefined {
  if (!at.present) return undefined;
  const d = DEFAULTS.active;
  let f: Fields | undefined;
  if (at.isBoolean) {
    if (at.bool() !== true) return undefined;
  } else {
    f = at.object(ACTIVE_KEYS);
    if (f === undefined) return undefined;
  }
  const type = f?.get('type').oneOf(HEALTH_TYPES) ?? d.type;
  if (type === 'tcp' && f !== undefined) {
    // Refuse rather than ignore: an `expect` on a tcp check would silently never be checked.
    for (const k of HTTP_ONLY) if (f.has(k)) f.get(k).error(`only applies to type: http`);
  }
  const intervalAt = f?.get('interval');
  const timeoutAt = f?.get('timeout');
  const interval = intervalAt?.duration({ positive: true }) ?? d.interval;
  const timeout = timeoutAt?.duration({ positive: true }) ?? d.timeout;
  if (timeoutAt !== undefined && intervalAt !== undefined && !timeoutAt.failed && !intervalAt.failed && timeout >= interval) {
    // Overlapping probes would pile up on a slow endpoint.
    (timeoutAt.present ? timeoutAt : intervalAt).error(`timeout (${timeout}ms) must be shorter than interval (${interval}ms)`);
  }
  const path = f?.get('path');
  const pathValue = path?.str();
  if (pathValue !== undefined && !pathValue.startsWith('/')) path?.error(`must start with "/" (got ${path.shown()})`);
  const hostAt = f?.get('host');
  const host = hostAt?.str();
  if (host !== undefined) {
    const h = parseHostHeader(host);
    if (!h.ok) hostAt?.error(`invalid host ${hostAt.shown()} (${h.reason})`);
  }
  const expect = readExpect(f?.get('expect'));
  return {
    type,
    path: pathValue ?? d.path,
    method: f?.get('method').oneOf(HEALTH_METHODS) ?? d.method,
    interval,
    unhealthyInterval: f?.get('unhealthyInterval').duration({ positive: true }) ?? interval,
    timeout,
    healthyThreshold: f?.get('healthyThreshold').int(1, 100) ?? d.healthyThreshold,
    unhealthyThreshold: f?.get('unhealthyThreshold').int(1, 100) ?? d.unhealthyThreshold,
    // Below 1 so an interval never jitters down to zero or below.
    jitter: f?.get('jitter').range(0, 1, { maxExclusive: true }) ?? d.jitter,
    expect,
    host: host?.toLowerCase(),
  };
}

function readExpect(at: At | undefined): ActiveHealthConfig['expect'] {
  const f = at?.object(['status', 'bodyContains', 'bodyNotContains']);
  return {
    status: (f && readStatus(f.get('status'))) ?? DEFAULTS.active.status.map(([a, b]): [number, number] => [a, b]),
    bodyContains: f?.get('bodyContains').text(),
    bodyNotContains: f?.get('bodyNotContains').text(),
  };
}

/** `200`, `"200-399"`, `"200,204,300-399"`, or a list of those. */
export function readStatus(at: At): Array<[number, number]> | undefined {
  const items = at.listOrOne();
  if (items === undefined) return undefined;
  if (items.length === 0) return at.error('must list at least one status code');
  const out: Array<[number, number]> = [];
  for (const item of items) {
    const v = item.text();
    if (v === undefined) continue;
    const r = parseStatusRanges(v);
    if (r.ok) out.push(...r.value);
    else item.error(`invalid status ${item.shown()} (${r.reason})`);
  }
  return out;
}

/** Omitted → defaults; `false` → disabled (with defaults kept for a later re-enable). */
export function readPassive(at: At | undefined): PassiveHealthConfig {
  const d = DEFAULTS.passive;
  let f: Fields | undefined;
  let enabledShorthand: boolean | undefined;
  if (at?.isBoolean === true) {
    enabledShorthand = at.bool();
  } else {
    f = at?.object(PASSIVE_KEYS);
  }
  const baseAt = f?.get('baseEjection');
  const maxAt = f?.get('maxEjection');
  const baseEjection = baseAt?.duration({ positive: true }) ?? d.baseEjection;
  const maxEjection = maxAt?.duration({ positive: true }) ?? d.maxEjection;
  if (baseAt !== undefined && maxAt !== undefined && !baseAt.failed && !maxAt.failed && maxEjection < baseEjection) {
    (maxAt.present ? maxAt : baseAt).error(`maxEjection (${maxEjection}ms) must not be shorter than baseEjection (${baseEjection}ms)`);
  }
  return {
    enabled: enabledShorthand ?? f?.get('enabled').bool() ?? d.enabled,
    consecutiveFailures: f?.get('consecutiveFailures').int(1, 1000) ?? d.consecutiveFailures,
    failureRatio: f?.get('failureRatio').range(0, 1, { minExclusive: true }) ?? d.failureRatio,
    minRequests: f?.get('minRequests').int(1, 1_000_000) ?? d.minRequests,
    window: f?.get('window').duration({ positive: true }) ?? d.window,
    baseEjection,
    maxEjection,
    maxEjectionPercent: f?.get('maxEjectionPercent').range(0, 100) ?? d.maxEjectionPercent,
    cloudErrors: f?.get('cloudErrors').int(0, 1_000_000) ?? d.cloudErrors,
  };
}
