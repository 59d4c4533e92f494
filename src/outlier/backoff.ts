import type { PassiveHealthConfig } from '../config/types.js';

/**
 * Envoy's ejection backoff: ejection time = base_ejection_time × n, where n counts this
 * ejection too, capped at max_ejection_time (never below one base period, so a
 * misconfigured max smaller than base still ejects for base). Base 30s, max 300s:
 * 30s, 60s, 90s, … 300s, 300s.
 */
export function ejectionDuration(ejections: number, cfg: Pick<PassiveHealthConfig, 'baseEjection' | 'maxEjection'>): number {
  return Math.min(cfg.baseEjection * ejections, Math.max(cfg.maxEjection, cfg.baseEjection));
}

/**
 * Multiplier decay, computed lazily at the next ejection instead of on a timer: every
 * full baseEjection period spent un-ejected since the last return takes one off
 * `ejections`, floored at 0:
 *
 *   decayed = max(0, ejections − floor(msSinceReturn / baseEjection))
 *
 * With base 30s, an endpoint with 3 ejections that returned 65s ago counts as
 * 3 − floor(65/30) = 1, so its next ejection is the 2nd (60s) rather than the 4th (120s).
 * Envoy decrements once per detection interval while the host stays healthy; tying the
 * period to baseEjection gives the same shape without another setting.
 */
export function decayEjections(ejections: number, msSinceReturn: number | undefined, baseEjection: number): number {
  if (ejections === 0 || msSinceReturn === undefined) return ejections;
  if (baseEjection <= 0) return 0;
  return Math.max(0, ejections - Math.floor(Math.max(0, msSinceReturn) / baseEjection));
}
