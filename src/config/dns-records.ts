import { isIP } from 'node:net';
import { DNS_DEFAULTS, DNS_RECORD_TYPES, MAX_TTL, type DnsRecordType } from './dns-base.js';
import { HEALTH_METHODS } from './defaults.js';
import { readStatus } from './health.js';
import type { At, Fields } from './node.js';
import type { ActiveHealthConfig } from './types.js';
import { isHostname, parseHostHeader } from './values.js';

export interface DnsHealthConfig {
  /** URL template with `{value}`, e.g. "http://{value}:8080/healthz"; `tcp://{value}:443` for type tcp. */
  url: string;
  /** The gateway's check settings; `path` is the template's path and query. */
  check: ActiveHealthConfig;
}

export interface DnsPoolConfig {
  priority: number;
  values: string[];
}

export interface DnsRecordConfig {
  /** FQDN, lower case, no trailing dot. */
  name: string;
  type: DnsRecordType;
  ttl: number | undefined;
  health: DnsHealthConfig | undefined;
  /** Sorted by priority, lower first. */
  pools: DnsPoolConfig[];
  /** Take over an existing record that has no ownership marker (it is audited). */
  adopt: boolean;
}

const RECORD_KEYS = ['name', 'type', 'ttl', 'health', 'pools', 'values', 'adopt'] as const;
const HEALTH_KEYS = ['url', 'type', 'method', 'host', 'interval', 'unhealthyInterval', 'timeout', 'unhealthyThreshold', 'healthyThreshold', 'jitter', 'expect'] as const;

export function readRecords(at: At, zone: string): DnsRecordConfig[] {
  const items = at.list();
  if (items === undefined) return at.failed ? [] : (at.error('"records" is required: the names Detour manages'), []);
  const out: DnsRecordConfig[] = [];
  const seen = new Map<string, DnsRecordType>();
  for (const item of items) {
    const r = readRecord(item, zone);
    if (r === undefined) continue;
    const where = item.peek('name') ?? item;
    const key = `${r.name} ${r.type}`;
    if (seen.has(key)) where.error(`record ${r.name} ${r.type} is listed twice`);
    else if ([...seen.keys()].some((k) => k.split(' ')[0] === r.name && (r.type === 'CNAME' || k.endsWith(' CNAME')))) {
      // RFC 1034 §3.6.2: a CNAME cannot share its name with any other data.
      where.error(`${r.name} cannot have a CNAME and another record type (RFC 1034 §3.6.2)`);
    }
    seen.set(key, r.type);
    out.push(r);
  }
  return out;
}

function readRecord(at: At, zone: string): DnsRecordConfig | undefined {
  const f = at.object(RECORD_KEYS);
  if (f === undefined) return at.present ? undefined : at.error('expected a record mapping');
  const type = f.get('type').oneOf(DNS_RECORD_TYPES);
  if (type === undefined && !f.get('type').failed) at.error(`a record needs a type: ${DNS_RECORD_TYPES.join(', ')}`);
  const name = readRecordName(f.get('name'), zone);
  if (type === 'CNAME' && name === zone) f.get('name').error('a CNAME cannot be at the zone apex (RFC 1034 §3.6.2)');
  const pools = readPools(f, type);
  const healthAt = f.get('health');
  if (healthAt.present && (type === 'TXT' || type === 'NS')) healthAt.error(`health checks apply to A, AAAA and CNAME records, not ${type}`);
  const health = type === undefined ? undefined : readRecordHealth(healthAt, type);
  if (type === undefined || name === undefined) return undefined;
  return { name, type, ttl: f.get('ttl').int(0, MAX_TTL), health, pools, adopt: f.get('adopt').bool() ?? false };
}

/** "api" (relative), "@" (apex) or "api.example.com." (absolute, inside the zone). */
function readRecordName(at: At, zone: string): string | undefined {
  const raw = at.text();
  if (raw === undefined) return at.failed ? undefined : at.error('a record needs a name ("@" for the zone apex)');
  const lower = raw.toLowerCase();
  const fqdn = lower === '@' ? zone : lower.endsWith('.') ? lower.slice(0, -1) : `${lower}.${zone}`;
  if (!isHostname(fqdn)) return at.error(`invalid record name ${at.shown()}`);
  if (fqdn !== zone && !fqdn.endsWith(`.${zone}`)) return at.error(`${fqdn} is not inside the zone ${zone}`);
  return fqdn;
}

function readPools(f: Fields, type: DnsRecordType | undefined): DnsPoolConfig[] {
  const poolsAt = f.get('pools');
  const valuesAt = f.get('values');
  if (poolsAt.present && valuesAt.present) {
    valuesAt.error('give either "values" (one static set) or "pools", not both');
    return [];
  }
  if (!poolsAt.present) {
    if (!valuesAt.present) return f.at.error('a record needs "values" or "pools"') ?? [];
    return [{ priority: 0, values: readValues(valuesAt, type) }];
  }
  const items = poolsAt.list() ?? [];
  if (items.length === 0 && !poolsAt.failed) poolsAt.error('needs at least one pool');
  const pools = items.map((item, i): DnsPoolConfig => {
    const pf = item.object(['priority', 'values']);
    const values = pf === undefined ? [] : readValues(pf.get('values'), type);
    if (pf !== undefined && !pf.has('values') && !pf.get('values').failed) item.error('a pool needs "values"');
    return { priority: pf?.get('priority').int(0, 1000) ?? i, values };
  });
  return pools.sort((a, b) => a.priority - b.priority);
}

function readValues(at: At, type: DnsRecordType | undefined): string[] {
  const out: string[] = [];
  const items = at.listOrOne() ?? [];
  for (const item of items) {
    const raw = item.text();
    if (raw === undefined || type === undefined) continue;
    const v = normalizeValue(raw, type);
    if (v === undefined) item.error(`invalid ${type} value ${item.shown()} (${expected(type)})`);
    else if (out.includes(v)) item.error(`value ${v} is listed twice`);
    else out.push(v);
  }
  if (items.length === 0 && !at.failed) at.error('needs at least one value');
  return out;
}

/** The form providers give back, so plans compare equal: IPv6 compressed (RFC 5952), names lower case without dot. */
export function normalizeValue(raw: string, type: DnsRecordType): string | undefined {
  const v = raw.trim();
  switch (type) {
    case 'A':
      return isIP(v) === 4 ? v : undefined;
    case 'AAAA':
      return isIP(v) === 6 ? new URL(`http://[${v}]/`).hostname.slice(1, -1) : undefined;
    case 'CNAME':
    case 'NS': {
      const name = v.toLowerCase().replace(/\.$/, '');
      return isHostname(name) && isIP(name) === 0 ? name : undefined;
    }
    case 'TXT':
      return v.length > 0 && v.length <= 4000 ? raw : undefined;
    default: {
      const never: never = type;
      return never;
    }
  }
}

function expected(type: DnsRecordType): string {
  return { A: 'an IPv4 address', AAAA: 'an IPv6 address', CNAME: 'a host name', NS: 'a host name', TXT: 'text up to 4000 characters' }[type];
}

function readRecordHealth(at: At, type: DnsRecordType): DnsHealthConfig | undefined {
  const f = at.object(HEALTH_KEYS);
  if (f === undefined) return undefined;
  const d = DNS_DEFAULTS.health;
  const checkType = f.get('type').oneOf(['http', 'tcp'] as const) ?? 'http';
  const urlAt = f.get('url');
  const template = urlAt.str();
  let path = '/';
  if (template === undefined) {
    if (!urlAt.failed) at.error(`health needs "url" with {value}, e.g. "http://{value}:8080/healthz"`);
  } else {
    const r = checkTemplate(template, type, checkType);
    if (typeof r === 'string') urlAt.error(r);
    else path = r.path;
  }
  const interval = f.get('interval').duration({ positive: true }) ?? d.interval;
  const timeout = f.get('timeout').duration({ positive: true }) ?? d.timeout;
  if (timeout >= interval) (f.has('timeout') ? f.get('timeout') : f.get('interval')).error(`timeout (${timeout}ms) must be shorter than interval (${interval}ms)`);
  const hostAt = f.get('host');
  const host = hostAt.str();
  if (host !== undefined && !parseHostHeader(host).ok) hostAt.error(`invalid host ${hostAt.shown()}`);
  const ef = f.get('expect').object(['status', 'bodyContains', 'bodyNotContains']);
  return {
    url: template ?? '',
    check: {
      type: checkType,
      path,
      method: f.get('method').oneOf(HEALTH_METHODS) ?? 'GET',
      interval,
      unhealthyInterval: f.get('unhealthyInterval').duration({ positive: true }) ?? interval,
      timeout,
      healthyThreshold: f.get('healthyThreshold').int(1, 100) ?? d.healthyThreshold,
      unhealthyThreshold: f.get('unhealthyThreshold').int(1, 100) ?? d.unhealthyThreshold,
      jitter: f.get('jitter').range(0, 1, { maxExclusive: true }) ?? d.jitter,
      expect: {
        status: (ef && readStatus(ef.get('status'))) ?? [[200, 399]],
        bodyContains: ef?.get('bodyContains').text(),
        bodyNotContains: ef?.get('bodyNotContains').text(),
      },
      host: host?.toLowerCase(),
    },
  };
}

/** Checks a URL template by filling in a sample value; `{value}` must be in the host part. */
function checkTemplate(template: string, type: DnsRecordType, checkType: 'http' | 'tcp'): { path: string } | string {
  if (!template.includes('{value}')) return 'must contain {value} (each value of the record is checked)';
  const sample = type === 'AAAA' ? '[2001:db8::1]' : type === 'A' ? '192.0.2.1' : 'sample.example';
  let u: URL;
  try {
    u = new URL(template.replace('[{value}]', '{value}').replaceAll('{value}', sample));
  } catch {
    return 'is not a valid URL once {value} is filled in';
  }
  const schemes = checkType === 'tcp' ? ['tcp:'] : ['http:', 'https:'];
  if (!schemes.includes(u.protocol)) return checkType === 'tcp' ? 'type tcp needs tcp://{value}:port' : 'expected http:// or https://';
  if (checkType === 'tcp' && u.port === '') return 'type tcp needs a port: tcp://{value}:port';
  const afterAuthority = template.replace(/^[a-z]+:\/\/[^/?#]*/i, '');
  if (afterAuthority.includes('{value}')) return '{value} may only appear in the host part';
  return { path: `${u.pathname}${u.search}` };
}
