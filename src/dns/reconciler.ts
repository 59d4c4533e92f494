import { silentLogger, type Clock, type EventBus, type Logger } from '../common/index.js';
import { isDetourError, type ErrorCode } from '../errors/index.js';
import type { DetourEvent } from '../model/index.js';
import { auditEntries, type AuditSink } from './audit.js';
import { backoffDelay } from './backoff.js';
import { planChanges, type Conflict, type DesiredRecord, type Plan } from './planner.js';
import type { Change, DnsProvider, RecordSet } from './provider.js';
import { assessSafety, healthSwitches, type SafetyLimits } from './safety.js';
import { applyToSnapshot } from './snapshot.js';

/** What the controller wants published now. */
export interface DesiredState {
  records: readonly DesiredRecord[];
  /** The names to list: managed names and their ownership markers. */
  names: readonly string[];
  /** Why a name has its current desired value (goes into the audit log). */
  reasonFor(name: string): string;
}

export interface ReconcileTiming {
  /** Resync period when in sync (catches drift made by hand at the provider). */
  interval: number;
  /** Deadline of one round (list + apply). */
  timeout: number;
  backoff: number;
  maxBackoff: number;
}

export interface ReconcilerOptions {
  provider: DnsProvider;
  zone: string;
  owner: string;
  safety: SafetyLimits;
  timing: ReconcileTiming;
  desired: () => DesiredState;
  audit: AuditSink;
  actor: string;
  bus: EventBus<DetourEvent>;
  observer: string;
  clock: Clock;
  random?: () => number;
  logger?: Logger;
}

export type ProviderState = 'starting' | 'syncing' | 'in-sync' | 'retrying' | 'blocked';

export interface ProviderStatus {
  name: string;
  type: string;
  zone: string;
  state: ProviderState;
  lastSuccess: number | null;
  lastAttempt: number | null;
  lastError: { at: number; code: string; message: string } | null;
  /** Changes still to make, against what this provider was last seen to hold. */
  pending: Change[];
  conflicts: Conflict[];
  consecutiveFailures: number;
  nextAttemptAt: number | null;
  changesApplied: number;
}

/**
 * One provider's reconcile loop: list → plan → safety → apply, then again on every change
 * of the desired state and every `interval` (drift). Each provider has its own loop, timers
 * and backoff, so one provider whose API is down (timeouts, 5xx, InternalError envelopes)
 * delays nobody else and rolls nothing back; when it answers again, the next round plans
 * against what it actually holds and catches up.
 *
 * While backing off, a new desired state waits for the scheduled retry instead of hammering
 * a failing API; the retry uses the newest desired state.
 */
export class ProviderReconciler {
  readonly #o: ReconcilerOptions;
  readonly #log: Logger;
  readonly #random: () => number;
  #timer: NodeJS.Timeout | undefined;
  #nextAt: number | null = null;
  #running: Promise<void> | undefined;
  #abort: AbortController | undefined;
  #dirty = false;
  #stopped = true;
  #state: ProviderState = 'starting';
  #failures = 0;
  #lastSuccess: number | null = null;
  #lastAttempt: number | null = null;
  #lastError: ProviderStatus['lastError'] = null;
  #lastErrorKey = '';
  #known: RecordSet[] | undefined;
  #conflicts: Conflict[] = [];
  #applied = 0;

  constructor(opts: ReconcilerOptions) {
    this.#o = opts;
    this.#log = opts.logger ?? silentLogger;
    this.#random = opts.random ?? Math.random;
  }

  get name(): string {
    return this.#o.provider.name;
  }

  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  /** The desired state changed: converge now (or at the pending retry, when backing off). */
  kick(): void {
    if (this.#stopped) return;
    if (this.#running !== undefined) this.#dirty = true;
    else if (this.#failures === 0 || this.#timer === undefined) this.#schedule(0);
  }

  /** Resolves when the round in flight (if any) has finished. */
  async idle(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#abort?.abort();
    await this.idle();
  }

  status(): ProviderStatus {
    const p = this.#o.provider;
    return {
      name: p.name, type: p.type, zone: this.#o.zone, state: this.#state,
      lastSuccess: this.#lastSuccess, lastAttempt: this.#lastAttempt, lastError: this.#lastError,
      pending: this.#known === undefined ? [] : this.#plan(this.#known, this.#o.desired()).changes,
      conflicts: this.#conflicts, consecutiveFailures: this.#failures, nextAttemptAt: this.#nextAt, changesApplied: this.#applied,
    };
  }

  #schedule(delay: number): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    this.#nextAt = this.#o.clock.now() + delay;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#nextAt = null;
      this.#running = this.#round().finally(() => (this.#running = undefined));
    }, delay);
    this.#timer.unref();
  }

  #plan(current: readonly RecordSet[], desired: DesiredState): Plan {
    return planChanges({ owner: this.#o.owner, limits: this.#o.provider.limits, desired: desired.records, current });
  }

  async #round(): Promise<void> {
    this.#dirty = false;
    this.#state = 'syncing';
    const started = this.#o.clock.now();
    this.#lastAttempt = started;
    const abort = (this.#abort = new AbortController());
    const deadline = setTimeout(() => abort.abort(new Error(`round timed out after ${this.#o.timing.timeout}ms`)), this.#o.timing.timeout);
    deadline.unref();
    const desired = this.#o.desired();
    let plan: Plan | undefined;
    try {
      const current = await this.#o.provider.list(this.#o.zone, desired.names, abort.signal);
      this.#known = current;
      plan = this.#plan(current, desired);
      this.#conflicts = plan.conflicts;
      const verdict = assessSafety(plan, desired.records, this.#o.safety);
      if (!verdict.safe) {
        // A failover never waits for a human: health-driven switches go through, the rest waits.
        const switches = healthSwitches(plan.changes, desired.records);
        if (switches.length > 0) await this.#apply(current, switches, desired, started, abort.signal);
        const refused = plan.changes.filter((c) => !switches.includes(c));
        return this.#blocked('DETOUR_DNS_UNSAFE_PLAN', `plan refused: ${verdict.reasons.join('; ')}; review "detour dns plan" and run "detour dns apply --force"`, refused, desired);
      }
      if (plan.changes.length > 0) await this.#apply(current, plan.changes, desired, started, abort.signal);
      this.#succeeded(plan);
    } catch (err) {
      this.#failed(err, plan);
    } finally {
      clearTimeout(deadline);
      this.#abort = undefined;
    }
  }

  async #apply(current: readonly RecordSet[], changes: readonly Change[], desired: DesiredState, started: number, signal: AbortSignal): Promise<void> {
    const ctx = { at: started, actor: this.#o.actor, provider: this.name, zone: this.#o.zone, reasonFor: desired.reasonFor };
    try {
      await this.#o.provider.apply(this.#o.zone, changes, signal);
    } catch (err) {
      await this.#audit(auditEntries(changes, ctx, 'failed', describe(err).message));
      throw err;
    }
    this.#known = applyToSnapshot(current, changes);
    this.#applied += changes.length;
    await this.#audit(auditEntries(changes, { ...ctx, at: this.#o.clock.now() }, 'ok'));
    this.#emit({ ok: true, changes: changes.length, attempt: 1 });
  }

  #succeeded(plan: Plan): void {
    const recovered = this.#failures > 0;
    this.#failures = 0;
    this.#lastSuccess = this.#o.clock.now();
    if (plan.conflicts.length > 0) {
      const message = plan.conflicts.map((c) => c.message).join('; ');
      this.#setError('DETOUR_DNS_NOT_OWNED', message, 'not-owned');
      this.#state = 'blocked';
    } else {
      this.#state = 'in-sync';
      this.#lastErrorKey = '';
    }
    if (recovered && plan.changes.length === 0) this.#emit({ ok: true, changes: 0, attempt: 1 });
    if (plan.changes.length > 0 || recovered) this.#log.info('dns provider in sync', { provider: this.name, changes: plan.changes.length, recovered });
    this.#schedule(this.#dirty ? 0 : this.#o.timing.interval);
  }

  #blocked(code: ErrorCode, message: string, changes: readonly Change[], desired: DesiredState): void {
    this.#state = 'blocked';
    this.#failures = 0; // the API answered; this is a policy stop, not an outage
    if (this.#setError(code, message, 'unsafe-plan')) {
      void this.#audit(auditEntries(changes, { at: this.#o.clock.now(), actor: this.#o.actor, provider: this.name, zone: this.#o.zone, reasonFor: desired.reasonFor }, 'refused', message));
    }
    // Only health-driven switches pass until the config changes or someone applies with --force.
    this.#schedule(this.#dirty ? 0 : this.#o.timing.interval);
  }

  #failed(err: unknown, plan: Plan | undefined): void {
    this.#failures++;
    const { code, message, retryable } = describe(err);
    this.#lastError = { at: this.#o.clock.now(), code, message };
    // A refusal (bad key, no permission) needs a human: retry only at the slowest pace.
    const delay = retryable
      ? backoffDelay(this.#failures, this.#o.timing.backoff, this.#o.timing.maxBackoff, this.#random)
      : this.#o.timing.maxBackoff;
    this.#state = 'retrying';
    this.#emit({ ok: false, changes: plan?.changes.length ?? 0, attempt: this.#failures, error: message, code, nextRetryMs: delay });
    this.#log.warn('dns provider sync failed', { provider: this.name, code, error: message, attempt: this.#failures, retryInMs: delay });
    this.#schedule(delay);
  }

  /** Records the problem; raises an alert (and returns true) only when it is new, not on every resync. */
  #setError(code: ErrorCode, message: string, kind: 'unsafe-plan' | 'not-owned'): boolean {
    const at = this.#o.clock.now();
    this.#lastError = { at, code, message };
    if (this.#lastErrorKey === `${code} ${message}`) return false;
    this.#lastErrorKey = `${code} ${message}`;
    this.#o.bus.emit({ type: 'dns.alert', at, observer: this.#o.observer, kind, message, provider: this.name });
    this.#log.warn('dns provider blocked', { provider: this.name, code, error: message });
    return true;
  }

  #emit(e: { ok: boolean; changes: number; attempt: number; error?: string; code?: string; nextRetryMs?: number }): void {
    this.#o.bus.emit({ type: 'dns.provider', at: this.#o.clock.now(), observer: this.#o.observer, provider: this.name, ...e });
  }

  async #audit(entries: Parameters<AuditSink['write']>[0]): Promise<void> {
    try {
      await this.#o.audit.write(entries);
    } catch (err) {
      this.#log.error('dns audit log write failed', { provider: this.name, error: String(err) });
    }
  }
}

export function describe(err: unknown): { code: string; message: string; retryable: boolean } {
  if (isDetourError(err)) return { code: err.code, message: err.message, retryable: err.retryable };
  const message = err instanceof Error ? err.message : String(err);
  // Unknown errors (an SDK's own, a bug) are retried: giving up would leave the provider stale.
  return { code: 'DETOUR_DNS_PROVIDER_UNAVAILABLE', message, retryable: true };
}
