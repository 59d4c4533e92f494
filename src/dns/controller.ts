import { silentLogger, type Clock, type EventBus, type Logger } from '../common/index.js';
import type { DnsConfig, DnsRecordConfig } from '../config/dns.js';
import type { ProbeFn } from '../health/index.js';
import type { DetourEvent } from '../model/index.js';
import { chooseAnswer, sameAnswer, type Answer } from './answer.js';
import type { AuditSink } from './audit.js';
import { namesToList, RECORD_TYPES } from './names.js';
import type { DesiredRecord } from './planner.js';
import type { DnsProvider } from './provider.js';
import { decide, ObservationStore, type Observation, type QuorumRule, type ValueState } from './quorum.js';
import { ProviderReconciler, type DesiredState, type ProviderStatus } from './reconciler.js';
import { ValueHealth } from './value-health.js';

export interface DnsControllerOptions {
  bus: EventBus<DetourEvent>;
  /** This instance's vantage point (the gateway's observer name). */
  observer: string;
  audit: AuditSink;
  /** Who appears in the audit log, e.g. "controller host:pid". */
  actor: string;
  clock: Clock;
  logger?: Logger;
  random?: () => number;
  probe?: ProbeFn;
}

interface RecordState {
  rec: DnsRecordConfig;
  values: Map<string, ValueState>;
  answer: Answer | undefined;
  since: number;
}

/**
 * The DNS failover controller: value health (probes + quorum) → one answer per record →
 * the desired state that every provider's reconcile loop converges on independently.
 */
export class DnsController {
  readonly store = new ObservationStore();
  readonly #cfg: DnsConfig;
  readonly #o: DnsControllerOptions;
  readonly #log: Logger;
  readonly #records = new Map<string, RecordState>();
  readonly #reconcilers: ProviderReconciler[];
  readonly #health: ValueHealth;
  #desired: DesiredState;
  #started = false;

  constructor(cfg: DnsConfig, providers: readonly DnsProvider[], opts: DnsControllerOptions) {
    this.#cfg = cfg;
    this.#o = opts;
    this.#log = opts.logger ?? silentLogger;
    for (const rec of cfg.records) this.#records.set(key(rec), { rec, values: new Map(), answer: undefined, since: opts.clock.now() });
    this.#desired = this.#buildDesired();
    this.#health = new ValueHealth({
      records: cfg.records, observer: opts.observer, clock: opts.clock, logger: this.#log,
      ...(opts.random ? { random: opts.random } : {}), ...(opts.probe ? { probe: opts.probe } : {}),
      onObservation: (o, changed) => {
        if (changed) opts.bus.emit({ type: 'dns.observation', at: o.at, observer: o.observer, record: o.record, value: o.value, healthy: o.healthy, reason: o.reason });
        this.observe(o);
      },
    });
    const byName = new Map(cfg.providers.map((p) => [p.name, p]));
    this.#reconcilers = providers.map((provider) => new ProviderReconciler({
      provider, zone: byName.get(provider.name)?.zone ?? cfg.zone, owner: cfg.owner, safety: cfg.safety, timing: cfg.reconcile,
      desired: () => this.#desired, audit: opts.audit, actor: opts.actor, bus: opts.bus, observer: opts.observer, clock: opts.clock,
      logger: this.#log, ...(opts.random ? { random: opts.random } : {}),
    }));
  }

  /** Checks every value once, publishes the first answers, then starts every provider's loop. */
  async start(): Promise<void> {
    await this.#health.start();
    this.#started = true;
    this.#evaluateAll();
    for (const r of this.#reconcilers) r.start();
  }

  /** One round of checks and answers without loops (for `detour dns plan/apply`). */
  async evaluateOnce(): Promise<DesiredState> {
    await this.#health.checkOnce();
    this.#started = true;
    this.#evaluateAll();
    return this.#desired;
  }

  async stop(): Promise<void> {
    await this.#health.stop();
    await Promise.all(this.#reconcilers.map((r) => r.stop()));
  }

  /** An observation from this or another vantage point (a cluster transport calls this). */
  observe(o: Observation): void {
    this.store.record(o);
    if (!this.#started) return;
    for (const s of this.#records.values()) {
      if (s.rec.name === o.record && s.rec.pools.some((p) => p.values.includes(o.value))) this.#evaluate(s);
    }
  }

  get desired(): DesiredState {
    return this.#desired;
  }

  get reconcilers(): readonly ProviderReconciler[] {
    return this.#reconcilers;
  }

  /** The GET /api/dns document. */
  status(): DnsStatus {
    const now = this.#o.clock.now();
    return {
      zone: this.#cfg.zone, owner: this.#cfg.owner, observer: this.#o.observer, quorum: this.#cfg.quorum,
      records: [...this.#records.values()].map((s) => ({
        name: s.rec.name, type: s.rec.type, answer: s.answer?.values ?? [], priority: s.answer?.priority ?? null,
        reason: s.answer?.reason ?? 'not evaluated yet', degraded: s.answer?.degraded ?? false, since: s.since,
        values: s.rec.pools.flatMap((p) => p.values.map((value) => ({
          value, priority: p.priority, state: s.values.get(value) ?? 'unknown',
          observations: this.store.get(s.rec.name, value).map((o) => ({ observer: o.observer, healthy: o.healthy, reason: o.reason, at: o.at, ageMs: now - o.at })),
        }))),
      })),
      providers: this.#reconcilers.map((r) => r.status()),
    };
  }

  #rule(rec: DnsRecordConfig): QuorumRule {
    const c = rec.health?.check;
    // Three missed rounds of the slowest schedule: an observer that stopped reporting loses its vote.
    const maxAge = this.#cfg.observationMaxAge ?? (c === undefined ? 60_000 : 3 * (Math.max(c.interval, c.unhealthyInterval) + c.timeout));
    return { quorum: this.#cfg.quorum, maxAge };
  }

  #evaluateAll(): void {
    for (const s of this.#records.values()) this.#evaluate(s);
  }

  #evaluate(s: RecordState): void {
    const now = this.#o.clock.now();
    const rule = this.#rule(s.rec);
    for (const value of s.rec.pools.flatMap((p) => p.values)) {
      s.values.set(value, decide(s.values.get(value) ?? 'unknown', this.store.get(s.rec.name, value), rule, now));
    }
    const next = chooseAnswer(s.rec, (v) => s.values.get(v) ?? 'unknown', s.answer);
    const prev = s.answer;
    if (next.degraded && prev?.degraded !== true) {
      this.#o.bus.emit({ type: 'dns.alert', at: now, observer: this.#o.observer, kind: 'all-down', record: s.rec.name, message: `${s.rec.name} ${s.rec.type}: ${next.reason}` });
      this.#log.error('dns: every value of a record is down', { record: s.rec.name, type: s.rec.type, answer: next.values });
    }
    s.answer = next;
    if (sameAnswer(prev, next)) return;
    s.since = now;
    this.#o.bus.emit({
      type: 'dns.answer', at: now, observer: this.#o.observer, record: s.rec.name, rrtype: s.rec.type,
      from: prev?.values ?? [], to: next.values, priority: next.priority, reason: next.reason,
    });
    this.#desired = this.#buildDesired();
    for (const r of this.#reconcilers) r.kick();
  }

  #buildDesired(): DesiredState {
    const records: DesiredRecord[] = [];
    const reasons = new Map<string, string>();
    for (const s of this.#records.values()) {
      if (s.answer === undefined) continue;
      records.push({
        set: { name: s.rec.name, type: s.rec.type, ttl: s.rec.ttl ?? this.#cfg.ttl, values: s.answer.values },
        allowed: s.rec.pools.flatMap((p) => p.values), adopt: s.rec.adopt,
      });
      reasons.set(s.rec.name, s.answer.reason);
    }
    return { records, names: namesToList(this.#cfg.records, RECORD_TYPES), reasonFor: (name) => reasons.get(name) ?? 'desired state from config' };
  }
}

function key(rec: DnsRecordConfig): string {
  return `${rec.name} ${rec.type}`;
}

export interface DnsStatus {
  zone: string;
  owner: string;
  observer: string;
  quorum: number | 'majority';
  records: Array<{
    name: string; type: string; answer: string[]; priority: number | null; reason: string; degraded: boolean; since: number;
    values: Array<{ value: string; priority: number; state: ValueState; observations: Array<{ observer: string; healthy: boolean; reason: string; at: number; ageMs: number }> }>;
  }>;
  providers: ProviderStatus[];
}
