import type { ServiceRuntime } from './service.js';

/**
 * Host + path-prefix routing, resolved with one Map lookup and a short scan.
 * Services with explicit hosts win over catch-all ones; within a host the longest
 * pathPrefix wins (nginx `location` prefix semantics).
 */
export class Router {
  readonly #byHost = new Map<string, ServiceRuntime[]>();
  readonly #anyHost: ServiceRuntime[] = [];

  constructor(services: readonly ServiceRuntime[]) {
    const byLength = (a: ServiceRuntime, b: ServiceRuntime) => b.config.match.pathPrefix.length - a.config.match.pathPrefix.length;
    for (const s of services) {
      if (s.config.match.hosts.length === 0) this.#anyHost.push(s);
      for (const h of s.config.match.hosts) {
        const list = this.#byHost.get(h) ?? [];
        list.push(s);
        this.#byHost.set(h, list);
      }
    }
    for (const list of this.#byHost.values()) list.sort(byLength);
    this.#anyHost.sort(byLength);
  }

  /** `host` is the Host header as sent (may carry a port); `path` the request target. */
  match(host: string | undefined, path: string): ServiceRuntime | undefined {
    if (host && this.#byHost.size > 0) {
      const list = this.#byHost.get(normalizeHost(host));
      if (list) for (const s of list) if (path.startsWith(s.config.match.pathPrefix)) return s;
    }
    for (const s of this.#anyHost) if (path.startsWith(s.config.match.pathPrefix)) return s;
    return undefined;
  }
}

/** Lower-cases and strips the port (also from "[::1]:8080"). */
export function normalizeHost(host: string): string {
  let h = host;
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return (end > 0 ? h.slice(0, end + 1) : h).toLowerCase();
  }
  const colon = h.lastIndexOf(':');
  if (colon > 0) h = h.slice(0, colon);
  // "api.example.com." is the same name written fully qualified (RFC 1034 §3.1).
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h.toLowerCase();
}
