/**
 * Error budgets and multi-window, multi-burn-rate alerts (Google SRE workbook, "Alerting
 * on SLOs", recommended parameters for a 30-day SLO; the same table as Sloth's
 * google-30d windows):
 *
 *   severity  budget spent  long window  short window  burn rate
 *   page           2%           1h            5m          14.4
 *   page           5%           6h           30m           6
 *   ticket        10%           3d            6h           1
 *
 * burn rate = error ratio / (1 − objective): 1 spends the budget exactly over 30 days;
 * 14.4 spends 2% of it in an hour. An alert fires when both windows burn faster than the
 * rate (the long one proves it matters, the short one that it is still happening) and
 * resolves as soon as either drops below, so it stops within the short window of recovery.
 */
export interface BurnRule {
  alert: 'fast' | 'medium' | 'slow';
  severity: 'page' | 'ticket';
  burnRate: number;
  longMs: number;
  shortMs: number;
}

const MIN = 60_000;
const HOUR = 60 * MIN;

export const WORKBOOK_RULES: readonly BurnRule[] = [
  { alert: 'fast', severity: 'page', burnRate: 14.4, longMs: HOUR, shortMs: 5 * MIN },
  { alert: 'medium', severity: 'page', burnRate: 6, longMs: 6 * HOUR, shortMs: 30 * MIN },
  { alert: 'slow', severity: 'ticket', burnRate: 1, longMs: 72 * HOUR, shortMs: 6 * HOUR },
];

/** What a budget is kept for: a service's client-facing requests, or one pool's upstream attempts. */
export interface BurnKey {
  service: string;
  pool?: string;
  provider?: string;
  region?: string;
}

export interface BurnTransition {
  key: BurnKey;
  rule: BurnRule;
  state: 'firing' | 'resolved';
  longBurn: number;
  shortBurn: number;
}

interface Series {
  key: BurnKey;
  /** Per-minute buckets in a ring; `minutes[i]` says which minute slot i holds. */
  minutes: Float64Array;
  total: Float64Array;
  failed: Float64Array;
  firing: Set<BurnRule['alert']>;
}

export class BurnRates {
  readonly #series = new Map<string, Series>();
  readonly #slots: number;

  constructor(readonly objective: number, readonly rules: readonly BurnRule[] = WORKBOOK_RULES) {
    if (!(objective > 0 && objective < 1)) throw new Error(`objective must be a fraction in (0, 1), got ${objective}`);
    this.#slots = Math.max(...rules.map((r) => r.longMs)) / MIN;
  }

  /** Adds one minute's counts (minute = its start, epoch ms). Adding to the same minute twice sums. */
  record(key: BurnKey, minute: number, total: number, failed: number): void {
    const s = this.#get(key);
    const m = Math.floor(minute / MIN);
    const i = m % this.#slots;
    if (s.minutes[i] !== m) {
      s.minutes[i] = m;
      s.total[i] = 0;
      s.failed[i] = 0;
    }
    s.total[i]! += total;
    s.failed[i]! += failed;
  }

  /** Burn rate over the `windowMs` before `now` (whole minutes). */
  burn(key: BurnKey, windowMs: number, now: number): number {
    const s = this.#series.get(keyOf(key));
    if (!s) return 0;
    const end = Math.floor(now / MIN);
    const start = end - windowMs / MIN;
    let total = 0;
    let failed = 0;
    for (let i = 0; i < this.#slots; i++) {
      const m = s.minutes[i]!;
      if (m >= start && m < end) {
        total += s.total[i]!;
        failed += s.failed[i]!;
      }
    }
    return total === 0 ? 0 : failed / total / (1 - this.objective);
  }

  /** Evaluates every rule for every key at `now`; returns the alerts that started or stopped. */
  evaluate(now: number): BurnTransition[] {
    const out: BurnTransition[] = [];
    for (const s of this.#series.values()) {
      for (const rule of this.rules) {
        const longBurn = this.burn(s.key, rule.longMs, now);
        const shortBurn = this.burn(s.key, rule.shortMs, now);
        const firing = longBurn >= rule.burnRate && shortBurn >= rule.burnRate;
        if (firing === s.firing.has(rule.alert)) continue;
        if (firing) s.firing.add(rule.alert);
        else s.firing.delete(rule.alert);
        out.push({ key: s.key, rule, state: firing ? 'firing' : 'resolved', longBurn, shortBurn });
      }
    }
    return out;
  }

  #get(key: BurnKey): Series {
    const k = keyOf(key);
    let s = this.#series.get(k);
    if (!s) {
      s = {
        key: { ...key }, minutes: new Float64Array(this.#slots).fill(-1),
        total: new Float64Array(this.#slots), failed: new Float64Array(this.#slots), firing: new Set(),
      };
      this.#series.set(k, s);
    }
    return s;
  }
}

function keyOf(k: BurnKey): string {
  return k.pool === undefined ? k.service : `${k.service}/${k.pool}`;
}

/** Error budget of a period: allowed failures at the objective, and how much of it is spent. */
export function errorBudget(objective: number, total: number, failed: number): { allowed: number; spent: number; remaining: number } {
  const allowed = total * (1 - objective);
  const spent = allowed === 0 ? (failed > 0 ? 1 : 0) : failed / allowed;
  return { allowed, spent, remaining: 1 - spent };
}
