/**
 * Active health checking: probes each endpoint on a fresh connection and drives
 * `ep.active` through thresholds. Kept free of proxy and outlier imports so the DNS
 * controller can reuse the probe; the gateway wires `onResult` into outlier detection.
 */
export { HealthChecker, type HealthCheckerOptions, type ProbeFn, type ResultListener } from './checker.js';
export {
  probe,
  probeHttp,
  probeTcp,
  formatRanges,
  MAX_PROBE_BODY_BYTES,
  type ProbeResult,
  type ProbeTarget,
  type ProbeTargetExtras,
  type HttpProbeConfig,
  type TcpProbeConfig,
} from './probe.js';
export { nextActive, type Thresholds } from './transition.js';
