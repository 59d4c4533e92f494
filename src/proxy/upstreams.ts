import { Pool } from '../h1/index.js';
import type { Endpoint } from '../model/index.js';

export interface UpstreamOptions {
  connectTimeout: number;
  /** Idle time allowed between two body chunks of a committed response. */
  bodyIdleTimeout: number;
  /** Trusted CA (PEM) for https endpoints; undefined = the system store. */
  ca: string | undefined;
  /** Skip certificate verification (only for self-signed test backends; logged at start). */
  insecure: boolean;
}

/**
 * One keep-alive connection pool per endpoint (src/h1 Pool: HTTP/1.1, no pipelining).
 * Pools outlive config reloads for endpoints whose identity (URL + SNI) did not change,
 * so a reload does not throw away warm connections.
 */
export class Upstreams {
  readonly #pools = new Map<string, Pool>();
  /** Per-request shortcut past building the key below; invalidated by any close (generation). */
  readonly #byEndpoint = new WeakMap<Endpoint, { opts: UpstreamOptions; pool: Pool; generation: number }>();
  #generation = 0;

  get(ep: Endpoint, opts: UpstreamOptions): Pool {
    const hit = this.#byEndpoint.get(ep);
    if (hit && hit.opts === opts && hit.generation === this.#generation) return hit.pool;
    const pool = this.#keyed(ep, opts);
    this.#byEndpoint.set(ep, { opts, pool, generation: this.#generation });
    return pool;
  }

  #keyed(ep: Endpoint, opts: UpstreamOptions): Pool {
    const key = `${ep.url.origin}|${ep.servername ?? ''}|${opts.connectTimeout}|${opts.bodyIdleTimeout}|${opts.insecure}|${opts.ca?.length ?? 0}`;
    let pool = this.#pools.get(key);
    if (!pool) {
      // No headers timeout here: the gateway's own per-try timer covers connect + headers.
      pool = new Pool(ep.url.origin, {
        keepAliveTimeout: 4_000,
        keepAliveMaxTimeout: 60_000,
        bodyTimeout: opts.bodyIdleTimeout,
        connectTimeout: opts.connectTimeout,
        ...(ep.servername ? { servername: ep.servername } : {}),
        ...(opts.ca ? { ca: opts.ca } : {}),
        rejectUnauthorized: !opts.insecure,
      });
      this.#pools.set(key, pool);
    }
    return pool;
  }

  /** Closes pools whose endpoints are gone after a reload (in-flight requests finish first). */
  async retain(keep: (origin: string) => boolean): Promise<void> {
    this.#generation++;
    const closing: Promise<void>[] = [];
    for (const [key, pool] of this.#pools) {
      if (!keep(key.slice(0, key.indexOf('|')))) {
        this.#pools.delete(key);
        closing.push(pool.close());
      }
    }
    await Promise.all(closing);
  }

  async close(): Promise<void> {
    this.#generation++;
    const all = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(all.map((p) => p.close()));
  }
}
