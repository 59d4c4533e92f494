import type { Endpoint } from '../model/index.js';

/** A pool at runtime: one cloud/region's endpoints at one priority. */
export interface Pool {
  readonly name: string;
  readonly priority: number;
  readonly provider: string | undefined;
  readonly region: string | undefined;
  /** Host header sent to this pool's endpoints; undefined keeps the client's. */
  readonly hostHeader: string | undefined;
  readonly endpoints: readonly Endpoint[];
}

/**
 * Pools that share a priority form one tier; traffic spreads across a tier by weight
 * and moves to the next tier only when a tier has nothing routable (Envoy priority
 * levels without the 1.4 overprovisioning spill: a cloud is either serving or not).
 */
export interface Tier {
  readonly priority: number;
  readonly pools: readonly Pool[];
  readonly endpoints: readonly Endpoint[];
}

export function tiersOf(pools: readonly Pool[]): Tier[] {
  const byPriority = new Map<number, Pool[]>();
  for (const p of pools) {
    const list = byPriority.get(p.priority);
    if (list) list.push(p);
    else byPriority.set(p.priority, [p]);
  }
  return [...byPriority.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([priority, ps]) => ({ priority, pools: ps, endpoints: ps.flatMap((p) => p.endpoints) }));
}
