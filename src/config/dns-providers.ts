import { isIP } from 'node:net';
import { DNS_DEFAULTS, DNS_PROVIDER_TYPES, MAX_TTL, NAME, readZone, type DnsProviderType } from './dns-base.js';
import type { At, Fields } from './node.js';
import { isHostname, parseListenAddress } from './values.js';

/**
 * A credential read from the config. It never prints: JSON, string conversion and
 * `detour check` show "[redacted]" (or nothing); only `reveal()` gives the value.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return '[redacted]';
  }
  toString(): string {
    return '[redacted]';
  }
}

interface ProviderCommon {
  name: string;
  /** The zone as this provider knows it; default `dns.zone`. */
  zone: string;
  /** Overrides of the adapter's TTL limits (e.g. a paid DNSPod plan allows less than 600 s). */
  minTtl: number | undefined;
  maxTtl: number | undefined;
  /** Per-API-call timeout (ms); the reconcile round has its own, larger one. */
  timeout: number;
}

export type DnsProviderConfig =
  | (ProviderCommon & { type: 'cloudflare'; token: Secret; zoneId: string; baseUrl: string | undefined })
  | (ProviderCommon & {
      type: 'tencent-dnspod'; secretId: Secret; secretKey: Secret; region: string | undefined;
      endpoint: string | undefined; recordLine: string;
    })
  | (ProviderCommon & {
      type: 'alibaba'; accessKeyId: Secret; accessKeySecret: Secret; regionId: string | undefined; endpoint: string | undefined;
    })
  | (ProviderCommon & {
      type: 'route53'; hostedZoneId: string; region: string; accessKeyId: Secret | undefined;
      secretAccessKey: Secret | undefined; endpoint: string | undefined;
    })
  | (ProviderCommon & {
      type: 'rfc2136'; host: string; port: number;
      tsig: { name: string; algorithm: 'hmac-sha256' | 'hmac-sha512'; secret: Secret } | undefined;
    });

const COMMON = ['name', 'type', 'zone', 'minTtl', 'maxTtl', 'timeout'] as const;
const PROVIDER_KEYS: Record<DnsProviderType, readonly string[]> = {
  cloudflare: [...COMMON, 'token', 'zoneId', 'baseUrl'],
  'tencent-dnspod': [...COMMON, 'secretId', 'secretKey', 'region', 'endpoint', 'recordLine'],
  alibaba: [...COMMON, 'accessKeyId', 'accessKeySecret', 'regionId', 'endpoint'],
  route53: [...COMMON, 'hostedZoneId', 'region', 'accessKeyId', 'secretAccessKey', 'endpoint'],
  rfc2136: [...COMMON, 'server', 'tsig'],
};

export function readProviders(at: At, zone: string): DnsProviderConfig[] {
  const items = at.list();
  if (items === undefined) return at.failed ? [] : (at.error('"providers" is required: the DNS providers that serve the zone'), []);
  if (items.length === 0) at.error('needs at least one provider');
  const out: DnsProviderConfig[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const p = readProvider(item, zone);
    if (p === undefined) continue;
    if (seen.has(p.name)) (item.peek('name') ?? item).error(`duplicate provider name "${p.name}"`);
    seen.add(p.name);
    out.push(p);
  }
  return out;
}

function readProvider(at: At, dnsZone: string): DnsProviderConfig | undefined {
  const type = at.peek('type');
  const t = type?.oneOf(DNS_PROVIDER_TYPES);
  if (type === undefined) return at.present ? at.error(`a provider needs a type: ${DNS_PROVIDER_TYPES.join(', ')}`) : undefined;
  if (t === undefined) return undefined;
  const f = at.object(PROVIDER_KEYS[t]);
  if (f === undefined) return undefined;
  const name = f.get('name').str();
  if (name === undefined && !f.get('name').failed) at.error('a provider needs a name');
  else if (name !== undefined && !NAME.test(name)) f.get('name').error(`invalid provider name ${f.get('name').shown()}`);
  const common: ProviderCommon = {
    name: name ?? '',
    zone: readZone(f.get('zone')) ?? dnsZone,
    minTtl: f.get('minTtl').int(0, MAX_TTL),
    maxTtl: f.get('maxTtl').int(1, MAX_TTL),
    timeout: f.get('timeout').duration({ positive: true }) ?? DNS_DEFAULTS.providerTimeout,
  };
  if (common.minTtl !== undefined && common.maxTtl !== undefined && common.maxTtl < common.minTtl) f.get('maxTtl').error('must not be below minTtl');
  switch (t) {
    case 'cloudflare':
      return { ...common, type: t, token: need(f, 'token'), zoneId: required(f, 'zoneId'), baseUrl: url(f.get('baseUrl')) };
    case 'tencent-dnspod':
      return {
        ...common, type: t, secretId: need(f, 'secretId'), secretKey: need(f, 'secretKey'), region: f.get('region').str(),
        endpoint: f.get('endpoint').str(), recordLine: f.get('recordLine').str() ?? DNS_DEFAULTS.recordLine,
      };
    case 'alibaba':
      return {
        ...common, type: t, accessKeyId: need(f, 'accessKeyId'), accessKeySecret: need(f, 'accessKeySecret'),
        regionId: f.get('regionId').str(), endpoint: f.get('endpoint').str(),
      };
    case 'route53': {
      const id = secret(f.get('accessKeyId'));
      const key = secret(f.get('secretAccessKey'));
      // Both or neither: neither means the AWS SDK's default credential chain (env, profile, role).
      if ((id === undefined) !== (key === undefined)) at.error('route53 needs both accessKeyId and secretAccessKey, or neither (AWS default credentials)');
      return {
        ...common, type: t, hostedZoneId: required(f, 'hostedZoneId'), region: f.get('region').str() ?? DNS_DEFAULTS.route53Region,
        accessKeyId: id, secretAccessKey: key, endpoint: url(f.get('endpoint')),
      };
    }
    case 'rfc2136': {
      const server = readServer(f.get('server'));
      if (server === undefined && !f.get('server').failed) at.error('rfc2136 needs "server" (host:port of the primary)');
      return { ...common, type: t, host: server?.host ?? '', port: server?.port ?? 53, tsig: readTsig(f.get('tsig')) };
    }
    default: {
      const never: never = t;
      return never;
    }
  }
}

function secret(at: At): Secret | undefined {
  const v = at.str();
  return v === undefined ? undefined : new Secret(v);
}

function need(f: Fields, key: string): Secret {
  const s = secret(f.get(key));
  if (s === undefined && !f.get(key).failed) f.at.error(`"${key}" is required (use \${ENV_VAR} to keep it out of the file)`);
  return s ?? new Secret('');
}

function required(f: Fields, key: string): string {
  const v = f.get(key).str();
  if (v === undefined && !f.get(key).failed) f.at.error(`"${key}" is required`);
  return v ?? '';
}

function url(at: At): string | undefined {
  const v = at.str();
  if (v !== undefined && !/^https?:\/\/[^/]/.test(v)) return at.error(`invalid URL ${at.shown()} (expected http:// or https://)`);
  return v;
}

function readServer(at: At): { host: string; port: number } | undefined {
  const raw = at.text();
  if (raw === undefined) return undefined;
  const withPort = isIP(raw) === 6 ? `[${raw}]:53` : /:\d+$/.test(raw) ? raw : `${raw}:53`;
  const r = parseListenAddress(withPort);
  return r.ok ? r.value : at.error(`invalid server ${at.shown()} (${r.reason})`);
}

function readTsig(at: At): { name: string; algorithm: 'hmac-sha256' | 'hmac-sha512'; secret: Secret } | undefined {
  const f = at.object(['name', 'algorithm', 'secret']);
  if (f === undefined) return undefined;
  const name = f.get('name').str()?.toLowerCase().replace(/\.$/, '');
  if (name === undefined && !f.get('name').failed) at.error('tsig needs "name" (the key name as in named.conf)');
  else if (name !== undefined && !isHostname(name)) f.get('name').error(`invalid key name ${f.get('name').shown()}`);
  const algorithm = f.get('algorithm').oneOf(['hmac-sha256', 'hmac-sha512'] as const) ?? 'hmac-sha256';
  const s = f.get('secret').str();
  if (s === undefined && !f.get('secret').failed) at.error('tsig needs "secret" (base64, as in the key file)');
  // Validate without echoing: a message must never contain the key.
  if (s !== undefined && (!/^[A-Za-z0-9+/]+={0,2}$/.test(s.trim()) || Buffer.from(s, 'base64').length === 0)) {
    f.get('secret').error('tsig secret is not valid base64');
  }
  return { name: name ?? '', algorithm, secret: new Secret(s?.trim() ?? '') };
}

