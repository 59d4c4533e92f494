import type { EffectiveHealth } from '../model/index.js';
import { componentKey } from './source.js';
import { poolLevel, providerLevels, serviceLevel, type PoolHealth } from './levels.js';
import type { TopologyService } from './topology.js';
import { DAY_MS, recordLevel, type Level, type LevelHistory } from './uptime.js';

/**
 * Endpoint health as last reported on the bus, rolled up after every change into a level
 * history per service, pool and provider (for the 90-day bars). Endpoints never reported
 * are healthy, as a fresh Endpoint record is.
 */
export class LevelTracker {
  readonly #health = new Map<string, EffectiveHealth>();
  readonly #histories = new Map<string, LevelHistory>();
  #topology: TopologyService[] = [];
  #started = false;

  constructor(readonly observedSince: number, readonly retentionMs = 91 * DAY_MS) {}

  setTopology(t: TopologyService[], at: number): void {
    this.#topology = t;
    this.#update(at);
  }

  setHealth(service: string, pool: string, endpoint: string, health: EffectiveHealth, at: number): void {
    this.#health.set(`${service}/${pool}/${endpoint}`, health);
    this.#update(at);
  }

  healthOf(service: string, pool: string, endpoint: string): EffectiveHealth {
    return this.#health.get(`${service}/${pool}/${endpoint}`) ?? 'healthy';
  }

  /** Every endpoint that is not drained is healthy (an incident may start monitoring). */
  serviceRecovered(service: string): boolean {
    const s = this.#topology.find((x) => x.name === service);
    if (!s) return true;
    return s.pools.every((p) => p.endpoints.every((e) => ['healthy', 'drained'].includes(this.healthOf(service, p.name, e))));
  }

  poolOf(service: string, pool: string): { provider: string | null; region: string | null; priority: number } | undefined {
    return this.#topology.find((s) => s.name === service)?.pools.find((p) => p.name === pool);
  }

  history(key: string): LevelHistory | undefined {
    return this.#histories.get(key);
  }

  #update(at: number): void {
    const all: PoolHealth[] = [];
    for (const s of this.#topology) {
      const pools = s.pools.map((p) => ({
        priority: p.priority, provider: p.provider,
        endpoints: p.endpoints.map((e) => ({ health: this.healthOf(s.name, p.name, e) })),
      }));
      all.push(...pools);
      this.#set(componentKey({ kind: 'service', service: s.name }), serviceLevel(pools), at);
      s.pools.forEach((p, i) => this.#set(componentKey({ kind: 'pool', service: s.name, pool: p.name }), poolLevel(pools[i]!), at));
    }
    for (const [provider, level] of providerLevels(all)) this.#set(componentKey({ kind: 'provider', provider }), level, at);
    this.#started = true;
  }

  #set(key: string, level: Level, at: number): void {
    const h = this.#histories.get(key);
    if (!h) {
      // A component that appears later (config reload) is observed from then on.
      this.#histories.set(key, { since: this.#started ? at : Math.min(this.observedSince, at), initial: level, changes: [] });
      return;
    }
    recordLevel(h, at, level, at - this.retentionMs);
  }
}
