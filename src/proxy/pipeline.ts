import { DetourError } from '../errors/index.js';
import type { Exchange } from '../h1/index.js';
import { runAttempt, type AttemptOutcome } from './attempt.js';
import { ReplayableBody } from './body.js';
import type { AttemptRecord, RequestContext } from './context.js';
import { failToProxy } from './fail-to-proxy.js';
import type { AttemptFailure, FailureKind } from './failure.js';
import { isRetrySafe, upstreamRequestHeaders } from './headers.js';
import type { Router } from './router.js';
import type { ProxyObserver, ServiceRuntime } from './service.js';
import type { Upstreams } from './upstreams.js';

/**
 * WHERE A REQUEST GOES. The phases run in this order (Pingora's ProxyHttp, trimmed):
 *
 *   1. route            Host + path prefix → service, or 404 DETOUR_NO_ROUTE
 *   2. newContext       deadline, retry safety, replayable body
 *   3. selectUpstream   balancer: best healthy priority tier, skipping endpoints tried
 *   4. upstreamRequest  rewrite headers (hop-by-hop, X-Forwarded-*, Via, pool Host)
 *   5. attempt          connect, send, read headers; classify body prefix if needed
 *   6. recordOutcome    outlier detection + metrics, for every attempt
 *   7. retry decision   failure kind ∈ retry.on, attempts, budget, deadline, safety
 *                       → back to 3 with the endpoint in ctx.tried
 *   8. respond          stream the committed response, or failToProxy on error
 *   9. logging          one line per request with every attempt
 */
export interface ProxyEnv {
  router(): Router;
  upstreams: Upstreams;
  observer: ProxyObserver;
  maxReplayBytes(): number;
  log: (ctx: RequestContext, status: number, code: string | undefined) => void;
  now: () => number;
  nextId: () => string;
}

export async function handleRequest(env: ProxyEnv, ex: Exchange): Promise<void> {
  // 1. route
  const path = ex.head.target;
  const service = env.router().match(ex.head.host, path);
  if (!service) {
    failToProxy(ex, new DetourError('DETOUR_NO_ROUTE', `no service matches host "${ex.head.host ?? ''}" and path "${path.split('?')[0]}"`), env.nextId(), 0);
    return;
  }
  // 2. newContext
  const ctx = newContext(env, service, ex, path);
  service.budget.requestStarted();
  ex.onClose((finished) => {
    if (!finished) {
      ctx.clientGone = true;
      ctx.abortAttempt?.(new DetourError('DETOUR_CLIENT_ABORTED'));
    }
  });
  let status = 0;
  let code: string | undefined;
  try {
    const result = await proxyWithRetries(env, ctx, path);
    if (result.kind === 'committed') {
      status = result.status;
      const broke = await result.done;
      if (broke) code = broke.error.code;
    } else {
      code = result.error.code;
      status = failToProxy(ex, ctx.clientGone ? new DetourError('DETOUR_CLIENT_ABORTED') : result.error, ctx.id, ctx.attempts.length);
    }
  } catch (err) {
    code = 'DETOUR_INTERNAL';
    status = failToProxy(ex, err, ctx.id, ctx.attempts.length);
  } finally {
    service.budget.requestEnded(ctx.holdsRetry);
    const ms = env.now() - ctx.start;
    env.observer.requestDone(service.name, status, code, ctx.attempts.length, ms);
    // 9. logging
    env.log(ctx, status, code);
  }
}

function newContext(env: ProxyEnv, service: ServiceRuntime, ex: Exchange, path: string): RequestContext {
  const start = env.now();
  const method = ex.head.method;
  const cfg = service.config;
  return {
    id: env.nextId(), ex, path, start, service, method,
    deadline: start + cfg.timeouts.total,
    retrySafe: isRetrySafe(method, ex.head.raw, cfg.retry.idempotentMethods),
    body: ex.body ? new ReplayableBody(ex.body, env.maxReplayBytes()) : undefined,
    tried: new Set(), attempts: [], holdsRetry: false, clientGone: false, abortAttempt: undefined,
  };
}

type LoopResult = Extract<AttemptOutcome, { kind: 'committed' }> | { kind: 'error'; error: DetourError };

/** The retry loop: the only place that decides whether to try again. */
async function proxyWithRetries(env: ProxyEnv, ctx: RequestContext, path: string): Promise<LoopResult> {
  const { service } = ctx;
  const cfg = service.config;
  // Upstream headers depend only on the pool: built once per pool this request tries.
  let headersPool: string | undefined;
  let headers: string[] = [];
  let last: DetourError | undefined;
  for (let attempt = 0; ; attempt++) {
    // 3. selectUpstream
    const sel = service.balancer.select(ctx.tried);
    if (sel.kind === 'none') {
      return { kind: 'error', error: last ?? new DetourError('DETOUR_NO_HEALTHY_UPSTREAM', `service "${service.name}": no routable endpoint (${sel.reason})`) };
    }
    const ep = sel.endpoint;
    ctx.tried.add(ep);
    // 4. upstreamRequest (headers depend only on the pool, so built once per pool)
    if (headersPool !== sel.pool.name) {
      headersPool = sel.pool.name;
      headers = upstreamRequestHeaders(ctx.ex.head, {
        clientIp: ctx.ex.remoteAddress,
        proto: ctx.ex.encrypted ? 'https' : 'http',
        host: ctx.ex.head.host ?? '',
        hostOverride: sel.pool.hostHeader,
        upgrade: undefined,
      });
    }
    // 5. attempt
    const remaining = ctx.deadline - env.now();
    const attemptsLeft = attempt + 1 < cfg.retry.attempts;
    const t0 = env.now();
    ep.inflight++;
    let outcome: AttemptOutcome;
    try {
      outcome = await runAttempt({
        ctx, pool: env.upstreams.get(ep, service.upstream.get(sel.pool.name)!), path, headers,
        timeout: Math.max(1, Math.min(cfg.timeouts.perTry, remaining)),
        deadlineBound: remaining < cfg.timeouts.perTry,
        classifier: service.classifier, maxClassifyBytes: cfg.classify.maxBodyBytes,
        retryOn5xx: cfg.retry.on.includes('5xx'), retryOnCloudError: cfg.retry.on.includes('cloud-error'),
        canRetry: (kind) => {
          // Asked once, when a retryable response arrives: a "no" here is a denied retry.
          const denied = attemptsLeft ? retryAllowed(env, ctx, kind, true) : 'attempts';
          if (denied && denied !== 'off') env.observer.retryDenied(service.name, denied);
          return denied === undefined;
        },
      });
    } finally {
      ep.inflight--;
    }
    // 6. recordOutcome
    const ms = env.now() - t0;
    const failure = outcome.kind === 'failed' ? outcome.failure.kind : outcome.failure;
    // Built field by field: a conditional object spread here cost more than the rest of the phase.
    const record: AttemptRecord = { endpoint: ep.endpoint, pool: ep.pool, ms };
    if (outcome.status !== undefined) record.status = outcome.status;
    if (failure) {
      record.failure = failure;
      record.code = outcome.kind === 'failed' ? outcome.failure.error.code : (outcome.evidence?.errorCode ?? '');
    }
    ctx.attempts.push(record);
    env.observer.attemptDone(ep, outcome.status, failure, ms);
    if (!ctx.clientGone) {
      if (failure) service.passive?.record(ep, { ok: false, kind: failure, evidence: outcome.evidence ?? {} });
      else service.passive?.record(ep, { ok: true });
    }
    if (outcome.kind === 'committed') return outcome;
    // 7. retry decision
    last = outcome.failure.error;
    if (ctx.clientGone) return { kind: 'error', error: new DetourError('DETOUR_CLIENT_ABORTED') };
    if (!attemptsLeft) {
      env.observer.retryDenied(service.name, 'attempts');
      return { kind: 'error', error: last };
    }
    const denied = retryAllowed(env, ctx, outcome.failure.kind, outcome.failure.sent);
    if (denied) {
      if (denied !== 'off') env.observer.retryDenied(service.name, denied);
      return { kind: 'error', error: deniedError(denied, outcome.failure) };
    }
    if (!service.budget.take(!ctx.holdsRetry)) {
      env.observer.retryDenied(service.name, 'budget');
      return { kind: 'error', error: new DetourError('DETOUR_RETRY_BUDGET_EXHAUSTED', `retry budget spent; last failure: ${last.message}`) };
    }
    ctx.holdsRetry = true;
    env.observer.retry(service.name, outcome.failure.kind);
  }
}

type Denial = 'unsafe' | 'deadline' | 'body' | 'budget' | 'attempts' | 'off';

/** Why a retry may not happen now, or undefined if it may. Budget is checked, not taken. */
function retryAllowed(env: ProxyEnv, ctx: RequestContext, kind: FailureKind, sent: boolean): Denial | undefined {
  const cfg = ctx.service.config;
  // A connect failure is always retried: nothing reached the endpoint (RFC 9110 §9.2.2
  // only constrains requests that may have been processed).
  if (kind !== 'connect-failure' && !cfg.retry.on.includes(kind)) return 'off';
  if (sent && !ctx.retrySafe) return 'unsafe';
  if (ctx.body && ctx.body.started && !ctx.body.replayable) return 'body';
  if (env.now() >= ctx.deadline) return 'deadline';
  if (!ctx.service.budget.canRetry()) return 'budget';
  return undefined;
}

function deniedError(denied: Denial, f: AttemptFailure): DetourError {
  switch (denied) {
    case 'unsafe':
      return new DetourError(f.error.code, `${f.error.message}; not retried: the request is not idempotent and may have reached the endpoint`);
    case 'body':
      return new DetourError('DETOUR_BODY_NOT_REPLAYABLE', `${f.error.message}; not retried: the body outgrew the replay buffer`);
    case 'deadline':
      return new DetourError('DETOUR_TOTAL_TIMEOUT', `total deadline passed; last failure: ${f.error.message}`);
    case 'budget':
      return new DetourError('DETOUR_RETRY_BUDGET_EXHAUSTED', `retry budget spent; last failure: ${f.error.message}`);
    case 'off':
    case 'attempts':
      return f.error;
    default: {
      const never: never = denied;
      return never;
    }
  }
}
