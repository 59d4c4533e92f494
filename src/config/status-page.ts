import type { At } from './node.js';
import { lineOf } from './service.js';
import type { AdminConfig, ListenerConfig, ServiceConfig } from './types.js';
import { parseListenAddress } from './values.js';

/**
 * The `statusPage:` section. The dashboard on the admin listener always exists when the
 * admin API does; this section names things for customers and, with `listen`, serves a
 * public read-only page on its own address. Owned by src/status.
 */
export interface StatusPageConfig {
  /** Public page address; undefined = no public page (the dashboard still runs on the admin listener). */
  listen: { host: string; port: number } | undefined;
  title: string;
  /** Latency and error-rate charts on the public page (request volumes are never public). */
  charts: boolean;
  /** What the public page shows, in order; every service by its own name when not configured. */
  components: StatusComponentConfig[];
}

export interface StatusComponentConfig {
  service: string;
  /** Customer-facing name. */
  name: string;
  description: string | undefined;
  /** Pools shown as sub-components, by customer-facing name; false hides them. */
  pools: false | Record<string, string>;
}

const KEYS = ['listen', 'title', 'charts', 'components'] as const;
const COMPONENT_KEYS = ['service', 'name', 'description', 'pools'] as const;
export const STATUS_PAGE_DEFAULT_TITLE = 'Service status';

export interface StatusPageContext {
  services: readonly ServiceConfig[];
  listeners: readonly ListenerConfig[];
  admin: AdminConfig | undefined;
}

export function readStatusPage(at: At, ctx: StatusPageContext): StatusPageConfig {
  const f = at.object(KEYS);
  const listenAt = f?.get('listen');
  const listen = listenAt === undefined ? undefined : readListen(listenAt, ctx);
  const componentsAt = f?.get('components');
  const components = componentsAt?.present === true
    ? readComponents(componentsAt, ctx.services)
    : ctx.services.map((s) => ({ service: s.name, name: s.name, description: undefined, pools: defaultPoolNames(s) }));
  return {
    listen,
    title: f?.get('title').str() ?? STATUS_PAGE_DEFAULT_TITLE,
    charts: f?.get('charts').bool() ?? true,
    components,
  };
}

function readListen(at: At, ctx: StatusPageContext): StatusPageConfig['listen'] {
  const raw = at.text();
  if (raw === undefined) return undefined;
  const r = parseListenAddress(raw);
  if (!r.ok) return at.error(`invalid listen address ${at.shown()} (${r.reason})`);
  const { host, port } = r.value;
  const taken = [...ctx.listeners.map((l) => ({ ...l, what: 'listener' })), ...(ctx.admin ? [{ ...ctx.admin, what: 'admin listen' }] : [])];
  const clash = port === 0 ? undefined : taken.find((t) => t.port === port && (t.host === host || wild(t.host) || wild(host)));
  if (clash !== undefined) return at.error(`status page listen ${host}:${port} clashes with ${clash.what} ${clash.host}:${clash.port}`);
  return { host, port };
}

const wild = (host: string): boolean => host === '0.0.0.0' || host === '::';

function readComponents(at: At, services: readonly ServiceConfig[]): StatusComponentConfig[] {
  const out: StatusComponentConfig[] = [];
  const seen = new Map<string, At>();
  for (const item of at.list() ?? []) {
    const f = item.object(COMPONENT_KEYS);
    if (f === undefined) continue;
    const serviceAt = f.get('service');
    const name = serviceAt.str();
    if (name === undefined) {
      if (!serviceAt.failed) item.error('a component needs "service" (the name of a service)');
      continue;
    }
    const service = services.find((s) => s.name === name);
    if (service === undefined) {
      serviceAt.error(`no service named ${serviceAt.shown()} (services: ${services.map((s) => s.name).join(', ') || 'none'})`);
      continue;
    }
    const first = seen.get(name);
    if (first !== undefined) serviceAt.error(`service "${name}" is listed twice (first at line ${lineOf(first)})`);
    seen.set(name, serviceAt);
    out.push({
      service: name,
      name: f.get('name').str() ?? name,
      description: f.get('description').str(),
      pools: readPools(f.get('pools'), service),
    });
  }
  return out;
}

/** `pools: false`, `pools: true` (default names) or `{ poolName: "Customer-facing name" }`. */
function readPools(at: At, service: ServiceConfig): StatusComponentConfig['pools'] {
  if (!at.present) return defaultPoolNames(service);
  if (at.isBoolean) return at.bool() === true ? defaultPoolNames(service) : false;
  const f = at.object(service.pools.map((p) => p.name));
  if (f === undefined) return defaultPoolNames(service);
  const names = defaultPoolNames(service);
  for (const p of service.pools) names[p.name] = f.get(p.name).str() ?? names[p.name]!;
  return names;
}

const PROVIDER_NAMES: Record<string, string> = { tencent: 'Tencent Cloud', aliyun: 'Alibaba Cloud', aws: 'AWS', huawei: 'Huawei Cloud' };

export function providerName(provider: string): string {
  return PROVIDER_NAMES[provider] ?? provider;
}

/** "Tencent Cloud ap-guangzhou" from the pool's labels, or the pool's own name. */
function defaultPoolNames(service: ServiceConfig): Record<string, string> {
  const names: Record<string, string> = {};
  for (const p of service.pools) {
    names[p.name] = p.provider === undefined ? p.name : [providerName(p.provider), p.region].filter(Boolean).join(' ');
  }
  return names;
}
