import type { StatusPageConfig } from '../config/status-page.js';
import { providerName } from '../config/status-page.js';
import type { statusDocument } from '../gateway/index.js';
import type { EffectiveHealth } from '../model/index.js';
import { poolLevel, providerLevels, serviceLevel, type PoolHealth } from './levels.js';
import type { Point } from './sampler.js';
import type { ComponentRef, DayUptime, Incident, IncidentSource } from './source.js';
import { componentKey } from './source.js';
import { dailyUptime, type Level } from './uptime.js';

export type StatusDoc = ReturnType<typeof statusDocument>;

/** The customer-facing vocabulary of Atlassian Statuspage, Cachet and OpenStatus. */
export type Status = 'operational' | 'degraded' | 'partial' | 'major' | 'maintenance';

export interface EndpointView {
  key: string;
  url: string;
  health: EffectiveHealth;
  status: Status;
  reason: string;
  since: number;
  weight: number;
  inflight: number;
  ejections: number;
}

export interface PoolView {
  key: string;
  name: string;
  label: string;
  provider: string | null;
  region: string | null;
  priority: number;
  active: boolean;
  status: Status;
  endpoints: EndpointView[];
  uptime: DayUptime[];
}

export interface ServiceView {
  key: string;
  name: string;
  label: string;
  description: string | undefined;
  status: Status;
  /** Traffic is on a lower-priority tier than the best configured one. */
  onBackup: boolean;
  activePools: string[];
  forcedPriority: number | null;
  showPools: boolean;
  pools: PoolView[];
  uptime: DayUptime[];
  series: readonly Point[];
}

export interface ProviderView {
  key: string;
  name: string;
  label: string;
  status: Status;
  uptime: DayUptime[];
}

export interface PageView {
  title: string;
  observer: string;
  now: number;
  /** Time of the last metrics sample: the right edge of the charts, so they move only when sampled. */
  sampledAt: number;
  startedAt: number;
  overall: Status;
  services: ServiceView[];
  providers: ProviderView[];
  incidents: Incident[];
  /** Why incident history or uptime could not be read (the store failed); the live state is still shown. */
  problems: string[];
}

export interface ViewInputs {
  doc: StatusDoc;
  cfg: StatusPageConfig;
  source: IncidentSource;
  series: (service: string) => readonly Point[];
  sampledAt: number;
  now: number;
  days: number;
  incidentLimit: number;
}

export async function buildView(i: ViewInputs): Promise<PageView> {
  // A failing store must not take the page down: live state still renders, history shows "no data".
  const problems = new Set<string>();
  const attempt = async <T>(fn: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      problems.add(err instanceof Error ? err.message : String(err));
      return fallback;
    }
  };
  const noData = (): DayUptime[] => dailyUptime({ since: i.now, initial: 'up', changes: [] }, i.days, i.now);
  const uptime = (c: ComponentRef) => attempt(() => i.source.uptime(c, i.days, i.now), noData());
  const allPools: PoolHealth[] = [];
  const services: ServiceView[] = [];
  for (const s of i.doc.services) {
    const named = i.cfg.components.find((c) => c.service === s.name);
    const health = s.pools.map((p): PoolHealth => ({ priority: p.priority, provider: p.provider, endpoints: p.endpoints.map((e) => ({ health: e.state })) }));
    allPools.push(...health);
    const pools: PoolView[] = [];
    for (const [idx, p] of s.pools.entries()) {
      const ref: ComponentRef = { kind: 'pool', service: s.name, pool: p.name };
      pools.push({
        key: componentKey(ref), name: p.name, label: (named?.pools || undefined)?.[p.name] ?? p.name,
        provider: p.provider, region: p.region, priority: p.priority, active: p.active,
        status: poolStatus(health[idx]!), uptime: await uptime(ref),
        endpoints: p.endpoints.map((e) => ({
          key: `endpoint:${s.name}/${p.name}/${e.url}`, url: e.url, health: e.state, status: endpointStatus(e.state),
          reason: e.reason, since: Date.parse(e.since), weight: e.weight, inflight: e.inflight, ejections: e.outlier.ejections,
        })),
      });
    }
    const ref: ComponentRef = { kind: 'service', service: s.name };
    const best = Math.min(...s.pools.map((p) => p.priority));
    services.push({
      key: componentKey(ref), name: s.name, label: named?.name ?? s.name, description: named?.description,
      status: fromLevel(serviceLevel(health)), onBackup: s.activePriority !== null && s.activePriority > best,
      activePools: s.pools.filter((p) => p.active).map((p) => p.name), forcedPriority: s.forcedPriority,
      showPools: named?.pools !== false, pools, uptime: await uptime(ref), series: i.series(s.name),
    });
  }
  const providers: ProviderView[] = [];
  for (const [name, level] of providerLevels(allPools)) {
    const ref: ComponentRef = { kind: 'provider', provider: name };
    providers.push({ key: componentKey(ref), name, label: providerName(name), status: fromLevel(level), uptime: await uptime(ref) });
  }
  const summaries = await attempt(() => i.source.incidents({ limit: i.incidentLimit, now: i.now }), []);
  const incidents: Incident[] = [];
  for (const s of summaries) {
    const full = await attempt(() => i.source.incident(s.id, i.now), undefined);
    if (full) incidents.push(full);
  }
  return {
    title: i.cfg.title, observer: i.doc.observer, now: i.now, sampledAt: i.sampledAt, startedAt: Date.parse(i.doc.startedAt),
    overall: worst(services.map((s) => s.status)), services, providers, incidents, problems: [...problems],
  };
}

function fromLevel(l: Level): Status {
  return l === 'up' ? 'operational' : l === 'degraded' ? 'degraded' : 'major';
}

function poolStatus(p: PoolHealth): Status {
  if (p.endpoints.length > 0 && p.endpoints.every((e) => e.health === 'drained')) return 'maintenance';
  const l = poolLevel(p);
  return l === 'up' ? 'operational' : l === 'degraded' ? 'partial' : 'major';
}

function endpointStatus(h: EffectiveHealth): Status {
  switch (h) {
    case 'healthy':
      return 'operational';
    case 'drained':
      return 'maintenance';
    case 'unhealthy':
    case 'ejected':
      return 'major';
    default: {
      const never: never = h;
      return never;
    }
  }
}

const ORDER: Status[] = ['operational', 'maintenance', 'degraded', 'partial', 'major'];

export function worst(list: readonly Status[]): Status {
  return list.reduce<Status>((w, s) => (ORDER.indexOf(s) > ORDER.indexOf(w) ? s : w), 'operational');
}

/** Share of the observed days' time that was up, or null with no data. */
export function uptimePercent(days: readonly DayUptime[]): number | null {
  const seen = days.filter((d) => d.availability !== null);
  if (seen.length === 0) return null;
  return (seen.reduce((sum, d) => sum + d.availability!, 0) / seen.length) * 100;
}
