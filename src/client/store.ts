/**
 * Host state stores. In a browser the default is localStorage, so a page reloaded during an outage
 * starts on the backup instead of waiting on the dead primary again (Algolia's JS client keeps its
 * down hosts in localStorage for the same reason); every tab of the origin shares it. Elsewhere the
 * default is one in-memory store per process, shared by every client, so the first request that
 * finds a host dead spares all the others.
 */
import type { HostRecord, HostStore } from './types.js';

/** A plain in-memory store; pass the same one to several clients to share what they learn. */
export function memoryStore(): HostStore {
  const m = new Map<string, HostRecord>();
  return {
    get: (h) => m.get(h),
    set: (h, r) => void (r ? m.set(h, r) : m.delete(h)),
  };
}

interface WebStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * localStorage-backed store (one key per host, `prefix + host`), or undefined where there is no
 * localStorage: absent (Node, workers), or throwing on access (sandboxed iframes, storage disabled).
 * A failing write (quota, private mode) falls back to memory for this page's lifetime.
 */
export function localStore(prefix = 'detour:'): HostStore | undefined {
  let s: WebStorage | undefined;
  try {
    s = (globalThis as { localStorage?: WebStorage }).localStorage;
  } catch {
    // reported below
  }
  if (!s) return undefined;
  const ls = s;
  const mem = memoryStore();
  return {
    get(h) {
      let j: HostRecord | null = null;
      try {
        // No key: getItem gives null, and JSON.parse(null) is null.
        j = JSON.parse(ls.getItem(prefix + h) as string) as HostRecord | null;
      } catch {
        // unreadable: what memory has
      }
      // Stored text is untrusted (other scripts, old versions): anything but numbers becomes 0.
      return j ? { until: +j.until || 0, strikes: +j.strikes || 0 } : mem.get(h);
    },
    set(h, r) {
      try {
        if (r) ls.setItem(prefix + h, JSON.stringify(r));
        else ls.removeItem(prefix + h);
        mem.set(h, undefined);
      } catch {
        mem.set(h, r); // only what could not be written lives here, so other tabs' changes still win
      }
    },
  };
}

const SHARED = Symbol.for('detour.client.store');

/** localStorage when usable, else the process-wide memory store (one even if this module is bundled twice). */
export function defaultStore(): HostStore {
  const g = globalThis as { [SHARED]?: HostStore };
  return localStore() ?? (g[SHARED] ??= memoryStore());
}
