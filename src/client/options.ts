/**
 * Validates createClient() options into plain numbers. Bad input throws a DetourError
 * (DETOUR_CONFIG_INVALID) naming the option; host URLs with credentials are refused so that a
 * secret can never reach an event, a log or an error message.
 */
import { parseDuration } from '../common/index.js';
import { DetourError } from './error.js';
import type { ClientOptions, Duration, HostStore, Interceptor } from './types.js';
import { defaultStore } from './store.js';

/** The options as given (`classify`, `idempotencyKey` are used as they are), with defaults and plain numbers. */
export interface Normalized extends Pick<ClientOptions, 'classify' | 'idempotencyKey'> {
  hosts: string[];
  perTry: number;
  total: number;
  attempts: number;
  retryBudget: number;
  hostBackoff: [number, number];
  /** The latency percentile to hedge after; 0 = no hedging. */
  hedge: number;
  store: HostStore;
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  interceptors: readonly Interceptor[];
}

const bad = (name: string): never => {
  throw new DetourError('DETOUR_CONFIG_INVALID', `createClient: bad ${name}`);
};

/** A duration: ms, or '250ms', '3s', '1m', '1h'. */
const ms = (v: Duration | undefined, dflt: number, name: string): number =>
  v === undefined ? dflt : (parseDuration(v) ?? bad(name));

const int = (v: number | undefined, dflt: number, min: number, name: string): number =>
  v === undefined ? dflt : Number.isInteger(v) && v >= min ? v : bad(name);

/** An http(s) base URL without query or fragment; credentials are refused (and never echoed) so no secret reaches an event. */
function host(raw: string, i: number): string {
  let u: URL | undefined;
  try {
    u = new URL(raw);
  } catch {
    // reported below
  }
  return !u || !/^https?:$/.test(u.protocol) || u.search || u.hash || u.username || u.password
    ? bad(`hosts[${i}]`)
    : u.origin + u.pathname.replace(/\/+$/, '');
}

export function normalize(o: ClientOptions): Normalized {
  const hosts = o?.hosts?.length ? o.hosts.map(host) : bad('hosts');
  if (new Set(hosts).size < hosts.length) bad('hosts (duplicate)');
  const hedge = o.hedge === true ? 95 : o.hedge || 0;
  if (!(hedge >= 0 && hedge < 100)) bad('hedge');
  return {
    ...o,
    hosts,
    perTry: ms(o.timeout?.perTry, 5000, 'timeout.perTry'),
    total: ms(o.timeout?.total, 15000, 'timeout.total'),
    attempts: int(o.attempts, 3, 1, 'attempts'),
    retryBudget: int(o.retryBudget, 500, 0, 'retryBudget'),
    hostBackoff: [ms(o.hostBackoff?.base, 10000, 'hostBackoff.base'), ms(o.hostBackoff?.max, 300000, 'hostBackoff.max')],
    hedge,
    store: o.store ?? defaultStore(),
    // Called unbound: window.fetch throws "Illegal invocation" when called as a method of another object.
    fetch: o.fetch ?? ((...a) => fetch(...a)),
    interceptors: o.interceptors ?? [],
  };
}
