import type { Balancer } from '../balancer/index.js';
import type { Classifier } from '../classify/index.js';
import type { ServiceConfig } from '../config/types.js';
import type { Endpoint, Evidence } from '../model/index.js';
import type { FailureKind } from './failure.js';
import type { RetryBudget } from './retry-budget.js';
import type { UpstreamOptions } from './upstreams.js';

/** What the proxy reports after each attempt (outlier detection implements it). */
export interface PassiveSink {
  record(ep: Endpoint, outcome: { ok: true } | { ok: false; kind: FailureKind; evidence: Evidence }): void;
}

/** Everything the request path needs for one service, built once per config load. */
export interface ServiceRuntime {
  readonly name: string;
  readonly config: ServiceConfig;
  readonly balancer: Balancer;
  readonly classifier: Classifier | undefined;
  readonly passive: PassiveSink | undefined;
  readonly budget: RetryBudget;
  /** Connection settings per pool name (timeouts from the service, TLS trust from the pool). */
  readonly upstream: ReadonlyMap<string, UpstreamOptions>;
}

/** Counters the proxy feeds (the metrics module implements it). */
export interface ProxyObserver {
  requestDone(service: string, status: number, code: string | undefined, attempts: number, ms: number): void;
  attemptDone(ep: Endpoint, status: number | undefined, failure: FailureKind | undefined, ms: number): void;
  retry(service: string, kind: FailureKind): void;
  retryDenied(service: string, reason: 'budget' | 'unsafe' | 'attempts' | 'deadline' | 'body'): void;
}

export const nullObserver: ProxyObserver = { requestDone() {}, attemptDone() {}, retry() {}, retryDenied() {} };
