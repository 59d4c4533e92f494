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
  hosts: readonly string[],
  store: HostStore,
  [base, max]: [number, number],
  emit: (e: ClientEvent) => void,
) {
  // Hosts whose half-open probe is in flight from this client. Kept in memory: clients sharing a store
  // may each send one probe, which is still one request per client per down period.
  const probing = new Set<string>();
  /**
   * Up hosts and probe-able half-open hosts in preference order, then the rest soonest-back first
   * (when every host is down, trying one beats failing without trying). Only requests that are safe
   * to resend probe a half-open host: if it is still broken, the request can move on.
   */
  const order = (safe: boolean, now = Date.now()): Pick[] => {
    const ready: Pick[] = [];
    const down: Array<[number, string]> = [];
    for (const host of hosts) {
      const r = store.get(host);
      if (!r) ready.push({ host, probe: false });
      else if (safe && r.until <= now && !probing.has(host)) ready.push({ host, probe: true });
      else down.push([r.until, host]);
    }
    down.sort((a, b) => a[0] - b[0]);
    return ready.concat(down.map(([, host]) => ({ host, probe: false })));
  };

  return {
    order,
    /** The best host not yet tried in this request; when all were tried, the best one again. */
    pick(tried: readonly string[], safe: boolean): Pick {
      const o = order(safe);
      return o.find((p) => !tried.includes(p.host)) ?? (o[0] as Pick);
    },

    begin(p: Pick): void {
      if (!p.probe) return;
      probing.add(p.host);
      emit({ type: 'host.probe', host: p.host });
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
      const floor = Math.min(max, (failure.kind === 'status' && failure.retryAfter) || 0);
      // Already down (concurrent requests failing together): one outage is one strike.
      if (r && r.until > now) {
        if (now + floor > r.until) store.set(host, { until: now + floor, strikes: r.strikes });
        return;
      }
      const strikes = (r?.strikes ?? 0) + 1;
      const until = now + Math.max(floor, Math.min(max, base * 2 ** (strikes - 1)));
      store.set(host, { until, strikes });
      emit({ type: 'host.down', host, until, strikes, failure });
    },

    /** The attempt ended without a verdict (aborted by the caller or lost a hedge race): a probe may go again. */
    release(host: string): void {
      probing.delete(host);
    },

    snapshot(now = Date.now()): HostStatus[] {
      return hosts.map((host) => {
        const r = store.get(host);
        const state = !r ? 'up' : r.until > now ? 'down' : 'half-open';
        return { host, state, until: r?.until ?? 0, strikes: r?.strikes ?? 0 };
      });
    },
  };
}
