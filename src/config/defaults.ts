import type { RetryOn } from './types.js';

export const PROVIDERS = ['tencent', 'aliyun', 'aws', 'huawei'] as const;
export const RETRY_ON = ['connect-failure', 'reset', 'timeout', '5xx', 'cloud-error'] as const satisfies readonly RetryOn[];
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export const BALANCERS = ['p2c', 'round-robin'] as const;
export const ALL_DOWN = ['fail-open', 'fail-closed'] as const;
export const HEALTH_TYPES = ['http', 'tcp'] as const;
export const HEALTH_METHODS = ['GET', 'HEAD'] as const;

/**
 * Every default in one place, so README, `detour check` and the loader cannot disagree.
 * Durations are milliseconds, sizes bytes.
 */
export const DEFAULTS = {
  listen: { host: '127.0.0.1', port: 8080 },
  admin: { host: '127.0.0.1', port: 9901, stateFile: './detour-state.json' },
  maxReplayBytes: 64 * 1024,
  drainTimeout: 30_000,
  logLevel: 'info',
  serviceName: 'default',
  pathPrefix: '/',
  weight: 1,
  active: {
    type: 'http',
    path: '/healthz',
    method: 'GET',
    interval: 2_000,
    timeout: 1_000,
    healthyThreshold: 2,
    unhealthyThreshold: 2,
    jitter: 0.1,
    status: [[200, 399]],
  },
  passive: {
    enabled: true,
    consecutiveFailures: 5,
    failureRatio: 0.5,
    minRequests: 20,
    window: 10_000,
    baseEjection: 30_000,
    maxEjection: 300_000,
    maxEjectionPercent: 100,
    cloudErrors: 5,
  },
  classifyMaxBodyBytes: 8 * 1024,
  retry: {
    attempts: 3,
    budgetRatio: 0.2,
    minRetriesPerSecond: 10, // Finagle's default floor
    on: RETRY_ON,
    // RFC 9110 §9.2.2: the idempotent methods, safe to resend after the endpoint saw them.
    idempotentMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'],
  },
  timeouts: { connect: 1_000, perTry: 5_000, total: 15_000 },
  balancer: 'p2c',
  slowStart: 30_000,
  allDown: 'fail-open',
} as const;

