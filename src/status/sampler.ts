import { parseSamples, quantile, type Sample } from './prom-text.js';

/** One chart point per service and interval: rates and latency quantiles over that interval. */
export interface Point {
  at: number;
  requests: number;
  /** Requests answered with a 5xx (what a client saw as a failure). */
  errors: number;
  p50: number | null; // seconds
  p95: number | null;
}

interface Snapshot {
  requests: Map<string, { total: number; errors: number }>;
  buckets: Map<string, Map<number, number>>; // service → le → cumulative count (pools summed)
}

const FAMILIES = new Set(['detour_requests_total', 'detour_upstream_latency_seconds_bucket']);

/**
 * Turns the gateway's cumulative counters into per-interval points by differencing two
 * scrapes of its own registry, like a Prometheus rate(). Nothing runs on the request path.
 */
export class MetricsSampler {
  readonly #series = new Map<string, Point[]>();
  #last: Snapshot | undefined;
  /** When the last scrape was taken. */
  lastAt = 0;

  constructor(readonly read: () => string, readonly keep = 360) {}

  /** Takes a scrape; returns per-service client errors seen since the previous one. */
  tick(now: number): Map<string, number> {
    const snap = snapshot(parseSamples(this.read(), (n) => FAMILIES.has(n)));
    this.lastAt = now;
    const prev = this.#last;
    this.#last = snap;
    const errors = new Map<string, number>();
    if (!prev) return errors;
    for (const [service, cur] of snap.requests) {
      const before = prev.requests.get(service) ?? { total: 0, errors: 0 };
      const lat = diffBuckets(snap.buckets.get(service), prev.buckets.get(service));
      const point: Point = {
        at: now, requests: Math.max(0, cur.total - before.total), errors: Math.max(0, cur.errors - before.errors),
        p50: quantile(0.5, lat), p95: quantile(0.95, lat),
      };
      const list = this.#series.get(service) ?? [];
      list.push(point);
      if (list.length > this.keep) list.splice(0, list.length - this.keep);
      this.#series.set(service, list);
      errors.set(service, point.errors);
    }
    return errors;
  }

  series(service: string): readonly Point[] {
    return this.#series.get(service) ?? [];
  }
}

function snapshot(samples: Sample[]): Snapshot {
  const requests = new Map<string, { total: number; errors: number }>();
  const buckets = new Map<string, Map<number, number>>();
  for (const s of samples) {
    const service = s.labels.service;
    if (service === undefined) continue;
    if (s.name === 'detour_requests_total') {
      const r = requests.get(service) ?? { total: 0, errors: 0 };
      r.total += s.value;
      if (Number(s.labels.status) >= 500) r.errors += s.value;
      requests.set(service, r);
    } else {
      const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
      const b = buckets.get(service) ?? new Map<number, number>();
      b.set(le, (b.get(le) ?? 0) + s.value);
      buckets.set(service, b);
    }
  }
  return { requests, buckets };
}

function diffBuckets(cur: Map<number, number> | undefined, prev: Map<number, number> | undefined): Array<[number, number]> {
  if (!cur) return [];
  return [...cur.entries()].sort((a, b) => a[0] - b[0]).map(([le, n]) => [le, Math.max(0, n - (prev?.get(le) ?? 0))]);
}
