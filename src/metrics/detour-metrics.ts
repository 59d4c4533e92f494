import type { EventBus } from '../common/index.js';
import type { DetourEvent, Endpoint } from '../model/index.js';
import { Registry } from './registry.js';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface MetricsView {
  /** Every endpoint now, for the health gauge (read at scrape time, never on the request path). */
  endpoints(): Iterable<Endpoint>;
  inflight(): Array<[string, number]>;
}

/**
 * Detour's metrics. The request path calls the ProxyObserver methods (a Map lookup
 * and an add each); everything about health comes from bus events, and gauges are
 * read only when Prometheus scrapes.
 */
export function createMetrics(bus: EventBus<DetourEvent>, view: MetricsView) {
  const r = new Registry();
  const requests = r.counter('detour_requests_total', 'Requests answered, by service, HTTP status and Detour error code ("" when none).');
  const attempts = r.counter('detour_upstream_attempts_total', 'Upstream attempts by endpoint and outcome (ok or a failure kind).');
  const latency = r.histogram('detour_upstream_latency_seconds', 'Time to a committed response or failure, per attempt.', LATENCY_BUCKETS);
  const retries = r.counter('detour_retries_total', 'Retries started, by the failure kind that caused them.');
  const denied = r.counter('detour_retries_denied_total', 'Retries wanted but not made: budget (retry budget exhausted), unsafe, attempts, deadline, body.');
  const detected = r.counter('detour_outlier_ejections_detected_total', 'Outlier rules that tripped (Envoy ejections_detected).');
  const enforced = r.counter('detour_outlier_ejections_enforced_total', 'Ejections actually applied (Envoy ejections_enforced).');
  const failovers = r.counter('detour_failovers_total', 'Changes of the priority tier that receives traffic, per service.');
  const transitions = r.counter('detour_health_transitions_total', 'Endpoint effective-health changes, by new state and source.');
  const allDown = r.counter('detour_all_down_total', 'Times a service had no routable endpoint.');
  r.gauge('detour_endpoint_healthy', 'Whether an endpoint is routable now (1) or not (0), with its state.', () =>
    [...view.endpoints()].map((e) => [{ service: e.service, pool: e.pool, endpoint: e.endpoint, state: e.health }, e.routable ? 1 : 0]),
  );
  r.gauge('detour_requests_in_flight', 'Requests in flight per service.', () => view.inflight().map(([service, n]) => [{ service }, n]));

  bus.on('outlier.ejection', (e) => {
    detected.inc({ service: e.service, pool: e.pool });
    if (e.enforced) enforced.inc({ service: e.service, pool: e.pool });
  });
  bus.on('pool.active', (e) => {
    if (e.from !== null && e.to !== null) failovers.inc({ service: e.service, from: e.from.pool, to: e.to.pool });
  });
  bus.on('endpoint.health', (e) => transitions.inc({ service: e.service, pool: e.pool, to: e.to, source: e.source }));
  bus.on('service.all-down', (e) => allDown.inc({ service: e.service, policy: e.policy }));

  const requestSeries = new Map<string, { value: number }>();
  let last: { service: string; status: number; code: string | undefined; series: { value: number } } | undefined;
  const perEndpoint = new WeakMap<Endpoint, { outcomes: Map<string, { value: number }>; latency: { observe(v: number): void } }>();

  return {
    registry: r,
    render: () => r.render(),
    /** Cumulative request, attempt and latency totals, sampled once a second by the incident store (src/incidents/sampler.ts). */
    totals: () => ({ requests: requests.series(), attempts: attempts.series(), latency: latency.series() }),
    // The request path keeps series handles: one Map lookup per call, no label objects.
    requestDone(service: string, status: number, code: string | undefined): void {
      // Most requests repeat the previous one's labels: skip building the key for them.
      if (last !== undefined && last.service === service && last.status === status && last.code === code) {
        last.series.value++;
        return;
      }
      const key = `${service}\u0001${status}\u0001${code ?? ''}`;
      let s = requestSeries.get(key);
      if (!s) requestSeries.set(key, (s = requests.child({ service, status: String(status), code: code ?? '' })));
      last = { service, status, code, series: s };
      s.value++;
    },
    attemptDone(ep: Endpoint, _status: number | undefined, failure: string | undefined, ms: number): void {
      let h = perEndpoint.get(ep);
      if (!h) {
        h = { outcomes: new Map(), latency: latency.child({ service: ep.service, pool: ep.pool }) };
        perEndpoint.set(ep, h);
      }
      const outcome = failure ?? 'ok';
      let s = h.outcomes.get(outcome);
      if (!s) h.outcomes.set(outcome, (s = attempts.child({ service: ep.service, pool: ep.pool, endpoint: ep.endpoint, outcome })));
      s.value++;
      h.latency.observe(ms / 1000);
    },
    retry(service: string, kind: string): void {
      retries.inc({ service, kind });
    },
    retryDenied(service: string, reason: string): void {
      denied.inc({ service, reason });
    },
  };
}

export type DetourMetrics = ReturnType<typeof createMetrics>;
