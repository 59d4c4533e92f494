/**
 * A provider-neutral view of an emulated zone, so one test can compare what four clouds hold:
 * RRsets with absolute lower-case names, names in values without the trailing dot, values sorted.
 * Each emulator unquotes its own TXT form before calling mergeSnapshot.
 */
export interface SnapshotSet {
  name: string;
  type: string;
  ttl: number;
  values: string[];
}

export function mergeSnapshot(records: Iterable<{ name: string; type: string; ttl: number; value: string }>): SnapshotSet[] {
  const sets = new Map<string, SnapshotSet>();
  for (const r of records) {
    const name = r.name.toLowerCase().replace(/\.$/, '');
    const value = r.type === 'CNAME' || r.type === 'NS' ? r.value.toLowerCase().replace(/\.$/, '') : r.value;
    const key = `${name} ${r.type}`;
    const set = sets.get(key) ?? { name, type: r.type, ttl: r.ttl, values: [] };
    set.ttl = Math.min(set.ttl, r.ttl);
    if (!set.values.includes(value)) set.values.push(value);
    sets.set(key, set);
  }
  return [...sets.values()]
    .map((s) => ({ ...s, values: [...s.values].sort() }))
    .sort((a, b) => (a.name === b.name ? a.type.localeCompare(b.type) : a.name.localeCompare(b.name)));
}

/** The sets at `name` (any type), or one type. */
export function at(sets: readonly SnapshotSet[], name: string, type?: string): SnapshotSet[] {
  return sets.filter((s) => s.name === name && (type === undefined || s.type === type));
}
