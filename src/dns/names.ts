import type { RecordSet, RecordType } from './provider.js';

/**
 * Ownership markers, as external-dns's TXT registry does it
 * (kubernetes-sigs/external-dns docs/registry/txt.md): beside every record set Detour
 * writes, a TXT record says who owns it. Detour touches only record sets whose marker
 * names this instance's owner id, so it never overwrites a record a person (or another
 * tool, or another Detour) manages.
 *
 * The marker lives at `_detour-<type>.<name>`, one per name+type: a TXT at the record's own
 * name would clash with a CNAME there (RFC 1034 §3.6.2), and the underscore label cannot be
 * a host name, so it never collides with a real record (RFC 8552 uses the same convention).
 */
export const HERITAGE = 'heritage=detour';

export function markerName(name: string, type: RecordType): string {
  return `_detour-${type.toLowerCase()}.${name}`;
}

export function markerValue(owner: string): string {
  return `${HERITAGE},detour/owner=${owner}`;
}

const MARKER_NAME = /^_detour-(a|aaaa|cname|txt|ns)\.(.+)$/;

/** The record a marker name stands for, or undefined for an ordinary name. */
export function parseMarkerName(name: string): { name: string; type: RecordType } | undefined {
  const m = MARKER_NAME.exec(name);
  if (!m) return undefined;
  return { name: m[2]!, type: m[1]!.toUpperCase() as RecordType };
}

/** The owner written in a marker set's values, or undefined when none is a Detour marker. */
export function markerOwner(set: RecordSet | undefined): string | undefined {
  for (const v of set?.values ?? []) {
    if (!v.startsWith(`${HERITAGE},`)) continue;
    const owner = /(?:^|,)detour\/owner=([^,]*)/.exec(v)?.[1];
    if (owner !== undefined) return owner;
  }
  return undefined;
}

/** Every name the controller asks a provider about for these records: the names and their markers. */
export function namesToList(records: ReadonlyArray<{ name: string }>, types: readonly RecordType[]): string[] {
  const names = new Set<string>();
  for (const r of records) {
    names.add(r.name);
    for (const t of types) names.add(markerName(r.name, t));
  }
  return [...names].sort();
}

export const RECORD_TYPES: readonly RecordType[] = ['A', 'AAAA', 'CNAME', 'TXT', 'NS'];

export function setKey(s: { name: string; type: RecordType }): string {
  return `${s.name} ${s.type}`;
}

export function sameSet(a: RecordSet, b: RecordSet): boolean {
  return a.ttl === b.ttl && a.values.length === b.values.length && a.values.every((v, i) => v === b.values[i]);
}

/** Values sorted and de-duplicated, as the contract wants them. */
export function sortValues(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}
