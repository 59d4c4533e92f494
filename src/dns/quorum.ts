/**
 * Health observations from vantage points, and the quorum that turns them into one
 * decision per value.
 *
 * Every running Detour instance is a vantage point (its `observer` name). An observation
 * is that observer's thresholded opinion of one value (after its own healthyThreshold /
 * unhealthyThreshold, i.e. the gateway's `nextActive` state machine), stamped with when it
 * was last confirmed. Observations are plain data keyed by (observer, record, value), so a
 * cluster transport (etcd, gossip) can carry remote ones in through `ObservationStore.record`
 * and read the local ones out; the quorum below does not care where they came from.
 *
 * Managed services do the same with more checkers: Route 53 calls an endpoint healthy when
 * more than 18% of its checkers do (Route 53 Developer Guide, "How Amazon Route 53 determines
 * whether a health check is healthy"); NS1 monitoring jobs have `policy` quorum/all/one;
 * Cloudflare Load Balancing takes a majority of data centres, then of regions.
 */
export interface Observation {
  observer: string;
  /** FQDN of the record. */
  record: string;
  value: string;
  healthy: boolean;
  /** When the observer last confirmed this opinion (ms since epoch). */
  at: number;
  reason: string;
}

export type ValueState = 'up' | 'down' | 'unknown';

export interface QuorumRule {
  /** Observers needed to withdraw (seeing it down) or restore (seeing it up); 'majority' of the fresh ones. */
  quorum: number | 'majority';
  /** Older observations are not counted (an observer that went silent has no vote). */
  maxAge: number;
}

export interface Tally {
  up: number;
  down: number;
  /** The count needed, for this tally. */
  needed: number;
}

export function tally(observations: readonly Observation[], rule: QuorumRule, now: number): Tally {
  let up = 0;
  let down = 0;
  for (const o of observations) {
    if (now - o.at > rule.maxAge) continue;
    if (o.healthy) up++;
    else down++;
  }
  const needed = rule.quorum === 'majority' ? Math.floor((up + down) / 2) + 1 : rule.quorum;
  return { up, down, needed };
}

/**
 * Withdraw when a quorum sees the value down; restore only when a quorum sees it up and no
 * quorum sees it down; otherwise keep the previous decision. Together with each observer's
 * own thresholds this is the hysteresis: one observer changing its mind flips nothing unless
 * it completes a quorum, and a value that nobody has fresh news about keeps its state.
 */
export function decide(previous: ValueState, observations: readonly Observation[], rule: QuorumRule, now: number): ValueState {
  const t = tally(observations, rule, now);
  if (t.down >= t.needed) return 'down';
  if (t.up >= t.needed) return 'up';
  return previous;
}

/** The latest observation per (record, value, observer). */
export class ObservationStore {
  readonly #byValue = new Map<string, Map<string, Observation>>();

  /** Keeps `o` unless the store already holds a newer one from the same observer. */
  record(o: Observation): void {
    const k = key(o.record, o.value);
    let m = this.#byValue.get(k);
    if (m === undefined) this.#byValue.set(k, (m = new Map()));
    const prev = m.get(o.observer);
    if (prev === undefined || prev.at <= o.at) m.set(o.observer, o);
  }

  get(record: string, value: string): Observation[] {
    return [...(this.#byValue.get(key(record, value))?.values() ?? [])];
  }

  /** Everything one observer said (the local vantage point's share, for a cluster transport). */
  from(observer: string): Observation[] {
    const out: Observation[] = [];
    for (const m of this.#byValue.values()) {
      const o = m.get(observer);
      if (o !== undefined) out.push(o);
    }
    return out;
  }

  /** Drops values no longer configured. */
  retain(keep: (record: string, value: string) => boolean): void {
    for (const [k, m] of this.#byValue) {
      const any = m.values().next().value;
      if (any !== undefined && !keep(any.record, any.value)) this.#byValue.delete(k);
    }
  }
}

function key(record: string, value: string): string {
  return `${record}\u0000${value}`;
}
