import type { Clock } from '../common/index.js';
import type { Endpoint } from '../model/index.js';
import { p2c, roundRobin, type Picker } from './pick.js';
import { tiersOf, type Pool, type Tier } from './pool.js';
import { effectiveWeight } from './weight.js';

export type Selection =
  | { kind: 'endpoint'; endpoint: Endpoint; pool: Pool; tier: number; panic: boolean }
  | { kind: 'none'; reason: 'all-down' | 'all-tried' };

export interface BalancerOptions {
  kind: 'p2c' | 'round-robin';
  slowStart: number;
  allDown: 'fail-open' | 'fail-closed';
  clock: Clock;
  random?: () => number;
}

/**
 * Chooses an endpoint for one attempt of one request, synchronously, from the
 * health snapshot on the Endpoint records (no awaits on the request path):
 *   1. a forced priority (admin override) is tried first;
 *   2. otherwise the best priority tier with a routable endpoint not yet tried;
 *   3. if nothing is routable anywhere, `allDown: fail-open` ignores health (never
 *      operator drains) and spreads over the best tier, as Envoy's panic mode and
 *      AWS Global Accelerator do; `fail-closed` answers 503.
 */
export class Balancer {
  readonly tiers: readonly Tier[];
  readonly pools: readonly Pool[];
  /** Set by the admin override "force priority"; undefined = automatic. */
  forcedPriority: number | undefined;
  readonly #picker: Picker;
  readonly #opts: BalancerOptions;
  readonly #weightOf: (ep: Endpoint) => number;
  readonly #poolOf = new Map<Endpoint, Pool>();
  readonly #random: () => number;
  #now = 0;

  constructor(pools: readonly Pool[], opts: BalancerOptions) {
    this.pools = pools;
    this.tiers = tiersOf(pools);
    this.#opts = opts;
    this.#random = opts.random ?? Math.random;
    this.#picker = opts.kind === 'p2c' ? p2c(this.#random) : roundRobin();
    this.#weightOf = (ep) => effectiveWeight(ep, this.#now, opts.slowStart);
    for (const p of pools) for (const e of p.endpoints) this.#poolOf.set(e, p);
  }

  select(tried: ReadonlySet<Endpoint>): Selection {
    this.#now = this.#opts.clock.now();
    const forced = this.forcedPriority === undefined ? undefined : this.tiers.find((t) => t.priority === this.forcedPriority);
    if (forced) {
      const s = this.#fromTier(forced, tried, false);
      if (s) return s;
    }
    for (let i = 0; i < this.tiers.length; i++) {
      const tier = this.tiers[i]!;
      if (tier === forced) continue;
      if (this.#spillsPast(tier, i, tried)) continue;
      const s = this.#fromTier(tier, tried, false);
      if (s) return s;
    }
    if (!this.anyRoutable() && this.#opts.allDown === 'fail-open') {
      for (const tier of this.tiers) {
        const s = this.#fromTier(tier, tried, true);
        if (s) return s;
      }
    }
    return { kind: 'none', reason: this.anyRoutable() ? 'all-tried' : 'all-down' };
  }

  /** The tier traffic goes to now (for failover events and the status API). */
  activeTier(): Tier | undefined {
    const forced = this.tiers.find((t) => t.priority === this.forcedPriority);
    if (forced && forced.endpoints.some((e) => e.routable)) return forced;
    return this.tiers.find((t) => t.endpoints.some((e) => e.routable));
  }

  anyRoutable(): boolean {
    return this.tiers.some((t) => t.endpoints.some((e) => e.routable));
  }

  /**
   * Failback ramp. A tier whose routable endpoints are still in slow start takes only
   * the share of traffic their warm-up allows (Σ effective weight / Σ weight); the rest
   * stays on the next tier that can take it. So a primary cloud that has just come back
   * gets 10% of the load at first and all of it after `slowStart`, instead of the whole
   * load in one step (Envoy reaches the same with priority-level health and slow start).
   */
  #spillsPast(tier: Tier, index: number, tried: ReadonlySet<Endpoint>): boolean {
    if (this.#opts.slowStart <= 0) return false;
    let full = 0;
    let warm = 0;
    for (const e of tier.endpoints) {
      if (!e.routable) continue;
      full += e.weight;
      warm += this.#weightOf(e);
    }
    if (full === 0 || warm >= full) return false;
    if (this.#random() < warm / full) return false;
    for (let j = index + 1; j < this.tiers.length; j++) if (this.tiers[j]!.endpoints.some((e) => e.routable && !tried.has(e))) return true;
    return false;
  }

  #fromTier(tier: Tier, tried: ReadonlySet<Endpoint>, panic: boolean): Selection | undefined {
    // Common case first: first attempt, everything healthy: no allocation.
    const all = tried.size === 0 && !panic && tier.endpoints.every((e) => e.routable);
    const cands = all ? tier.endpoints : tier.endpoints.filter((e) => !tried.has(e) && (panic ? !e.drained : e.routable));
    if (cands.length === 0) return undefined;
    const endpoint = this.#picker.pick(cands, this.#weightOf);
    const pool = this.#poolOf.get(endpoint)!;
    return { kind: 'endpoint', endpoint, pool, tier: tier.priority, panic };
  }
}
