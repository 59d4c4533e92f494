import type { Runtime } from './runtime.js';

/** The JSON behind GET /api/status: every service → pool → endpoint with state, reason, since. */
export function statusDocument(rt: Runtime, observer: string, startedAt: number, now: number) {
  return {
    observer,
    startedAt: new Date(startedAt).toISOString(),
    now: new Date(now).toISOString(),
    services: rt.services.map((s) => {
      const active = s.balancer.activeTier();
      const outlier = s.detector?.stats();
      return {
        name: s.name,
        match: s.config.match,
        allDown: s.config.allDown,
        activePriority: active?.priority ?? null,
        forcedPriority: s.balancer.forcedPriority ?? null,
        anyRoutable: s.balancer.anyRoutable(),
        requestsInFlight: s.budget.inflight,
        retriesInFlight: s.budget.retrying,
        outlier: outlier ? { detected: outlier.detected, enforced: outlier.enforced, ejectedNow: outlier.ejectedNow } : null,
        pools: s.pools.map((p) => ({
          name: p.name,
          provider: p.provider ?? null,
          region: p.region ?? null,
          priority: p.priority,
          active: active?.pools.includes(p) ?? false,
          endpoints: p.endpoints.map((e) => ({
            url: e.endpoint,
            weight: e.weight,
            state: e.health,
            routable: e.routable,
            reason: e.reason,
            since: new Date(e.since).toISOString(),
            active: e.active.state,
            outlier: e.outlier.state === 'ejected'
              ? { state: 'ejected', until: new Date(e.outlier.until).toISOString(), ejections: e.outlier.ejections, reason: e.outlier.reason }
              : { state: 'ok', ejections: e.outlier.ejections },
            drained: e.drained,
            inflight: e.inflight,
          })),
        })),
      };
    }),
  };
}
