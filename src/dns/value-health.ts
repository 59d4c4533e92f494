import { EventBus, silentLogger, type Clock, type Logger } from '../common/index.js';
import type { DnsRecordConfig } from '../config/dns.js';
import { HealthChecker, type ProbeFn } from '../health/index.js';
import { Endpoint, HealthModel, type DetourEvent } from '../model/index.js';
import type { Observation } from './quorum.js';

export interface ValueHealthOptions {
  records: readonly DnsRecordConfig[];
  observer: string;
  clock: Clock;
  logger?: Logger;
  random?: () => number;
  /** Replaces probeHttp/probeTcp (unit tests only). */
  probe?: ProbeFn;
  /** Every applied check result, as this vantage point's observation; `changed` when its opinion flipped. */
  onObservation(o: Observation, changed: boolean): void;
}

interface Target {
  record: string;
  value: string;
}

/**
 * Probes every value of every health-checked record with the gateway's own health checker
 * (src/health: fresh connection per probe, HTTP/TCP, expect rules, thresholds through
 * `nextActive`). Each value becomes an `Endpoint` whose URL is the record's template with
 * `{value}` filled in, checked by one HealthChecker per record. Its HealthModel publishes on a
 * private bus: DNS values are not gateway endpoints and must not move gateway traffic or
 * metrics; what leaves this class is an Observation.
 */
export class ValueHealth {
  readonly #checkers: Array<{ checker: HealthChecker; endpoints: Endpoint[] }> = [];
  readonly #targets = new Map<Endpoint, Target>();
  readonly #last = new Map<Endpoint, boolean>();

  constructor(opts: ValueHealthOptions) {
    const model = new HealthModel(new EventBus<DetourEvent>(), opts.clock, opts.observer);
    for (const rec of opts.records) {
      if (rec.health === undefined) continue;
      const checker = new HealthChecker({
        model, cfg: rec.health.check, logger: opts.logger ?? silentLogger,
        ...(opts.random ? { random: opts.random } : {}), ...(opts.probe ? { probe: opts.probe } : {}),
      });
      const endpoints: Endpoint[] = [];
      for (const value of new Set(rec.pools.flatMap((p) => p.values))) {
        const url = new URL(fillTemplate(rec.health.url, value, rec.type));
        // The origin-like part only: the path is the check's `path`. (tcp:// has no WHATWG origin.)
        const ep = new Endpoint('dns', rec.name, undefined, undefined, `${url.protocol}//${url.host}`, 1, undefined, opts.clock.now());
        this.#targets.set(ep, { record: rec.name, value });
        endpoints.push(ep);
      }
      checker.onResult((ep, result) => {
        const t = this.#targets.get(ep);
        if (t === undefined) return;
        const healthy = ep.active.state !== 'unhealthy';
        const reason = ep.active.state === 'unhealthy' ? ep.active.reason : result.ok ? 'check passed' : `${result.reason} (below unhealthyThreshold)`;
        const changed = this.#last.get(ep) !== healthy;
        this.#last.set(ep, healthy);
        opts.onObservation({ observer: opts.observer, record: t.record, value: t.value, healthy, at: opts.clock.now(), reason }, changed);
      });
      this.#checkers.push({ checker, endpoints });
    }
  }

  /** Checks every value once now (results go to onObservation), then keeps checking on the interval. */
  async start(): Promise<void> {
    // start() arms a slightly jittered first check; checkNow() replaces it with one right now,
    // after which the schedule continues from the end of that check.
    for (const { checker, endpoints } of this.#checkers) checker.start(endpoints);
    await this.checkOnce();
  }

  /** One check of every value, no schedule (for `detour dns plan/apply`). */
  async checkOnce(): Promise<void> {
    await Promise.all(this.#checkers.flatMap(({ checker, endpoints }) => endpoints.map((ep) => checker.checkNow(ep))));
  }

  async stop(): Promise<void> {
    await Promise.all(this.#checkers.map(({ checker }) => checker.stop()));
  }
}

/** `{value}` → the value; an IPv6 address goes in brackets in a URL host (RFC 3986 §3.2.2). */
export function fillTemplate(template: string, value: string, type: DnsRecordConfig['type']): string {
  if (type !== 'AAAA') return template.replaceAll('{value}', value);
  return template.replaceAll('[{value}]', '{value}').replaceAll('{value}', `[${value}]`);
}
