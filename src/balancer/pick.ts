import type { Endpoint } from '../model/index.js';

/** Chooses one endpoint among candidates (already filtered for health and `tried`). */
export interface Picker {
  pick(candidates: readonly Endpoint[], weightOf: (ep: Endpoint) => number): Endpoint;
}

/**
 * Power of two choices, least request, weighted: draw two distinct candidates with
 * probability proportional to their (slow-start adjusted) weight and keep the first
 * unless the second has fewer requests in flight per unit of weight. Idle endpoints
 * therefore share traffic exactly by weight (the first draw decides), and a slow
 * endpoint piling up requests loses the comparison at once (Envoy LEAST_REQUEST,
 * choice_count 2). Comparing (in-flight + 1) / weight instead would send every request
 * to the heavier endpoint whenever nothing is in flight.
 */
export function p2c(random: () => number = Math.random): Picker {
  return {
    pick(candidates, weightOf) {
      if (candidates.length === 1) return candidates[0]!;
      const a = weightedDraw(candidates, weightOf, random, undefined);
      const b = weightedDraw(candidates, weightOf, random, a);
      return b.inflight / weightOf(b) < a.inflight / weightOf(a) ? b : a;
    },
  };
}

function weightedDraw(cands: readonly Endpoint[], weightOf: (ep: Endpoint) => number, random: () => number, exclude: Endpoint | undefined): Endpoint {
  let total = 0;
  for (const ep of cands) if (ep !== exclude) total += weightOf(ep);
  let r = random() * total;
  let last = cands[0]!;
  for (const ep of cands) {
    if (ep === exclude) continue;
    last = ep;
    r -= weightOf(ep);
    if (r < 0) return ep;
  }
  return last;
}

/**
 * Smooth weighted round robin (nginx ngx_http_upstream_get_peer): each pick adds every
 * candidate's weight to its running score, takes the highest, and subtracts the total.
 * Gives an even interleaving (a,a,b for 2:1 becomes a,b,a).
 */
export function roundRobin(): Picker {
  const score = new WeakMap<Endpoint, number>();
  return {
    pick(candidates, weightOf) {
      if (candidates.length === 1) return candidates[0]!;
      let total = 0;
      let best: Endpoint = candidates[0]!;
      let bestScore = -Infinity;
      for (const ep of candidates) {
        const w = weightOf(ep);
        const s = (score.get(ep) ?? 0) + w;
        score.set(ep, s);
        total += w;
        if (s > bestScore) {
          bestScore = s;
          best = ep;
        }
      }
      score.set(best, bestScore - total);
      return best;
    },
  };
}
