import { DEFAULTS, LOG_LEVELS } from './defaults.js';
import type { At } from './node.js';
import { lineOf, readService } from './service.js';
import type { AdminConfig, DetourConfig, ListenerConfig, ServiceConfig } from './types.js';
import { parseListenAddress } from './values.js';
import { readDns } from './dns.js';
import { readIncidents, readNotifications, readRetention, readSla, readStore } from './record.js';
import { readStatusPage } from './status-page.js';

const ROOT_KEYS = ['listen', 'admin', 'maxReplayBytes', 'drainTimeout', 'log', 'services', 'dns', 'store', 'statusPage', 'incidents', 'retention', 'sla', 'notifications'] as const;

export function readRoot(at: At, source: string): DetourConfig | undefined {
  const f = at.object(ROOT_KEYS);
  if (f === undefined) return at.present ? undefined : at.error('the config is empty: it needs at least "services"');
  const path = at.ctx.resolvePath;
  const listeners = readListeners(f.get('listen'), path);
  const admin = readAdmin(f.get('admin'), path);
  const dns = readDns(f.get('dns'));
  // A config with a dns section and no services runs Detour as a DNS failover controller only.
  const services = dns !== undefined && !f.get('services').present ? [] : readServices(f.get('services'));
  if (admin !== undefined) {
    const clash = listeners.find((l) => l.port === admin.port && l.port !== 0 && (l.host === admin.host || wildcard(l.host) || wildcard(admin.host)));
    if (clash !== undefined) f.get('admin').error(`admin listen ${admin.host}:${admin.port} clashes with listener ${clash.host}:${clash.port}`);
  }
  const logF = f.get('log').object(['level']);
  return {
    source,
    listeners,
    admin,
    services,
    maxReplayBytes: f.get('maxReplayBytes').size(0, 1024 ** 3) ?? DEFAULTS.maxReplayBytes,
    drainTimeout: f.get('drainTimeout').duration() ?? DEFAULTS.drainTimeout,
    log: { level: logF?.get('level').oneOf(LOG_LEVELS) ?? DEFAULTS.logLevel },
    dns,
    store: readStore(f.get('store'), path),
    incidents: readIncidents(f.get('incidents')),
    retention: readRetention(f.get('retention')),
    sla: readSla(f.get('sla')),
    notifications: readNotifications(f.get('notifications')),
    statusPage: readStatusPage(f.get('statusPage'), { services, listeners, admin }),
  };
}

const wildcard = (host: string): boolean => host === '0.0.0.0' || host === '::';

/** `listen: "host:port"`, a list of those, or `{address, tls: {cert, key}}` items. */
function readListeners(at: At, path: (p: string) => string): ListenerConfig[] {
  const items = at.listOrOne();
  if (items === undefined) return [{ ...DEFAULTS.listen, tls: undefined }];
  if (items.length === 0) at.error('needs at least one address');
  const out: ListenerConfig[] = [];
  const seen = new Map<string, At>();
  for (const item of items) {
    const f = item.isMapping ? item.object(['address', 'tls']) : undefined;
    const addressAt = f?.get('address') ?? item;
    if (f !== undefined && !addressAt.present) {
      item.error('a listener needs an address');
      continue;
    }
    const address = readAddress(addressAt);
    const tls = f === undefined ? undefined : readTls(f.get('tls'), path);
    if (address === undefined) continue;
    const key = `${address.host}:${address.port}`;
    const first = seen.get(key);
    if (first !== undefined && address.port !== 0) addressAt.error(`listen address ${key} is listed twice (first at line ${lineOf(first)})`);
    seen.set(key, addressAt);
    out.push({ ...address, tls });
  }
  return out;
}

function readAddress(at: At): { host: string; port: number } | undefined {
  // text(), not str(): a bare `8080` then gets the "host:port" hint instead of "expected a string".
  const raw = at.text();
  if (raw === undefined) return undefined;
  const r = parseListenAddress(raw);
  return r.ok ? r.value : at.error(`invalid listen address ${at.shown()} (${r.reason})`);
}

function readTls(at: At, path: (p: string) => string): ListenerConfig['tls'] {
  const f = at.object(['cert', 'key']);
  if (f === undefined) return undefined;
  const cert = f.get('cert').str();
  const key = f.get('key').str();
  for (const k of ['cert', 'key'] as const) {
    if (!f.has(k) && !f.get(k).failed) at.error(`tls needs both cert and key: "${k}" is missing`);
  }
  return cert !== undefined && key !== undefined ? { cert: path(cert), key: path(key) } : undefined;
}

function readAdmin(at: At, path: (p: string) => string): AdminConfig | undefined {
  const f = at.object(['listen', 'token', 'stateFile']);
  if (f === undefined) return undefined;
  const address = f.has('listen') ? readAddress(f.get('listen')) : undefined;
  // An empty token (e.g. `${DETOUR_ADMIN_TOKEN:-}`) means "no token": writes are refused.
  const token = f.get('token').text({ allowEmpty: true });
  return {
    host: address?.host ?? DEFAULTS.admin.host,
    port: address?.port ?? DEFAULTS.admin.port,
    token: token === '' ? undefined : token,
    stateFile: path(f.get('stateFile').str() ?? DEFAULTS.admin.stateFile),
  };
}

function readServices(at: At): ServiceConfig[] {
  const items = at.list();
  if (items === undefined) return at.failed ? [] : (at.error('"services" is required: a list of services with their pools'), []);
  if (items.length === 0) at.error('needs at least one service');
  const services: ServiceConfig[] = [];
  const names = new Map<string, At>();
  const routes = new Map<string, string>();
  items.forEach((item) => {
    const s = readService(item, items.length);
    if (s === undefined) return;
    const nameAt = item.peek('name') ?? item;
    const first = names.get(s.name);
    if (first !== undefined && s.name !== '') nameAt.error(`duplicate service name "${s.name}" (first at line ${lineOf(first)})`);
    else names.set(s.name, nameAt);
    // The second of two services with the same host and prefix could never be reached.
    for (const host of s.name === '' ? [] : s.match.hosts.length === 0 ? ['*'] : s.match.hosts) {
      const route = `${host} ${s.match.pathPrefix}`;
      const owner = routes.get(route);
      if (owner !== undefined && owner !== s.name) {
        item.error(`service "${s.name}" matches the same host ${host === '*' ? '(any)' : `"${host}"`} and pathPrefix "${s.match.pathPrefix}" as service "${owner}", so it would never be used`);
      }
      routes.set(route, s.name);
    }
    services.push(s);
  });
  return services;
}
