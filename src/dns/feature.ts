import { createHash } from 'node:crypto';
import type { AdminRoute } from '../admin/index.js';
import { silentLogger, systemClock, type Clock, type EventBus, type Logger } from '../common/index.js';
import { Secret, type DnsConfig } from '../config/dns.js';
import type { DetourConfig } from '../config/types.js';
import type { ProbeFn } from '../health/index.js';
import type { DetourEvent } from '../model/index.js';
import { JsonlAudit, type AuditSink } from './audit.js';
import { DnsController } from './controller.js';
import type { DnsProvider } from './provider.js';
import { createProviders } from './providers/index.js';

/** What the feature needs from the gateway (structurally a subset of Gateway). */
export interface DnsHost {
  readonly bus: EventBus<DetourEvent>;
  readonly observer: string;
}

export interface DnsFeatureOptions {
  logger?: Logger;
  clock?: Clock;
  random?: () => number;
  probe?: ProbeFn;
  /** Builds the adapters (default: the registry in providers/index.ts). */
  providers?: (cfg: DnsConfig) => DnsProvider[];
  audit?: (cfg: DnsConfig) => AuditSink;
}

/**
 * The DNS controller inside `detour start`: probes values, reconciles every provider, and
 * serves GET /api/dns on the admin listener. A reload with a changed `dns:` section replaces
 * the controller (provider loops restart and list again; nothing is rolled back).
 */
export class DnsFeature {
  readonly name = 'dns';
  #cfg: DnsConfig;
  #host: DnsHost | undefined;
  #ctrl: DnsController | undefined;
  #providers: DnsProvider[];
  readonly #o: DnsFeatureOptions;
  readonly #log: Logger;

  constructor(cfg: DnsConfig, opts: DnsFeatureOptions = {}) {
    this.#cfg = cfg;
    this.#o = opts;
    this.#log = opts.logger ?? silentLogger;
    // Fail at startup, before any listener, if an adapter cannot be built.
    this.#providers = (opts.providers ?? createProviders)(cfg);
  }

  get controller(): DnsController | undefined {
    return this.#ctrl;
  }

  async start(host: DnsHost): Promise<void> {
    this.#host = host;
    this.#ctrl = this.#build(this.#cfg, this.#providers);
    await this.#ctrl.start();
    this.#log.info('dns controller started', { zone: this.#cfg.zone, providers: this.#cfg.providers.map((p) => p.name), records: this.#cfg.records.length });
  }

  routes(): AdminRoute[] {
    return [{
      method: 'GET',
      path: '/api/dns',
      handle: (r) => r.send(200, this.#ctrl?.status() ?? { zone: this.#cfg.zone, records: [], providers: [] }),
    }];
  }

  async reload(cfg: DetourConfig): Promise<void> {
    if (cfg.dns === undefined) {
      this.#log.warn('the dns section was removed; the DNS controller stops (records stay as they are)', {});
      await this.#ctrl?.stop();
      this.#ctrl = undefined;
      return;
    }
    if (fingerprint(cfg.dns) === fingerprint(this.#cfg) && this.#ctrl !== undefined) return;
    const providers = (this.#o.providers ?? createProviders)(cfg.dns);
    await this.#ctrl?.stop();
    this.#cfg = cfg.dns;
    this.#providers = providers;
    if (this.#host === undefined) return;
    this.#ctrl = this.#build(cfg.dns, providers);
    await this.#ctrl.start();
    this.#log.info('dns controller reloaded', { zone: cfg.dns.zone });
  }

  async stop(): Promise<void> {
    await this.#ctrl?.stop();
  }

  #build(cfg: DnsConfig, providers: DnsProvider[]): DnsController {
    const host = this.#host!;
    return new DnsController(cfg, providers, {
      bus: host.bus, observer: host.observer, actor: `controller ${host.observer}`,
      audit: (this.#o.audit ?? ((c) => new JsonlAudit(c.audit.path)))(cfg),
      clock: this.#o.clock ?? systemClock, logger: this.#log,
      ...(this.#o.random ? { random: this.#o.random } : {}), ...(this.#o.probe ? { probe: this.#o.probe } : {}),
    });
  }
}

/** `detour start`'s one line: the feature when the config has a dns section. */
export function dnsFeatures(cfg: DetourConfig, logger: Logger): DnsFeature[] {
  return cfg.dns === undefined ? [] : [new DnsFeature(cfg.dns, { logger })];
}

/** Config identity for reload; secrets enter only as a hash. */
function fingerprint(cfg: DnsConfig): string {
  // The replacer sees values after toJSON ("[redacted]"); the holder still has the Secret.
  return JSON.stringify(cfg, function (this: Record<string, unknown>, k: string, v: unknown) {
    const raw = this[k];
    return raw instanceof Secret ? createHash('sha256').update(raw.reveal()).digest('hex') : v;
  });
}
