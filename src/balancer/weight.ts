import type { Endpoint } from '../model/index.js';

/**
 * Slow start (Envoy slow_start_config / HAProxy `slowstart`): an endpoint that just
 * became routable gets a weight that grows linearly from 10% to 100% over `window`
 * ms, so a cloud that has only just come back is not hit by the whole load at once.
 */
export const SLOW_START_MIN_FACTOR = 0.1;

export function effectiveWeight(ep: Endpoint, now: number, slowStart: number): number {
  if (slowStart <= 0) return ep.weight;
  const age = now - ep.routableSince;
  if (age >= slowStart) return ep.weight;
  return ep.weight * Math.max(SLOW_START_MIN_FACTOR, age / slowStart);
}
