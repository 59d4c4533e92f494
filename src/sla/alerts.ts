import type { DetourEvent } from '../model/index.js';
import { BurnRates, type BurnKey } from './burn.js';

type SloBurn = Extract<DetourEvent, { type: 'slo.burn' }>;

/** One minute of counts, as the metrics sampler produces them (pool '' = the service's client-facing totals). */
export interface MinuteCounts {
  service: string;
  pool: string;
  provider: string | null;
  region: string | null;
  total: number;
  failed: number;
}

/**
 * Keeps an error budget per service (requests answered to clients) and per pool
 * (upstream attempts: the provider's budget, which Detour's failover hides from clients)
 * and turns burn-rate threshold crossings into `slo.burn` events.
 */
export class BurnAlerts {
  readonly #rates: BurnRates;

  constructor(readonly objective: number, readonly observer: string, readonly emit: (e: SloBurn) => void) {
    this.#rates = new BurnRates(objective);
  }

  /** Refills the windows from stored minutes (after a restart) without announcing what already burns. */
  warm(rows: readonly (MinuteCounts & { minute: number })[], now: number): void {
    for (const r of rows) this.#rates.record(keyOf(r), r.minute, r.total, r.failed);
    this.#rates.evaluate(now);
  }

  /** Adds a closed minute and emits the alerts that started or stopped at its end. */
  minute(minute: number, rows: readonly MinuteCounts[], at: number): void {
    for (const r of rows) this.#rates.record(keyOf(r), minute, r.total, r.failed);
    for (const t of this.#rates.evaluate(minute + 60_000)) {
      this.emit({
        type: 'slo.burn', at, observer: this.observer, state: t.state, alert: t.rule.alert, severity: t.rule.severity,
        service: t.key.service, ...(t.key.pool !== undefined ? { pool: t.key.pool } : {}),
        ...(t.key.provider !== undefined ? { provider: t.key.provider } : {}), ...(t.key.region !== undefined ? { region: t.key.region } : {}),
        objective: this.objective, threshold: t.rule.burnRate, longWindowMs: t.rule.longMs, shortWindowMs: t.rule.shortMs,
        longBurn: t.longBurn, shortBurn: t.shortBurn,
      });
    }
  }
}

function keyOf(r: MinuteCounts): BurnKey {
  return r.pool === '' ? { service: r.service } : {
    service: r.service, pool: r.pool, ...(r.provider !== null ? { provider: r.provider } : {}), ...(r.region !== null ? { region: r.region } : {}),
  };
}
