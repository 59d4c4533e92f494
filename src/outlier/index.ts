/**
 * Passive outlier detection from live traffic: consecutive-failure and failure-ratio
 * rules, ejection with Envoy's multiplying backoff, return gated on active checks.
 * Independent of health/: the gateway feeds HealthChecker results into noteActiveResult.
 */
export {
  OutlierDetector,
  type FailureKind,
  type Outcome,
  type OutlierDetectorOptions,
  type OutlierStats,
  type PoolStats,
} from './detector.js';
export { SlidingWindow } from './window.js';
export { decayEjections, ejectionDuration } from './backoff.js';
