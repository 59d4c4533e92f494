import type { DetourConfig } from '../config/types.js';

/** Which endpoints make up which pool and service: what the in-memory history needs to roll levels up. */
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
