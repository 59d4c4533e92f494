import type { DnsConfig } from './dns.js';
import type { IncidentsConfig, NotificationTarget, RetentionConfig, SlaConfig, StoreConfig } from './record.js';
import type { StatusPageConfig } from './status-page.js';

/**
 * The normalized configuration: what `loadConfig` returns after YAML parsing,
 * `${ENV}` substitution, validation and defaults. Every duration is in milliseconds,
 * every optional field that has a default is filled in, so nothing downstream
 * re-derives defaults. The user-facing YAML shape is documented in README.md.
 */
export interface DetourConfig {
  /** Absolute path of the file this came from (or '<inline>'). */
  source: string;
  listeners: ListenerConfig[];
  admin: AdminConfig | undefined;
  services: ServiceConfig[];
  /** Replay buffer for request bodies, per request (bytes). Default 64 KiB (as Pingora). */
  maxReplayBytes: number;
  /** How long shutdown waits for in-flight requests before closing them. Default 30s. */
  drainTimeout: number;
  log: { level: 'debug' | 'info' | 'warn' | 'error' };
  /** DNS failover controller (src/config/dns.ts); undefined = off. */
  dns: DnsConfig | undefined;
  /** Incident/event store (src/config/record.ts). */
  store: StoreConfig;
  /** Incident grouping, retention, SLA accounting and notifications (src/config/record.ts). */
  incidents: IncidentsConfig;
  retention: RetentionConfig;
  sla: SlaConfig;
  notifications: NotificationTarget[];
  /** Status page and dashboard naming, optional public listener (src/config/status-page.ts). */
  statusPage: StatusPageConfig;
}

export interface ListenerConfig {
  host: string;
  port: number;
  tls: { cert: string; key: string } | undefined; // file paths
}

export interface AdminConfig {
  host: string;
  port: number;
  /** Bearer token. undefined = admin API refuses every write and every read but /healthz. */
  token: string | undefined;
  /** Where drains and forced priorities persist. Default ./detour-state.json beside the config. */
  stateFile: string;
}

export interface ServiceConfig {
  name: string;
  match: { hosts: string[]; pathPrefix: string }; // hosts [] = any host; lower-cased, no port
  pools: PoolConfig[]; // sorted by priority ascending
  health: { active: ActiveHealthConfig | undefined; passive: PassiveHealthConfig };
  classify: ClassifyConfig;
  retry: RetryConfig;
  timeouts: { connect: number; perTry: number; total: number };
  balancer: 'p2c' | 'round-robin';
  allDown: 'fail-open' | 'fail-closed';
  /** Ramp for an endpoint coming back (weight grows linearly over this window). Default 30s; 0 = off. */
  slowStart: number;
}

export interface PoolConfig {
  name: string;
  provider: string | undefined; // tencent, aliyun, aws, huawei, or anything
  region: string | undefined;
  priority: number;
  hostHeader: string | undefined; // rewrite Host for this pool; default: keep the client's Host
  endpoints: EndpointConfig[];
  /** TLS to https endpoints: extra trusted CA (PEM text, read from `tls.ca` file) and an explicit opt-out of verification. */
  tls?: { ca: string | undefined; insecureSkipVerify: boolean };
}

export interface EndpointConfig {
  url: string; // normalized origin, e.g. http://10.0.0.1:8080 (no path)
  weight: number; // default 1
  /** SNI / certificate name for https endpoints; default hostHeader or the URL host. */
  servername: string | undefined;
}

export interface ActiveHealthConfig {
  type: 'http' | 'tcp';
  path: string; // http only
  method: 'GET' | 'HEAD';
  interval: number;
  /** Interval used while the endpoint is unhealthy (HAProxy `downinter`); default = interval. */
  unhealthyInterval: number;
  timeout: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  /** Fraction of the interval added or removed at random on each tick (0.1 = ±10%). */
  jitter: number;
  expect: {
    status: Array<[number, number]>; // inclusive ranges, e.g. [[200, 399]]
    bodyContains: string | undefined;
    bodyNotContains: string | undefined;
  };
  /** Host header sent with the check; default pool.hostHeader or the endpoint host. */
  host: string | undefined;
}

export interface PassiveHealthConfig {
  enabled: boolean;
  consecutiveFailures: number; // default 5 (Envoy consecutive_5xx)
  failureRatio: number; // default 0.5
  minRequests: number; // default 20
  window: number; // default 10s
  baseEjection: number; // default 30s
  maxEjection: number; // default 300s
  /** Share (0-100) of endpoints of a pool that may be ejected at once. Default 100: a one-endpoint cloud must be ejectable. */
  maxEjectionPercent: number;
  /**
   * Server-side cloud error envelopes (e.g. Tencent InternalError) within `window` that eject
   * an endpoint whatever the ratio; 0 = off. Default 5: an explicit "the cloud failed" is not
   * noise, and a gray failure that fails every other request never makes 5 in a row.
   */
  cloudErrors: number;
}

export interface ClassifyConfig {
  /** Built-in cloud envelope classifiers to run on live responses. */
  providers: Array<'tencent' | 'aliyun' | 'aws' | 'huawei'>;
  rules: CustomClassifyRule[];
  /** Bytes of body inspected at most. Default 8 KiB. */
  maxBodyBytes: number;
}

export interface CustomClassifyRule {
  name: string;
  /** Only responses whose status falls in these ranges; default any. */
  status: Array<[number, number]> | undefined;
  /** A JSONPath such as `$.error.code` (dot and [index] only) compared to `equals`/`matches`. */
  jsonPath: string | undefined;
  /** Regular expression tested against the body prefix (or against the JSONPath value). */
  matches: string | undefined;
  equals: string[] | undefined;
}

export type RetryOn = 'connect-failure' | 'reset' | 'timeout' | '5xx' | 'cloud-error';

export interface RetryConfig {
  /** Total attempts including the first. Default 3. */
  attempts: number;
  /** Retries may be at most this share of requests (token bucket over 10 s). Default 0.2. */
  budgetRatio: number;
  /** Retries per second always allowed whatever the ratio (Finagle's minRetriesPerSec). Default 10. */
  minRetriesPerSecond: number;
  on: RetryOn[];
  /** Methods retried after bytes reached the endpoint. Default GET HEAD OPTIONS PUT DELETE TRACE (RFC 9110 §9.2.2). */
  idempotentMethods: string[];
}
