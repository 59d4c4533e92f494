/**
 * Every stable error code Detour can produce, in one table (undici's `UND_ERR_*` idea,
 * without its copy-pasted subclasses). `status` is what the gateway answers the client
 * with when this error ends a request; `retryable` says whether another attempt on a
 * different endpoint may succeed. docs/errors.md lists the same table; a test keeps
 * the two in step.
 */
export const ERROR_CODES = {
  // Upstream side: what happened on the way to, or back from, an endpoint.
  DETOUR_UPSTREAM_CONNECT: { status: 502, retryable: true, source: 'upstream', summary: 'could not connect to the endpoint (refused, unreachable, TLS handshake failed)' },
  DETOUR_UPSTREAM_CONNECT_TIMEOUT: { status: 504, retryable: true, source: 'upstream', summary: 'connect did not finish within timeouts.connect' },
  DETOUR_UPSTREAM_RESET: { status: 502, retryable: true, source: 'upstream', summary: 'the endpoint closed or reset the connection before a full response' },
  DETOUR_UPSTREAM_TIMEOUT: { status: 504, retryable: true, source: 'upstream', summary: 'no response headers within timeouts.perTry' },
  DETOUR_UPSTREAM_5XX: { status: 502, retryable: true, source: 'upstream', summary: 'the endpoint answered 5xx (shown to the client only if no retry succeeded)' },
  DETOUR_UPSTREAM_CLOUD_ERROR: { status: 502, retryable: true, source: 'upstream', summary: 'the endpoint answered with a server-side cloud error envelope such as Tencent InternalError' },
  DETOUR_UPSTREAM_PROTOCOL: { status: 502, retryable: false, source: 'upstream', summary: 'the endpoint sent an invalid HTTP response' },
  // Gateway side: decisions Detour made.
  DETOUR_NO_ROUTE: { status: 404, retryable: false, source: 'gateway', summary: 'no service matches the request host and path' },
  DETOUR_NO_HEALTHY_UPSTREAM: { status: 503, retryable: false, source: 'gateway', summary: 'every endpoint is down, drained or already tried, and allDown is fail-closed' },
  DETOUR_TOTAL_TIMEOUT: { status: 504, retryable: false, source: 'gateway', summary: 'the total deadline (timeouts.total) passed before a response' },
  DETOUR_RETRY_BUDGET_EXHAUSTED: { status: 503, retryable: false, source: 'gateway', summary: 'a retry was wanted but the retry budget was spent' },
  DETOUR_BODY_NOT_REPLAYABLE: { status: 502, retryable: false, source: 'gateway', summary: 'a retry was wanted but the request body outgrew the replay buffer' },
  // Downstream side: the client.
  DETOUR_CLIENT_ABORTED: { status: 499, retryable: false, source: 'downstream', summary: 'the client went away before the response was complete' },
  // DNS controller: a provider's API is an upstream too.
  DETOUR_DNS_PROVIDER_UNAVAILABLE: { status: 502, retryable: true, source: 'upstream', summary: 'a DNS provider API failed transiently (timeout, 5xx, throttling, InternalError envelope); the reconcile loop retries with backoff' },
  DETOUR_DNS_PROVIDER_REJECTED: { status: 502, retryable: false, source: 'upstream', summary: 'a DNS provider refused the request (credentials, TSIG key, permission, invalid record)' },
  DETOUR_DNS_UNSAFE_PLAN: { status: 409, retryable: false, source: 'gateway', summary: 'dns apply refused a plan that changes too many records or any NS/SOA record; review it and use --force' },
  DETOUR_DNS_NOT_OWNED: { status: 409, retryable: false, source: 'gateway', summary: 'a DNS record Detour would write exists without Detour\'s ownership marker, so it is left untouched' },
  // Control plane.
  DETOUR_CONFIG_INVALID: { status: 500, retryable: false, source: 'config', summary: 'the configuration was rejected (file, line, column and field are in the message)' },
  DETOUR_ADMIN_UNAUTHORIZED: { status: 401, retryable: false, source: 'admin', summary: 'the admin API needs a valid bearer token' },
  DETOUR_ADMIN_NOT_FOUND: { status: 404, retryable: false, source: 'admin', summary: 'no such admin resource (service, pool or endpoint)' },
  DETOUR_ADMIN_BAD_REQUEST: { status: 400, retryable: false, source: 'admin', summary: 'the admin request body or parameters are invalid' },
  DETOUR_ADMIN_FORBIDDEN: { status: 403, retryable: false, source: 'admin', summary: 'a dashboard form was refused: missing or wrong CSRF token, or sent from another origin' },
  DETOUR_STORE_IO: { status: 503, retryable: false, source: 'internal', summary: 'the incident/event store could not be read or written (the gateway keeps serving; see store health)' },
  DETOUR_STATE_IO: { status: 500, retryable: false, source: 'internal', summary: 'persisted state (overrides) could not be read or written' },
  DETOUR_INTERNAL: { status: 500, retryable: false, source: 'internal', summary: 'a bug in Detour' },
} as const satisfies Record<string, ErrorSpec>;

export interface ErrorSpec {
  status: number;
  retryable: boolean;
  source: ErrorSource;
  summary: string;
}

export type ErrorSource = 'upstream' | 'gateway' | 'downstream' | 'config' | 'admin' | 'internal';
export type ErrorCode = keyof typeof ERROR_CODES;
