import type { Endpoint } from '../model/index.js';
import type { TopologyService } from '../sla/index.js';
import type { TrafficRow } from './store/ops.js';

type Labels = Record<string, string>;

/** What the gateway's metrics expose (DetourMetrics.totals()): cumulative since start. */
export interface MetricsTotals {
  requests: Array<{ labels: Labels; value: number }>;
  attempts: Array<{ labels: Labels; value: number }>;
  latency: Array<{ labels: Labels; sum: number; count: number }>;
}

export interface SamplerSource {
  totals(): MetricsTotals;
  endpoints(): Iterable<Endpoint>;
  topology(): readonly TopologyService[];
}

export interface SamplerSink {
  /** New 5xx answers to clients of a service since the last sample. */
  clientErrors(service: string, n: number): void;
  /** One closed minute: a row per service (pool '') and per pool that saw traffic. */
  minute(minuteStart: number, rows: TrafficRow[]): void;
}

const MIN = 60_000;
/** Failures further apart than this start a new streak (a new "first failure"). */
const STREAK_GAP = 60_000;

/**
 * Reads the gateway's request and attempt counters once a second (never on the request
 * path) and turns their growth into: client-visible errors per service, per-minute
 * traffic rows for the store and the burn-rate alerts, and per-endpoint failure
 * streaks, whose start is an incident's "first failure evidence" (to within one sample).
 */
export class Sampler {
  readonly #src: SamplerSource;
  readonly #sink: SamplerSink;
  readonly #prev = new Map<string, number>();
  readonly #streak = new Map<string, { start: number; last: number }>();
  #minute: number | undefined;
  #rows = new Map<string, TrafficRow>();
  #lastSample: number | undefined;

  constructor(src: SamplerSource, sink: SamplerSink) {
    this.#src = src;
    this.#sink = sink;
  }

  /** One sample; closes the minute when `now` is in a new one. */
  tick(now: number): void {
    const minute = Math.floor(now / MIN) * MIN;
    if (this.#minute !== undefined && minute > this.#minute) this.closeMinute();
    this.#sample(now);
  }

  /** Flushes the minute in progress (at stop). */
  closeMinute(): void {
    if (this.#minute === undefined) return;
    const rows = [...this.#rows.values()].filter((r) => r.total > 0 || r.failed > 0);
    this.#sink.minute(this.#minute, rows);
    this.#rows = new Map();
    this.#minute = undefined;
  }

  /**
   * Earliest failure of the current streak of any of these endpoints (`service/pool/url`),
   * sampling first so failures since the last tick count. Undefined when none was seen.
   */
  evidence(ids: readonly string[], now: number): number | undefined {
    this.#sample(now);
    let first: number | undefined;
    for (const id of ids) {
      const s = this.#streak.get(id);
      if (s && now - s.last <= STREAK_GAP) first = Math.min(first ?? s.start, s.start);
    }
    return first;
  }

  #sample(now: number): void {
    this.#minute ??= Math.floor(now / MIN) * MIN;
    const since = this.#lastSample ?? now;
    this.#lastSample = now;
    const t = this.#src.totals();
    const topo = this.#src.topology();
    const seen = new Set<string>();
    for (const s of t.requests) {
      const d = this.#delta(`r|${s.labels['service']}|${s.labels['status']}|${s.labels['code']}`, s.value);
      if (d === 0) continue;
      const service = s.labels['service'] ?? '';
      const failed = Number(s.labels['status']) >= 500 ? d : 0;
      this.#row(service, '', topo).total += d;
      if (failed > 0) {
        this.#row(service, '', topo).failed += failed;
        this.#sink.clientErrors(service, failed);
      }
    }
    for (const s of t.attempts) {
      const service = s.labels['service'] ?? '';
      const pool = s.labels['pool'] ?? '';
      const d = this.#delta(`a|${service}|${pool}|${s.labels['endpoint']}|${s.labels['outcome']}`, s.value);
      if (d === 0) continue;
      const row = this.#row(service, pool, topo);
      row.total += d;
      if (s.labels['outcome'] !== 'ok') {
        row.failed += d;
        seen.add(`${service}/${pool}/${s.labels['endpoint']}`);
      }
    }
    for (const s of t.latency) {
      const service = s.labels['service'] ?? '';
      const pool = s.labels['pool'] ?? '';
      const dSum = this.#delta(`ls|${service}|${pool}`, s.sum);
      const dCount = this.#delta(`lc|${service}|${pool}`, s.count);
      if (dCount === 0) continue;
      const row = this.#row(service, pool, topo);
      row.latencySum += dSum * 1000;
      row.latencyCount += dCount;
    }
    // A failing active check (below the unhealthy threshold) is evidence too.
    for (const ep of this.#src.endpoints()) {
      if (ep.active.state === 'healthy' && ep.active.consecutiveFailures > 0) seen.add(ep.id);
    }
    for (const id of seen) {
      const s = this.#streak.get(id);
      if (s && now - s.last <= STREAK_GAP) s.last = now;
      else this.#streak.set(id, { start: since, last: now });
    }
  }

  #delta(key: string, value: number): number {
    const prev = this.#prev.get(key) ?? 0;
    this.#prev.set(key, value);
    return value >= prev ? value - prev : value;
  }

  #row(service: string, pool: string, topo: readonly TopologyService[]): TrafficRow {
    const k = `${service}|${pool}`;
    let r = this.#rows.get(k);
    if (!r) {
      const p = pool === '' ? undefined : topo.find((s) => s.name === service)?.pools.find((x) => x.name === pool);
      r = { minute: this.#minute ?? 0, service, pool, provider: p?.provider ?? null, region: p?.region ?? null, total: 0, failed: 0, latencySum: 0, latencyCount: 0 };
      this.#rows.set(k, r);
    }
    return r;
  }
}
