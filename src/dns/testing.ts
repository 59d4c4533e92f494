/**
 * Test doubles for unit tests of the controller logic on fake timers (integration tests use
 * real BIND and the provider emulators). Not exported from index.ts.
 */
import { DetourError } from '../errors/index.js';
import type { AuditEntry, AuditSink } from './audit.js';
import { setKey } from './names.js';
import type { Change, DnsProvider, RecordSet } from './provider.js';
import { applyToSnapshot } from './snapshot.js';

/** An in-memory provider whose API can be switched down (retryable), refusing, or hanging. */
export class MemoryProvider implements DnsProvider {
  readonly type = 'memory';
  readonly limits = { minTtl: 0, maxTtl: 86_400 };
  sets: RecordSet[] = [];
  mode: 'up' | 'down' | 'refuse' | 'hang' = 'up';
  /** Fail `apply` only (list works): an API failing mid-change. */
  failApply = false;
  calls: Array<{ op: 'list' | 'apply'; at: number; ok: boolean }> = [];

  constructor(readonly name: string, private readonly now: () => number = Date.now) {}

  get(name: string, type: RecordSet['type']): RecordSet | undefined {
    return this.sets.find((s) => setKey(s) === setKey({ name, type }));
  }

  async list(_zone: string, names: readonly string[], signal: AbortSignal): Promise<RecordSet[]> {
    await this.#gate('list', signal);
    return this.sets.filter((s) => names.includes(s.name)).map((s) => ({ ...s, values: [...s.values] }));
  }

  async apply(_zone: string, changes: readonly Change[], signal: AbortSignal): Promise<void> {
    await this.#gate('apply', signal);
    if (this.failApply) {
      // Half written, then an InternalError: the rest must come in a later round.
      this.sets = applyToSnapshot(this.sets, changes.slice(0, Math.floor(changes.length / 2)));
      this.calls[this.calls.length - 1]!.ok = false;
      throw new DetourError('DETOUR_DNS_PROVIDER_UNAVAILABLE', `${this.name}: InternalError`);
    }
    this.sets = applyToSnapshot(this.sets, changes);
  }

  async #gate(op: 'list' | 'apply', signal: AbortSignal): Promise<void> {
    const call = { op, at: this.now(), ok: this.mode === 'up' };
    this.calls.push(call);
    switch (this.mode) {
      case 'up':
        return;
      case 'down':
        throw new DetourError('DETOUR_DNS_PROVIDER_UNAVAILABLE', `${this.name}: HTTP 503`);
      case 'refuse':
        throw new DetourError('DETOUR_DNS_PROVIDER_REJECTED', `${this.name}: AuthFailure`);
      case 'hang':
        await new Promise<never>((_r, reject) => signal.addEventListener('abort', () => reject(new DetourError('DETOUR_DNS_PROVIDER_UNAVAILABLE', `${this.name}: aborted: ${String(signal.reason)}`)), { once: true }));
        return;
      default: {
        const never: never = this.mode;
        return never;
      }
    }
  }
}

export class MemoryAudit implements AuditSink {
  entries: AuditEntry[] = [];
  async write(entries: readonly AuditEntry[]): Promise<void> {
    this.entries.push(...entries);
  }
}

/** Lets promise chains settle between fake-timer ticks. */
export async function flush(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}
