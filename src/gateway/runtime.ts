import { Balancer, type Pool } from '../balancer/index.js';
import { createClassifier } from '../classify/index.js';
import type { Clock, Logger } from '../common/index.js';
import type { DetourConfig, ServiceConfig } from '../config/types.js';
import { HealthChecker } from '../health/index.js';
import { Endpoint, type HealthModel } from '../model/index.js';
import { OutlierDetector } from '../outlier/index.js';
import { RetryBudget, Router, type ServiceRuntime, type UpstreamOptions } from '../proxy/index.js';

/** One service with the background machinery that watches it. */
export interface ServiceState extends ServiceRuntime {
  readonly pools: readonly Pool[];
  readonly checker: HealthChecker | undefined;
  readonly detector: OutlierDetector | undefined;
  /** JSON of the health config the checker/detector were built from (reused across reloads when equal). */
  readonly healthKey: string;
}

export interface Runtime {
  readonly config: DetourConfig;
  readonly services: readonly ServiceState[];
  readonly router: Router;
  readonly endpoints: ReadonlyMap<string, Endpoint>;
}

export interface BuildDeps {
  model: HealthModel;
  clock: Clock;
  logger: Logger;
  random?: () => number;
}

/**
 * Builds everything the request path reads from a validated config. On reload,
 * `previous` lends its Endpoint records (same service/pool/URL → same object, so
 * health, ejections and drains carry over) and its checkers/detectors when a
 * service's health config did not change.
 */
export function buildRuntime(cfg: DetourConfig, deps: BuildDeps, previous?: Runtime): Runtime {
  const endpoints = new Map<string, Endpoint>();
  const services = cfg.services.map((s) => buildService(s, deps, previous, endpoints));
  return { config: cfg, services, router: new Router(services), endpoints };
}

function buildService(s: ServiceConfig, deps: BuildDeps, previous: Runtime | undefined, all: Map<string, Endpoint>): ServiceState {
  const pools: Pool[] = s.pools.map((p) => ({
    name: p.name, priority: p.priority, provider: p.provider, region: p.region, hostHeader: p.hostHeader,
    endpoints: p.endpoints.map((e) => {
      const id = `${s.name}/${p.name}/${e.url}`;
      const old = previous?.endpoints.get(id);
      const servername = e.servername ?? p.hostHeader;
      let ep: Endpoint;
      if (old && old.weight === e.weight && old.servername === servername && old.provider === p.provider && old.region === p.region) ep = old;
      else {
        ep = new Endpoint(s.name, p.name, p.provider, p.region, e.url, e.weight, servername, deps.clock.now());
        if (old) {
          carryHealth(old, ep);
          deps.model.settle(ep, 'config', 'endpoint settings changed by a config reload');
        }
      }
      all.set(id, ep);
      return ep;
    }),
  }));
  const healthKey = JSON.stringify(s.health);
  const prev = previous?.services.find((x) => x.name === s.name && x.healthKey === healthKey);
  const checker = prev?.checker ?? (s.health.active ? new HealthChecker({
    model: deps.model, cfg: s.health.active, logger: deps.logger,
    targetFor: (ep: Endpoint) => {
      const p = s.pools.find((x) => x.name === ep.pool);
      return { host: p?.hostHeader, ca: p?.tls?.ca, insecure: p?.tls?.insecureSkipVerify ?? false };
    },
    ...(deps.random ? { random: deps.random } : {}),
  }) : undefined);
  const detector = prev?.detector ?? (s.health.passive.enabled ? new OutlierDetector({
    model: deps.model, cfg: s.health.passive, logger: deps.logger,
    activeHealthyThreshold: s.health.active?.healthyThreshold,
  }) : undefined);
  if (checker && detector && !prev) checker.onResult((ep, r) => detector.noteActiveResult(ep, r.ok));
  detector?.setPools(pools);
  const upstream = new Map<string, UpstreamOptions>(s.pools.map((p) => [p.name, {
    connectTimeout: s.timeouts.connect, bodyIdleTimeout: s.timeouts.perTry,
    ca: p.tls?.ca, insecure: p.tls?.insecureSkipVerify ?? false,
  }]));
  const balancer = new Balancer(pools, {
    kind: s.balancer, slowStart: s.slowStart, allDown: s.allDown, clock: deps.clock,
    ...(deps.random ? { random: deps.random } : {}),
  });
  return {
    name: s.name, config: s, pools, balancer, checker, detector, healthKey, upstream,
    classifier: createClassifier({ providers: s.classify.providers, rules: s.classify.rules }),
    passive: detector, budget: new RetryBudget(s.retry.budgetRatio, s.retry.minRetriesPerSecond, deps.clock),
  };
}

/** A changed endpoint (new weight, SNI…) keeps what was observed about it. */
function carryHealth(from: Endpoint, to: Endpoint): void {
  to.active = from.active;
  to.drained = from.drained;
  to.health = from.health;
  to.reason = from.reason;
  to.since = from.since;
  to.routableSince = from.routableSince;
  // An ejection belongs to the detector that scheduled its end; a new record starts un-ejected.
  to.outlier = { state: 'ok', ejections: from.outlier.ejections, lastEjectedAt: undefined };
}
