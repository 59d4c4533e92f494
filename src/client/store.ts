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
 * localStorage-backed store (one key per host, `prefix + host`), or undefined where there is no usable
 * localStorage: absent (Node, workers), or throwing on access (sandboxed iframes, storage disabled).
 * A failing write (quota, private mode) falls back to memory for this page's lifetime.
 */
export function localStore(prefix = 'detour:'): HostStore | undefined {
  let ls: WebStorage | undefined;
  try {
    ls = (globalThis as { localStorage?: WebStorage }).localStorage;
    ls?.setItem(prefix, '1');
    ls?.removeItem(prefix);
  } catch {
    ls = undefined;
  }
  if (!ls) return undefined;
  const s = ls;
  const mem = memoryStore();
  return {
    get(h) {
      try {
        const raw = s.getItem(prefix + h);
        if (raw === null) return mem.get(h);
        // Stored text is untrusted (other scripts, old versions): anything but numbers becomes 0.
        const j = JSON.parse(raw) as HostRecord;
        return { until: +j.until || 0, strikes: +j.strikes || 0 };
      } catch {
        return mem.get(h);
      }
    },
    set(h, r) {
      try {
        if (r) s.setItem(prefix + h, JSON.stringify(r));
        else s.removeItem(prefix + h);
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
