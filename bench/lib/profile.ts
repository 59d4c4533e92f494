/**
 * Summarises a V8 `.cpuprofile` (written by `node --cpu-prof`): self time per function
 * and per area (Detour's folders, undici, node internals, GC). The format is the
 * Chrome DevTools Protocol `Profiler.Profile`: a node tree plus `samples` (node ids) and
 * `timeDeltas` (µs before each sample).
 */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileRow {
  name: string;
  where: string;
  selfMs: number;
  /** Share of non-idle samples, 0..100. */
  pct: number;
}

export interface ProfileSummary {
  totalMs: number;
  idlePct: number;
  top: ProfileRow[];
  areas: ProfileRow[];
}

/** Shortens a script URL to something a reader recognises: dist/proxy/attempt.js, undici/lib/..., node:internal/... */
export function shortUrl(url: string): string {
  if (url === '') return '';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  const dist = url.lastIndexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  const src = url.lastIndexOf('/src/');
  if (src >= 0) return url.slice(src + 1);
  return url.replace(/^file:\/\//, '');
}

/** Which part of the stack a frame belongs to. */
export function areaOf(name: string, url: string): string {
  if (url === '') {
    if (name === '(garbage collector)' || name === '(program)' || name === '(idle)') return name;
    return '(native)';
  }
  const s = shortUrl(url);
  const det = /^(?:dist|src)\/([^/]+)\//.exec(s);
  if (det) return `detour ${det[1]}/`;
  if (s.startsWith('undici/')) return 'undici';
  if (s.startsWith('node:internal/deps/undici')) return 'undici (node built-in)';
  if (/^node:internal\/(http|_http)|^node:_http|^node:http/.test(s)) return 'node http';
  if (/^node:internal\/streams|^node:stream/.test(s)) return 'node streams';
  if (/^node:internal\/(net|stream_base)|^node:net/.test(s)) return 'node net';
  if (/^node:internal\/(modules|bootstrap)/.test(s)) return 'node module loading (startup)';
  if (/^node:internal\/(process\/task_queues|timers|async_hooks)|^node:timers/.test(s)) return 'node ticks and timers';
  if (s === 'node:events') return 'node events';
  if (s.startsWith('node:')) return 'node other';
  const pkg = /^(@[^/]+\/[^/]+|[^/]+)\//.exec(s);
  return pkg ? pkg[1]! : s;
}

/** `skipUs`: leave out the first samples (process start-up and warm-up), by profile time. */
export function summariseProfile(p: CpuProfile, topN = 15, skipUs = 0): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let total = 0;
  let t = 0;
  // DevTools attributes the interval *after* a sample to it: timeDeltas[i + 1] belongs to samples[i].
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0;
    if (t < skipUs) continue;
    const dt = p.timeDeltas[i + 1] ?? 0;
    const id = p.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
    total += dt;
  }
  const fns = new Map<string, { name: string; where: string; us: number }>();
  const areas = new Map<string, number>();
  let idle = 0;
  for (const [id, us] of selfUs) {
    const cf = byId.get(id)?.callFrame;
    if (!cf) continue;
    const name = cf.functionName || '(anonymous)';
    if (name === '(idle)') {
      idle += us;
      continue;
    }
    const where = cf.url ? `${shortUrl(cf.url)}:${cf.lineNumber + 1}` : '';
    const key = `${name}@${where}`;
    const f = fns.get(key) ?? { name, where, us: 0 };
    f.us += us;
    fns.set(key, f);
    const area = areaOf(name, cf.url);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const busy = Math.max(1, total - idle);
  const row = (name: string, where: string, us: number): ProfileRow => ({ name, where, selfMs: us / 1000, pct: (100 * us) / busy });
  return {
    totalMs: total / 1000,
    idlePct: total > 0 ? (100 * idle) / total : 0,
    top: [...fns.values()].sort((a, b) => b.us - a.us).slice(0, topN).map((f) => row(f.name, f.where, f.us)),
    areas: [...areas].sort((a, b) => b[1] - a[1]).map(([a, us]) => row(a, '', us)),
  };
}
