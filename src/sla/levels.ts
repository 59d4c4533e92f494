import type { DetourConfig } from '../config/types.js';
import type { EffectiveHealth } from '../model/index.js';

/**
 * Which endpoints make up which pool and service, and how endpoint health rolls up
 * into pool, service and provider levels. The same rules as the status page
 * (src/status/levels.ts), so a report and the bars on the page agree:
 * drained endpoints are planned maintenance and count neither as up nor as down.
 */
export type Level = 'up' | 'degraded' | 'down';

export interface TopologyPool {
  name: string;
  provider: string | null;
  region: string | null;
  priority: number;
  endpoints: string[];
}

export interface TopologyService {
  name: string;
  pools: TopologyPool[];
}

export function topologyOf(cfg: Pick<DetourConfig, 'services'>): TopologyService[] {
  return cfg.services.map((s) => ({
    name: s.name,
    pools: s.pools.map((p) => ({
      name: p.name, provider: p.provider ?? null, region: p.region ?? null, priority: p.priority,
      endpoints: p.endpoints.map((e) => e.url),
    })),
  }));
}

export type HealthOf = (service: string, pool: string, endpoint: string) => EffectiveHealth;

export function poolLevel(s: TopologyService, p: TopologyPool, health: HealthOf): Level {
  const live = p.endpoints.map((e) => health(s.name, p.name, e)).filter((h) => h !== 'drained');
  const healthy = live.filter((h) => h === 'healthy').length;
  if (live.length === 0 || healthy === live.length) return 'up';
  return healthy === 0 ? 'down' : 'degraded';
}

/** Down when nothing is routable; degraded when the preferred tier lost an endpoint (traffic may be on a backup). */
export function serviceLevel(s: TopologyService, health: HealthOf): Level {
  const states = s.pools.map((p) => p.endpoints.map((e) => health(s.name, p.name, e)));
  if (!states.some((eps) => eps.includes('healthy'))) return 'down';
  const live = s.pools.filter((_p, i) => states[i]!.some((h) => h !== 'drained'));
  if (live.length === 0) return 'up';
  const best = Math.min(...live.map((p) => p.priority));
  return live.filter((p) => p.priority === best).every((p) => poolLevel(s, p, health) === 'up') ? 'up' : 'degraded';
}

/** Pools selected by a filter are down together only when every one of them is down. */
export function groupLevel(pools: ReadonlyArray<{ service: TopologyService; pool: TopologyPool }>, health: HealthOf): Level {
  if (pools.length === 0) return 'up';
  const levels = pools.map((x) => poolLevel(x.service, x.pool, health));
  if (levels.every((l) => l === 'down')) return 'down';
  return levels.every((l) => l === 'up') ? 'up' : 'degraded';
}

export interface PoolFilter {
  provider?: string | undefined;
  region?: string | undefined;
  service?: string | undefined;
  pool?: string | undefined;
}

export function selectPools(t: readonly TopologyService[], f: PoolFilter): Array<{ service: TopologyService; pool: TopologyPool }> {
  const out: Array<{ service: TopologyService; pool: TopologyPool }> = [];
  for (const s of t) {
    if (f.service !== undefined && s.name !== f.service) continue;
    for (const p of s.pools) {
      if (f.pool !== undefined && p.name !== f.pool) continue;
      if (f.provider !== undefined && p.provider !== f.provider) continue;
      if (f.region !== undefined && p.region !== f.region) continue;
      out.push({ service: s, pool: p });
    }
  }
  return out;
}
