import { ALL_DOWN, BALANCERS, DEFAULTS } from './defaults.js';
import { readHealth } from './health.js';
import { readClassify, readRetry, readTimeouts } from './policy.js';
import { type At } from './node.js';
import type { EndpointConfig, PoolConfig, ServiceConfig } from './types.js';
import { isHostname, parseEndpointUrl, parseHostHeader } from './values.js';
import { isIP } from 'node:net';

const SERVICE_KEYS = [
  'name', 'match', 'pools', 'health', 'classify', 'classifyMaxBodyBytes', 'retry', 'timeouts',
  'balancer', 'slowStart', 'allDown',
] as const;
const POOL_KEYS = ['name', 'provider', 'region', 'priority', 'hostHeader', 'endpoints', 'tls'] as const;
const ENDPOINT_KEYS = ['url', 'weight', 'servername'] as const;
/** Names end up in admin URLs and metric labels: keep them to a safe alphabet. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export function readName(at: At, what: string): string | undefined {
  const name = at.str();
  if (name !== undefined && !NAME.test(name)) {
    return at.error(`invalid ${what} name ${at.shown()} (letters, digits, ".", "_" and "-", at most 63 characters)`);
  }
  return name;
}

/** `count` decides the default name: "default" when it is the only service, otherwise a name is required. */
export function readService(at: At, count: number): ServiceConfig | undefined {
  const f = at.object(SERVICE_KEYS);
  if (f === undefined) return at.present ? undefined : at.error('expected a service mapping');
  let name = readName(f.get('name'), 'service');
  if (name === undefined && !f.get('name').failed) {
    if (count === 1) name = DEFAULTS.serviceName;
    else at.error('a service needs a name when there are several services');
  }
  const pools = readPools(f.get('pools'));
  const health = readHealth(f.get('health'));
  return {
    name: name ?? '',
    match: readMatch(f.get('match')),
    pools,
    health,
    classify: readClassify(f.get('classify'), f.get('classifyMaxBodyBytes')),
    retry: readRetry(f.get('retry')),
    timeouts: readTimeouts(f.get('timeouts')),
    balancer: f.get('balancer').oneOf(BALANCERS) ?? DEFAULTS.balancer,
    allDown: f.get('allDown').oneOf(ALL_DOWN) ?? DEFAULTS.allDown,
    slowStart: f.get('slowStart').duration() ?? DEFAULTS.slowStart,
  };
}

function readMatch(at: At): ServiceConfig['match'] {
  const f = at.object(['hosts', 'pathPrefix']);
  const hosts: string[] = [];
  for (const item of f?.get('hosts').listOrOne() ?? []) {
    const raw = item.str();
    if (raw === undefined) continue;
    // Host headers compare case-insensitively and may carry the root's trailing dot.
    const host = raw.toLowerCase().replace(/\.$/, '');
    if (/:\d+$/.test(host) && !host.endsWith(']')) {
      item.error(`hosts are matched without the port: write ${JSON.stringify(host.replace(/:\d+$/, ''))}`);
    } else if (!isHostname(host) && !(host.startsWith('[') && isIP(host.slice(1, -1)) === 6)) {
      item.error(`invalid host ${item.shown()} (expected a host name or IP address; wildcards are not supported)`);
    } else if (hosts.includes(host)) {
      item.error(`host "${host}" is listed twice`);
    } else {
      hosts.push(host);
    }
  }
  const prefixAt = f?.get('pathPrefix');
  const pathPrefix = prefixAt?.str();
  if (pathPrefix !== undefined && !pathPrefix.startsWith('/')) prefixAt?.error(`must start with "/" (got ${prefixAt.shown()})`);
  return { hosts, pathPrefix: pathPrefix ?? DEFAULTS.pathPrefix };
}

function readPools(at: At): PoolConfig[] {
  const items = at.list();
  if (items === undefined) return at.failed ? [] : (at.error('a service needs a list of pools'), []);
  if (items.length === 0) at.error('a service needs at least one pool');
  const pools: PoolConfig[] = [];
  const seen = new Map<string, At>();
  items.forEach((item, index) => {
    const pool = readPool(item, index);
    if (pool === undefined) return;
    const first = seen.get(pool.name);
    if (first !== undefined) (item.peek('name') ?? item).error(`duplicate pool name "${pool.name}" (first at line ${lineOf(first)})`);
    else seen.set(pool.name, item.peek('name') ?? item);
    pools.push(pool);
  });
  // Stable: pools of equal priority keep their written order.
  return pools.sort((a, b) => a.priority - b.priority);
}

function readPool(at: At, index: number): PoolConfig | undefined {
  const f = at.object(POOL_KEYS);
  if (f === undefined) return at.present ? undefined : at.error('expected a pool mapping');
  const hostHeaderAt = f.get('hostHeader');
  let hostHeader = hostHeaderAt.str();
  if (hostHeader !== undefined) {
    const h = parseHostHeader(hostHeader);
    if (h.ok) hostHeader = h.value;
    else hostHeader = hostHeaderAt.error(`invalid hostHeader ${hostHeaderAt.shown()} (${h.reason})`);
  }
  const tls = readPoolTls(f.get('tls'));
  return {
    name: readName(f.get('name'), 'pool') ?? `pool-${index}`,
    provider: f.get('provider').str()?.toLowerCase(),
    region: f.get('region').str(),
    priority: f.get('priority').int(0, 1_000_000) ?? index,
    hostHeader,
    endpoints: readEndpoints(f.get('endpoints'), hostHeader),
    // Optional in the type: left out entirely when the pool has no tls block.
    ...(tls === undefined ? {} : { tls }),
  };
}

/** `tls: { ca: ./ca.pem, insecureSkipVerify: false }` for https endpoints; the CA file is read now so a bad path fails the load. */
function readPoolTls(at: At): PoolConfig['tls'] {
  const f = at.object(['ca', 'insecureSkipVerify']);
  if (f === undefined) return undefined;
  const caAt = f.get('ca');
  const caPath = caAt.str();
  let ca: string | undefined;
  if (caPath !== undefined) {
    try {
      ca = at.ctx.readFile(at.ctx.resolvePath(caPath));
      if (!ca.includes('-----BEGIN CERTIFICATE-----')) ca = caAt.error(`CA file ${caAt.shown()} holds no PEM certificate`);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      caAt.error(`cannot read CA file ${caAt.shown()} (${code === 'ENOENT' ? 'file not found' : (code ?? 'read error')})`);
    }
  }
  return { ca, insecureSkipVerify: f.get('insecureSkipVerify').bool() ?? false };
}

function readEndpoints(at: At, hostHeader: string | undefined): EndpointConfig[] {
  const items = at.list();
  if (items === undefined) return at.failed ? [] : (at.error('a pool needs a list of endpoints'), []);
  if (items.length === 0) at.error('a pool needs at least one endpoint');
  // SNI takes a name without port and never an IP address.
  const sniFromHost = hostHeader?.replace(/:\d+$/, '');
  const defaultServername = sniFromHost !== undefined && isIP(sniFromHost.replace(/^\[|\]$/g, '')) === 0 ? sniFromHost : undefined;
  const endpoints: EndpointConfig[] = [];
  const seen = new Map<string, At>();
  for (const item of items) {
    const read = readEndpoint(item, defaultServername);
    if (read === undefined) continue;
    const first = seen.get(read.endpoint.url);
    if (first !== undefined) {
      read.urlAt.error(`duplicate endpoint ${read.endpoint.url} in this pool (first at line ${lineOf(first)})`);
      continue;
    }
    seen.set(read.endpoint.url, read.urlAt);
    endpoints.push(read.endpoint);
  }
  return endpoints;
}

/** `http://host:port` or `{ url, weight, servername }`; every field is checked even when the URL is bad. */
function readEndpoint(item: At, defaultServername: string | undefined): { endpoint: EndpointConfig; urlAt: At } | undefined {
  const f = item.isMapping ? item.object(ENDPOINT_KEYS) : undefined;
  const weight = f?.get('weight').int(1, 1000) ?? DEFAULTS.weight;
  const servernameAt = f?.get('servername');
  const servername = servernameAt?.str();
  if (servername !== undefined && !isHostname(servername)) servernameAt?.error(`invalid servername ${servernameAt.shown()} (expected a DNS name)`);
  const urlAt = f?.get('url') ?? item;
  if (!urlAt.present) return f === undefined ? item.error('expected an endpoint URL') : item.error('an endpoint needs a url');
  const raw = urlAt.str();
  if (raw === undefined) return undefined;
  const parsed = parseEndpointUrl(raw);
  if (!parsed.ok) {
    // Credentials must not be echoed back into logs.
    const shown = parsed.reason.startsWith('credentials') ? '' : ` ${urlAt.shown()}`;
    return urlAt.error(`invalid URL${shown} (${parsed.reason})`);
  }
  return { endpoint: { url: parsed.value.origin, weight, servername: servername?.toLowerCase() ?? defaultServername }, urlAt };
}

export function lineOf(at: At): number {
  return at.ctx.lineCounter.linePos(at.offset).line;
}
