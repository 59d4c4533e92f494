import type { Change, RecordSet } from './provider.js';
import { parseMarkerName } from './names.js';
import type { ProviderOutcome } from './oneshot.js';

/** The per-provider diff, as `detour dns plan` prints it. */
export function formatOutcomes(outcomes: readonly ProviderOutcome[]): string {
  const lines: string[] = [];
  for (const o of outcomes) {
    const head = `provider ${o.provider} (${o.type}), zone ${o.zone}`;
    if (o.status === 'failed') {
      lines.push(`${head}: FAILED ${o.error.code}: ${o.error.message}`);
      if (o.plan) lines.push(...o.plan.changes.map((c) => `  ${formatChange(c)}  (not applied)`));
      lines.push('');
      continue;
    }
    const n = o.plan.changes.length;
    const verb = { planned: n === 0 ? 'in sync' : `${n} change(s) to make`, applied: `${n} change(s) applied`, refused: `REFUSED, ${n} change(s) not applied` }[o.status];
    lines.push(`${head}: ${verb}`);
    lines.push(...o.plan.changes.map((c) => `  ${formatChange(c)}`));
    for (const c of o.plan.conflicts) lines.push(`  ! left alone: ${c.message}`);
    for (const note of o.plan.notes) lines.push(`  note: ${note}`);
    if (!o.verdict.safe) lines.push(...o.verdict.reasons.map((r) => `  ! unsafe: ${r}${o.status === 'applied' ? ' (applied with --force)' : '; apply needs --force'}`));
    lines.push('');
  }
  return lines.join('\n').trimEnd();
}

export function formatChange(c: Change): string {
  switch (c.op) {
    case 'create':
      return `+ ${set(c.after)}${marker(c.after)}`;
    case 'update':
      return `~ ${c.after.name} ${c.after.type} ${ttl(c.before, c.after)} ${c.before.values.join(' ')} -> ${c.after.values.join(' ')}${marker(c.after)}`;
    case 'delete':
      return `- ${set(c.before)}${marker(c.before)}`;
    default: {
      const never: never = c;
      return never;
    }
  }
}

const set = (s: RecordSet): string => `${s.name} ${s.type} ${s.ttl} ${s.values.map((v) => (s.type === 'TXT' ? JSON.stringify(v) : v)).join(' ')}`;
const ttl = (a: RecordSet, b: RecordSet): string => (a.ttl === b.ttl ? String(b.ttl) : `${a.ttl}->${b.ttl}`);
const marker = (s: RecordSet): string => (parseMarkerName(s.name) !== undefined ? '  (ownership marker)' : '');
