export { handleRequest, type ProxyEnv } from './pipeline.js';
export { ProxyServer } from './server.js';
export { Router, normalizeHost } from './router.js';
export { Upstreams, type UpstreamOptions } from './upstreams.js';
export { RetryBudget } from './retry-budget.js';
export { nullObserver, type PassiveSink, type ProxyObserver, type ServiceRuntime } from './service.js';
export type { RequestContext, AttemptRecord } from './context.js';
export type { FailureKind } from './failure.js';
