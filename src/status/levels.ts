import type { EffectiveHealth } from '../model/index.js';
import type { Level } from './uptime.js';

/**
 * How endpoint health rolls up into pool, service and provider levels. Both the live page
 * and the in-memory history use these, so a bar and the badge above it never disagree.
 * Drained endpoints are planned maintenance: they neither count as up nor as down.
 */
export interface PoolHealth {
  priority: number;
  provider: string | null;
  endpoints: ReadonlyArray<{ health: EffectiveHealth }>;
}

export function poolLevel(p: PoolHealth): Level {
  const live = p.endpoints.filter((e) => e.health !== 'drained');
  const healthy = live.filter((e) => e.health === 'healthy').length;
  if (live.length === 0 || healthy === live.length) return 'up';
  return healthy === 0 ? 'down' : 'degraded';
}

/** Down when nothing is routable; degraded when the preferred tier lost an endpoint (traffic may be on a backup). */
export function serviceLevel(pools: readonly PoolHealth[]): Level {
  if (!pools.some((p) => p.endpoints.some((e) => e.health === 'healthy'))) return 'down';
  const live = pools.filter((p) => p.endpoints.some((e) => e.health !== 'drained'));
  const best = Math.min(...live.map((p) => p.priority));
  const preferred = live.filter((p) => p.priority === best);
  return preferred.every((p) => poolLevel(p) === 'up') ? 'up' : 'degraded';
}

/** A provider is down only when every pool it hosts is down (across services). */
export function providerLevels(pools: readonly PoolHealth[]): Map<string, Level> {
  const byProvider = new Map<string, Level[]>();
  for (const p of pools) {
    if (p.provider === null) continue;
    const list = byProvider.get(p.provider) ?? [];
    list.push(poolLevel(p));
    byProvider.set(p.provider, list);
  }
  const out = new Map<string, Level>();
  for (const [name, levels] of byProvider) {
    out.set(name, levels.every((l) => l === 'down') ? 'down' : levels.every((l) => l === 'up') ? 'up' : 'degraded');
  }
  return out;
}
