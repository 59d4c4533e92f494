/**
 * Reads Detour's own Prometheus exposition (text format 0.0.4) back into samples, so the
 * charts use exactly the numbers /metrics publishes. Only `name{labels} value` lines of the
 * wanted families are parsed; label values unescape \\, \" and \n as the format defines.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseSamples(text: string, wanted: (name: string) => boolean): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.lastIndexOf(' ');
    const name = line.slice(0, brace === -1 ? line.indexOf(' ') : brace);
    if (!wanted(name) || space === -1) continue;
    const value = Number(line.slice(space + 1));
    if (!Number.isFinite(value)) continue;
    out.push({ name, labels: brace === -1 ? {} : parseLabels(line.slice(brace + 1, line.lastIndexOf('}'))), value });
  }
  return out;
}

function parseLabels(s: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < s.length) {
    const eq = s.indexOf('="', i);
    if (eq === -1) break;
    const key = s.slice(i, eq);
    let j = eq + 2;
    let v = '';
    while (j < s.length && s[j] !== '"') {
      if (s[j] === '\\' && j + 1 < s.length) {
        const n = s[j + 1];
        v += n === 'n' ? '\n' : n;
        j += 2;
      } else v += s[j++];
    }
    labels[key] = v;
    i = j + 2; // past the closing quote and the comma
  }
  return labels;
}

/**
 * The q-quantile of a cumulative histogram, interpolating linearly inside the bucket as
 * Prometheus' histogram_quantile() does. `buckets` are [upper bound, cumulative count],
 * ascending, ending with +Inf; a quantile in the +Inf bucket reports the last finite bound.
 */
export function quantile(q: number, buckets: ReadonlyArray<[number, number]>): number | null {
  const total = buckets[buckets.length - 1]?.[1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let prevBound = 0;
  let prevCount = 0;
  for (const [bound, count] of buckets) {
    if (count >= rank) {
      if (bound === Infinity) return prevBound;
      return prevBound + (bound - prevBound) * ((rank - prevCount) / Math.max(count - prevCount, 1e-9));
    }
    prevBound = bound;
    prevCount = count;
  }
  return prevBound;
}
