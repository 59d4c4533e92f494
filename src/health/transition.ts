import type { ActiveHealth } from '../model/index.js';

export interface Thresholds {
  healthyThreshold: number;
  unhealthyThreshold: number;
}

/**
 * The active-health state machine, pure so it can be tested without timers.
 *
 * - `unknown` → the first result decides at once. Envoy: "on startup a single
 *   successful check is enough"; the symmetric choice for a first failure keeps a
 *   dead endpoint from receiving traffic for unhealthyThreshold × interval after boot.
 * - `healthy` → `unhealthy` after `unhealthyThreshold` consecutive failures
 *   (HAProxy `fall`, Envoy `unhealthy_threshold`).
 * - `unhealthy` → `healthy` after `healthyThreshold` consecutive successes
 *   (HAProxy `rise`, Envoy `healthy_threshold`).
 * - A result of the opposite kind resets the counter: thresholds count runs, not totals,
 *   so a flapping endpoint never crosses either way.
 */
export function nextActive(
  state: ActiveHealth,
  result: { ok: boolean; reason: string },
  cfg: Thresholds,
  now: number,
): ActiveHealth {
  // A threshold below 1 would mean "never change"; treat it as 1.
  const fall = Math.max(1, cfg.unhealthyThreshold);
  const rise = Math.max(1, cfg.healthyThreshold);
  switch (state.state) {
    case 'unknown':
      return result.ok
        ? { state: 'healthy', since: now, consecutiveFailures: 0 }
        : { state: 'unhealthy', since: now, reason: result.reason, consecutiveSuccesses: 0 };
    case 'healthy': {
      if (result.ok) return state.consecutiveFailures === 0 ? state : { ...state, consecutiveFailures: 0 };
      const failures = state.consecutiveFailures + 1;
      if (failures >= fall) return { state: 'unhealthy', since: now, reason: result.reason, consecutiveSuccesses: 0 };
      return { ...state, consecutiveFailures: failures };
    }
    case 'unhealthy': {
      // Keep the latest failure reason: "refused" after "503" is what an operator needs to see.
      if (!result.ok) return { ...state, reason: result.reason, consecutiveSuccesses: 0 };
      const successes = state.consecutiveSuccesses + 1;
      if (successes >= rise) return { state: 'healthy', since: now, consecutiveFailures: 0 };
      return { ...state, consecutiveSuccesses: successes };
    }
    default: {
      const never: never = state;
      return never;
    }
  }
}
