import type { Change, ProviderLimits, RecordSet, RecordType } from './provider.js';
import { markerName, markerOwner, markerValue, parseMarkerName, sameSet, setKey } from './names.js';

/** One record set Detour wants, before the provider's TTL limits are applied. */
export interface DesiredRecord {
  set: RecordSet;
  /** Every value the config lists for it: an update within these is a health-driven switch. */
  allowed: readonly string[];
  /** Take over an existing record set that has no marker. */
  adopt: boolean;
}

export interface Conflict {
  name: string;
  type: RecordType;
  reason: 'unowned' | 'foreign-owner' | 'cname-clash';
  message: string;
}

export interface Plan {
  /** In apply order: claim markers, deletes, updates, creates, release markers. */
  changes: Change[];
  /** Record sets Detour would write but may not touch; left alone. */
  conflicts: Conflict[];
  /** Adjustments made for the provider's limits (TTL raised or lowered). */
  notes: string[];
  /** Record sets (markers excluded) now at the managed names: the base of maxChangeShare. */
  existing: number;
}

export interface PlanInput {
  owner: string;
  limits: ProviderLimits;
  desired: readonly DesiredRecord[];
  current: readonly RecordSet[];
}

/**
 * Desired vs current for one provider. Pure: the same plan for `detour dns plan`, `apply`
 * and the reconcile loop. Ownership follows external-dns's TXT registry: a set is ours when
 * `_detour-<type>.<name>` says `detour/owner=<owner>`. The marker is written before the
 * record and removed after it, so an interrupted apply never leaves a record of ours without
 * its marker (which would then look foreign and be stuck).
 */
export function planChanges(input: PlanInput): Plan {
  const current = new Map(input.current.map((s) => [setKey(s), s]));
  const claim: Change[] = [];
  const deletes: Change[] = [];
  const updates: Change[] = [];
  const creates: Change[] = [];
  const release: Change[] = [];
  const conflicts: Conflict[] = [];
  const notes: string[] = [];
  const owns = (name: string, type: RecordType): boolean => markerOwner(current.get(setKey({ name: markerName(name, type), type: 'TXT' }))) === input.owner;
  const wanted = new Set(input.desired.map((d) => setKey(d.set)));

  for (const d of input.desired) {
    const ttl = clampTtl(d.set.ttl, input.limits);
    if (ttl !== d.set.ttl) notes.push(`${d.set.name} ${d.set.type}: TTL ${d.set.ttl} → ${ttl} (provider allows ${input.limits.minTtl}–${input.limits.maxTtl})`);
    const want: RecordSet = { ...d.set, ttl };
    const have = current.get(setKey(want));
    const mName = markerName(want.name, want.type);
    const marker = current.get(setKey({ name: mName, type: 'TXT' }));
    const owner = markerOwner(marker);
    if (owner !== undefined && owner !== input.owner) {
      conflicts.push({ name: want.name, type: want.type, reason: 'foreign-owner', message: `${want.name} ${want.type} is owned by "${owner}", not "${input.owner}"` });
      continue;
    }
    const clash = cnameClash(want, input.current, owns);
    if (clash !== undefined) {
      conflicts.push({ name: want.name, type: want.type, reason: 'cname-clash', message: clash });
      continue;
    }
    if (owner === undefined) {
      if (have !== undefined && !d.adopt) {
        conflicts.push({ name: want.name, type: want.type, reason: 'unowned', message: `${want.name} ${want.type} exists without Detour's ownership marker (set adopt: true to take it over)` });
        continue;
      }
      const m: RecordSet = { name: mName, type: 'TXT', ttl, values: [markerValue(input.owner)] };
      claim.push(marker === undefined ? { op: 'create', after: m } : { op: 'update', before: marker, after: m });
    }
    if (have === undefined) creates.push({ op: 'create', after: want });
    else if (!sameSet(have, want)) updates.push({ op: 'update', before: have, after: want });
  }

  // Sets we own at the managed names that are no longer wanted (e.g. A replaced by CNAME).
  for (const s of input.current) {
    const m = parseMarkerName(s.name);
    if (m === undefined || s.type !== 'TXT' || markerOwner(s) !== input.owner || wanted.has(setKey(m))) continue;
    const rec = current.get(setKey(m));
    if (rec !== undefined) deletes.push({ op: 'delete', before: rec });
    release.push({ op: 'delete', before: s });
  }

  const existing = input.current.filter((s) => parseMarkerName(s.name) === undefined).length;
  return { changes: [...claim, ...deletes, ...updates, ...creates, ...release], conflicts, notes, existing };
}

export function clampTtl(ttl: number, limits: ProviderLimits): number {
  return Math.min(limits.maxTtl, Math.max(limits.minTtl, ttl));
}

/** A CNAME cannot share its name with other data (RFC 1034 §3.6.2); ours may be replaced, others' not. */
function cnameClash(want: RecordSet, current: readonly RecordSet[], owns: (name: string, type: RecordType) => boolean): string | undefined {
  for (const s of current) {
    if (s.name !== want.name || s.type === want.type) continue;
    if (want.type !== 'CNAME' && s.type !== 'CNAME') continue;
    if (!owns(s.name, s.type)) return `${want.name} ${want.type} cannot be written: ${s.name} has a ${s.type} record Detour does not own (a CNAME cannot share its name)`;
  }
  return undefined;
}
