import type { Clock, Disposable, EventBus } from '../common/index.js';
import type { DetourEvent } from '../model/index.js';
import type { Runtime } from './runtime.js';

/**
 * Turns endpoint health changes into service-level events: `pool.active` when the
 * priority tier receiving traffic changes (a failover or a failback), and
 * `service.all-down` when nothing is routable. Derived from health, not from
 * individual requests, so it is the same whichever request happens to arrive.
 */
export class FailoverTracker {
  readonly #active = new Map<string, { pool: string; priority: number } | null>();
  readonly #sub: Disposable;

  constructor(
    readonly bus: EventBus<DetourEvent>,
    readonly observer: string,
    readonly clock: Clock,
    readonly runtime: () => Runtime | undefined,
  ) {
    this.#sub = bus.on('endpoint.health', (e) => this.recompute(`${e.service}/${e.pool} ${e.endpoint} ${e.from}→${e.to}: ${e.reason}`, e.service));
  }

  recompute(reason: string, only?: string): void {
    const rt = this.runtime();
    if (!rt) return;
    for (const s of rt.services) {
      if (only !== undefined && s.name !== only) continue;
      const tier = s.balancer.activeTier();
      const now = tier ? { pool: tier.pools.map((p) => p.name).join('+'), priority: tier.priority } : null;
      const before = this.#active.get(s.name);
      if (before !== undefined && before?.pool === now?.pool && before?.priority === now?.priority) continue;
      this.#active.set(s.name, now);
      if (before === undefined && now !== null) continue; // first observation at start: not a failover
      const at = this.clock.now();
      this.bus.emit({ type: 'pool.active', at, observer: this.observer, service: s.name, from: before ?? null, to: now, reason });
      if (now === null) this.bus.emit({ type: 'service.all-down', at, observer: this.observer, service: s.name, policy: s.config.allDown });
    }
  }

  dispose(): void {
    this.#sub.dispose();
  }
}
