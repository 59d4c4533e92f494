import type { Exchange } from '../h1/index.js';
import type { Endpoint } from '../model/index.js';
import type { ReplayableBody } from './body.js';
import type { FailureKind } from './failure.js';
import type { ServiceRuntime } from './service.js';

/** One attempt as the context remembers it (status API, logs, x-detour-attempts). */
export interface AttemptRecord {
  endpoint: string;
  pool: string;
  status?: number;
  failure?: FailureKind;
  code?: string;
  ms: number;
}

/**
 * Per-request state, Pingora's CTX: created once, read and written by every phase.
 * `tried` makes `selectUpstream` skip endpoints this request already failed on.
 */
export interface RequestContext {
  readonly id: string;
  /** The downstream request and its response (src/h1). */
  readonly ex: Exchange;
  /** Request target as received: path and query. */
  readonly path: string;
  readonly start: number;
  readonly service: ServiceRuntime;
  readonly deadline: number;
  readonly method: string;
  /** Idempotent method or Idempotency-Key present: may be retried after bytes were sent. */
  readonly retrySafe: boolean;
  readonly body: ReplayableBody | undefined;
  readonly tried: Set<Endpoint>;
  readonly attempts: AttemptRecord[];
  /** Whether this request holds one unit of the service's retry budget. */
  holdsRetry: boolean;
  /** Set when the client went away; stops the retry loop. */
  clientGone: boolean;
  /** Abort hook of the attempt in flight (client gone, shutdown). */
  abortAttempt: ((err: Error) => void) | undefined;
}
