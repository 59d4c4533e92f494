import type { EventBus } from '../common/bus.js';
import type { Clock } from '../common/clock.js';
import { effectiveHealth, type Endpoint } from './endpoint.js';
import type { DetourEvent, Evidence } from './events.js';

/**
 * The single writer of endpoint health. Active checks, outlier detection and admin
 * overrides each change their own input on the Endpoint and then call `settle`, which
 * recomputes the effective state and, if it changed, stamps `since`, starts the
 * slow-start ramp and publishes `endpoint.health` on the bus.
 */
export class HealthModel {
  constructor(
    readonly bus: EventBus<DetourEvent>,
    readonly clock: Clock,
    /** This instance's vantage point name (cluster mode will compare observers). */
    readonly observer: string,
  ) {}

  settle(ep: Endpoint, source: 'active' | 'passive' | 'admin' | 'config', reason: string, evidence?: Evidence): void {
    const next = effectiveHealth(ep);
    if (next === ep.health) return;
    const from = ep.health;
    const at = this.clock.now();
    ep.health = next;
    ep.reason = reason;
    ep.since = at;
    if (next === 'healthy') ep.routableSince = at;
    this.bus.emit({
      type: 'endpoint.health', at, observer: this.observer, ...ep.ref(), from, to: next, source, reason,
      ...(evidence ? { evidence } : {}),
    });
  }
}
