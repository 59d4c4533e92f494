import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Change, RecordSet } from './provider.js';

/** One line of the audit log: who changed what, why, and what it was before and after. */
export interface AuditEntry {
  at: string; // ISO 8601
  /** Who: "detour dns apply (user@host)" or "controller host:pid". */
  actor: string;
  /** Why: the answer change, "config", "drift", "--force". */
  reason: string;
  provider: string;
  zone: string;
  op: Change['op'];
  name: string;
  type: RecordSet['type'];
  before: RecordSet | null;
  after: RecordSet | null;
  result: 'ok' | 'failed' | 'refused';
  error?: string;
}

export interface AuditSink {
  write(entries: readonly AuditEntry[]): Promise<void>;
}

/**
 * Append-only JSON Lines file (one entry per line). Every write opens with O_APPEND, so
 * concurrent writers (CLI apply while the controller runs) interleave whole lines, and
 * nothing ever rewrites or truncates the file. Entries are written after each apply with its
 * outcome, failures included.
 */
export class JsonlAudit implements AuditSink {
  #chain: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  write(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return this.#chain;
    const text = entries.map((e) => JSON.stringify(e)).join('\n') + '\n';
    // Serialized so one process's lines come out in order.
    const next = this.#chain.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await appendFile(this.path, text, { flag: 'a', mode: 0o640 });
    });
    this.#chain = next.catch(() => undefined);
    return next;
  }
}

export function auditEntries(
  changes: readonly Change[],
  ctx: { at: number; actor: string; provider: string; zone: string; reasonFor: (name: string) => string },
  result: AuditEntry['result'],
  error?: string,
): AuditEntry[] {
  return changes.map((c) => {
    const s = c.op === 'create' ? c.after : c.before;
    return {
      at: new Date(ctx.at).toISOString(), actor: ctx.actor, reason: ctx.reasonFor(s.name), provider: ctx.provider, zone: ctx.zone,
      op: c.op, name: s.name, type: s.type, before: c.op === 'create' ? null : c.before, after: c.op === 'delete' ? null : c.after,
      result, ...(error !== undefined ? { error } : {}),
    };
  });
}
