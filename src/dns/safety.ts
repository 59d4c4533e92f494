import type { Change } from './provider.js';
import type { DesiredRecord, Plan } from './planner.js';
import { parseMarkerName, setKey } from './names.js';

export interface SafetyLimits {
  /** Share (0–1) of existing record sets that one apply may update or delete. */
  maxChangeShare: number;
  /** The share rule only applies from this many existing record sets on (octoDNS: 10). */
  minExisting: number;
}

export interface SafetyVerdict {
  safe: boolean;
  reasons: string[];
  /** Updates and deletes counted against maxChangeShare. */
  counted: number;
}

/**
 * octoDNS's safety rules (octodns/provider/plan.py: MAX_SAFE_UPDATE_PCENT/DELETE_PCENT 0.3,
 * MIN_EXISTING_RECORDS 10, RootNsChange), checked before anything is written:
 * - any NS or SOA change needs --force (delegation changes can take the zone down);
 * - updates + deletes above `maxChangeShare` of the existing record sets need --force.
 * Creates never count (they overwrite nothing), nor do ownership markers, nor health-driven
 * switches: an update whose old and new values are all configured values of that record is
 * the controller doing its job (failover), not a config mistake, and must never be blocked.
 */
export function assessSafety(plan: Plan, desired: readonly DesiredRecord[], limits: SafetyLimits): SafetyVerdict {
  const allowed = new Map(desired.map((d) => [setKey(d.set), new Set(d.allowed)]));
  const reasons: string[] = [];
  let counted = 0;
  for (const c of plan.changes) {
    const s = c.op === 'create' ? c.after : c.before;
    if (parseMarkerName(s.name) !== undefined) continue;
    if (s.type === 'NS' || (s.type as string) === 'SOA') reasons.push(`${c.op} of ${s.name} ${s.type} (NS/SOA changes need --force)`);
    if (c.op === 'create' || isHealthSwitch(c, allowed.get(setKey(s)))) continue;
    counted++;
  }
  const share = plan.existing === 0 ? 0 : counted / plan.existing;
  if (plan.existing >= limits.minExisting && share > limits.maxChangeShare) {
    reasons.push(`${counted} of ${plan.existing} existing record sets would change (${pct(share)} > maxChangeShare ${pct(limits.maxChangeShare)})`);
  }
  return { safe: reasons.length === 0, reasons, counted };
}

/** The changes that are health-driven switches: these go through even when the rest of a plan is refused. */
export function healthSwitches(changes: readonly Change[], desired: readonly DesiredRecord[]): Change[] {
  const allowed = new Map(desired.map((d) => [setKey(d.set), new Set(d.allowed)]));
  return changes.filter((c) => c.op === 'update' && c.after.type !== 'NS' && isHealthSwitch(c, allowed.get(setKey(c.after))));
}

function isHealthSwitch(c: Change, allowed: ReadonlySet<string> | undefined): boolean {
  if (c.op !== 'update' || allowed === undefined || c.before.ttl !== c.after.ttl) return false;
  return [...c.before.values, ...c.after.values].every((v) => allowed.has(v));
}

const pct = (x: number): string => `${Math.round(x * 1000) / 10}%`;
