/**
 * Host state: up → down (skipped for a backoff period) → half-open (one probe request let through)
 * → up again on a success or down for longer on a failure. Algolia's transporter skips a failed host
 * for a fixed 2 minutes; the Tencent Go SDK's breaker opens for 60 s and then probes. Here the down
 * period doubles with each consecutive strike (base × 2^(strikes−1), capped), and Retry-After is a floor.
 *
 * All state is in the HostStore (localStorage in a browser), read afresh for every decision so that
 * clients and tabs sharing a store see each other's findings. Time is Date.now(): it must survive a
 * page reload, which performance.now() does not.
 */
import type { ClientEvent, Failure, HostStatus, HostStore } from './types.js';

export interface Pick {
  host: string;
  /** The host is half-open and this attempt is its probe. */
  probe: boolean;
}

export type HostBook = ReturnType<typeof hostBook>;

export function hostBook(
  { hosts, store, hostBackoff: [base, max] }: { hosts: readonly string[]; store: HostStore; hostBackoff: [number, number] },
  emit: (e: ClientEvent) => void,
) {
  // Hosts whose half-open probe is in flight from this client. Kept in memory: clients sharing a store
  // may each send one probe, which is still one request per client per down period.
  const probing = new Set<string>();
  return {
    /**
     * The best host not yet tried in this request; when all were tried, the best one again. The order:
     * up hosts and probe-able half-open hosts in preference order, then the rest soonest-back first
     * (when every host is down, trying one beats failing without trying). Only requests that are safe
     * to resend probe a half-open host: if it is still broken, the request can move on.
     */
    pick(tried: readonly string[], safe: boolean): Pick {
      const now = Date.now();
      const order = hosts
        .map((host) => {
          const r = store.get(host);
          const probe = !!r && safe && r.until <= now && !probing.has(host);
          return { host, probe, at: !r || probe ? -Infinity : r.until };
        })
        // Stable: ready hosts keep preference order (-Infinity − -Infinity is NaN, hence `|| 0`).
        .sort((a, b) => a.at - b.at || 0);
      return order.find((p) => !tried.includes(p.host)) ?? (order[0] as Pick);
    },

    /** A pick with `probe` is being sent: no other request of this client probes the host meanwhile. */
    probe(host: string): void {
      probing.add(host);
      emit({ type: 'host.probe', host });
    },

    ok(host: string): void {
      probing.delete(host);
      if (!store.get(host)) return;
      store.set(host, undefined);
      emit({ type: 'host.up', host });
    },

    fail(host: string, failure: Failure): void {
      probing.delete(host);
      const now = Date.now();
      const r = store.get(host);
      // Retry-After (only a status failure has one) is a floor, within the maximum.
      const floor = now + Math.min(max, (failure as { retryAfter?: number }).retryAfter || 0);
      // Already down (concurrent requests failing together): one outage is one strike.
      if (r && r.until > now) {
        if (floor > r.until) store.set(host, { until: floor, strikes: r.strikes });
        return;
      }
      const strikes = (r?.strikes ?? 0) + 1;
      const until = Math.max(floor, now + Math.min(max, base * 2 ** (strikes - 1)));
      store.set(host, { until, strikes });
      emit({ type: 'host.down', host, until, strikes, failure });
    },

    /** The attempt ended without a verdict (aborted by the caller or lost a hedge race): a probe may go again. */
    release(host: string): void {
      probing.delete(host);
    },

    snapshot(): HostStatus[] {
      const now = Date.now();
      return hosts.map((host) => {
        const r = store.get(host);
        return { until: 0, strikes: 0, ...r, host, state: !r ? 'up' : r.until > now ? 'down' : 'half-open' };
      });
    },
  };
}
