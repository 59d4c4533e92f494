/**
 * Public types of `detour/client`. No runtime code here.
 */
import type { Classifier, ProviderClassifier } from '../classify/index.js';

/** Milliseconds, or a string with a unit: `250ms`, `3s`, `1m`, `1h`. */
export type Duration = number | string;

/** One attempt as it is about to be sent; `url` is `host + path`. */
export interface AttemptRequest {
  host: string;
  url: string;
  /** The caller's init with this attempt's own copy of the headers and its own `signal`. */
  init: RequestInit & { headers: Headers; signal: AbortSignal };
  /** 1 for the first attempt of a request. */
  attempt: number;
}

/** undici's interceptor shape: wrap the next dispatch (sign per host, log, add headers...). */
export type Dispatch = (req: AttemptRequest) => Promise<Response>;
export type Interceptor = (next: Dispatch) => Dispatch;

/** Why one attempt counted against its host. */
export type Failure =
  /** Nothing reached the host (refused, DNS, unreachable): safe to resend any request. Node only; browsers cannot tell. */
  | { kind: 'connect'; message: string }
  /** A network error at an unknown stage (browser "Failed to fetch", reset): the request may have been processed. */
  | { kind: 'network'; message: string }
  /** No response within `timeout.perTry`. */
  | { kind: 'timeout' }
  /** 5xx, or 429 with Retry-After; `retryAfter` in ms when the host sent one. */
  | { kind: 'status'; status: number; retryAfter?: number }
  /** A server-side cloud error envelope, such as Tencent's HTTP 200 `Response.Error.Code = InternalError`. */
  | { kind: 'envelope'; status: number; provider: string; code: string };

/** Every state change the client goes through, for the app to report (and the status page to count). */
export type ClientEvent =
  | { type: 'attempt'; host: string; attempt: number; hedge: boolean; probe: boolean }
  | { type: 'failure'; host: string; attempt: number; failure: Failure }
  /** The host is skipped until `until` (epoch ms); `strikes` counts consecutive down periods (the backoff exponent). */
  | { type: 'host.down'; host: string; until: number; strikes: number; failure: Failure }
  /** Half-open: the down period is over and one request is being let through as a probe. */
  | { type: 'host.probe'; host: string }
  | { type: 'host.up'; host: string }
  | { type: 'retry'; from: string; to: string; attempt: number; delay: number }
  | { type: 'hedge'; from: string; to: string; after: number }
  /** A retry or hedge was wanted but the retry budget was spent. */
  | { type: 'budget.exhausted'; host: string; tokens: number };

/** What is remembered about a host that failed. No record = up. */
export interface HostRecord {
  /** Down until this epoch ms; after it the host is half-open. */
  until: number;
  strikes: number;
}

/** Where host state lives: synchronous, keyed by host URL, may be shared by many clients. */
export interface HostStore {
  get(host: string): HostRecord | undefined;
  set(host: string, record: HostRecord | undefined): void;
}

export interface HostStatus {
  host: string;
  state: 'up' | 'down' | 'half-open';
  until: number;
  strikes: number;
}

export interface ClientOptions {
  /** Base URLs in preference order (`https://api.example.com`, optionally with a path prefix). */
  hosts: readonly string[];
  timeout?: { perTry?: Duration; total?: Duration };
  /**
   * Cloud error envelope classifiers: provider functions from this module (`[tencent, aws]`, tree-shakable,
   * JSON bodies) or a Classifier from `createClassifier` of `detour/classify` (by name, XML, custom rules).
   */
  classify?: readonly ProviderClassifier[] | Classifier;
  /** Attempts per request, the first included. Default 3. */
  attempts?: number;
  /** Retry token bucket capacity (AWS SDK standard mode: 500; a retry costs 5, after a timeout 10). */
  retryBudget?: number;
  /** How long a failed host is skipped: base × 2^(strikes−1), at most max. Default 10s..5m. */
  hostBackoff?: { base?: Duration; max?: Duration };
  /** Hedge idempotent requests: when the first attempt is slower than this percentile of recent ones (true = 95), send to the next host too. */
  hedge?: boolean | number;
  /** Add an `Idempotency-Key` to non-idempotent requests so they may be retried on another host. */
  idempotencyKey?: boolean;
  /** Default: localStorage in browsers, else one store shared by every client in the process. */
  store?: HostStore;
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  interceptors?: readonly Interceptor[];
}

export interface Client {
  /** Like `fetch(host + path, init)` on the best host, with failover. Resolves to a Response whenever a host answered. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Subscribe to events; returns the unsubscribe function. */
  on(listener: (event: ClientEvent) => void): () => void;
  hosts(): HostStatus[];
}
