import type { DnsRecordConfig } from '../config/dns.js';
import type { ValueState } from './quorum.js';
import { sortValues } from './names.js';

/** What Detour publishes for one record, and why. */
export interface Answer {
  /** Sorted; never empty. */
  values: string[];
  /** Priority of the pool the values come from; null when the last answer was kept. */
  priority: number | null;
  reason: string;
  /** True when no configured value is usable and an older answer is kept (an alert was raised). */
  degraded: boolean;
}

/**
 * The answer for a record: the usable values of the best pool (lowest priority that has
 * any), the same tiering as the gateway's balancer. `unknown` counts as usable, like an
 * endpoint before its first check. A CNAME RRset holds one target (RFC 1034 §3.6.2), so it
 * gets the first usable value in configured order.
 *
 * Never empty: NXDOMAIN/NODATA would take the name out of every resolver's cache for the
 * negative TTL (RFC 2308), which is worse than answering with a value that might work. When
 * every value is down the previous non-empty answer stays; with none yet (first start with
 * everything down), the best pool is published as configured, the gateway's fail-open.
 */
export function chooseAnswer(rec: DnsRecordConfig, state: (value: string) => ValueState, previous: Answer | undefined): Answer {
  if (rec.health === undefined) {
    const best = rec.pools[0];
    return { values: sortValues(rec.pools.filter((p) => p.priority === best?.priority).flatMap((p) => p.values)), priority: best?.priority ?? 0, reason: 'static values (no health check)', degraded: false };
  }
  const priorities = [...new Set(rec.pools.map((p) => p.priority))];
  const downs: string[] = [];
  for (const priority of priorities) {
    const values = rec.pools.filter((p) => p.priority === priority).flatMap((p) => p.values);
    const usable = values.filter((v) => state(v) !== 'down');
    downs.push(...values.filter((v) => state(v) === 'down'));
    if (usable.length === 0) continue;
    const chosen = rec.type === 'CNAME' ? usable.slice(0, 1) : usable;
    const reason = downs.length === 0 ? `priority ${priority}: all values up` : `priority ${priority}: down ${downs.join(', ')}`;
    return { values: sortValues(chosen), priority, reason, degraded: false };
  }
  if (previous !== undefined && previous.values.length > 0) {
    return { values: previous.values, priority: null, reason: `every value is down (${downs.join(', ')}); keeping the last answer`, degraded: true };
  }
  const first = rec.pools[0];
  const fallback = rec.type === 'CNAME' ? (first?.values ?? []).slice(0, 1) : (first?.values ?? []);
  return { values: sortValues(fallback), priority: first?.priority ?? 0, reason: `every value is down (${downs.join(', ')}); publishing the best pool as configured`, degraded: true };
}

export function sameAnswer(a: Answer | undefined, b: Answer): boolean {
  return a !== undefined && a.values.length === b.values.length && a.values.every((v, i) => v === b.values[i]);
}
