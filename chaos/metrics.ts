import type { Sample } from './load.js';
import type { Detection } from './proxies/types.js';
import type { RunRecord } from './runner.js';
import { cloudOf, type Timing } from './settings.js';

/** The numbers of one run; every time is in ms relative to the fault (or the recovery for failback). */
export interface RunResult {
  scenario: string;
  proxy: string;
  method: string;
  requests: number;
  /** Client-visible errors: anything but HTTP 200 with the upstream's own body (incl. lost ones). */
  errors: number;
  /** No HTTP response at all (transport error or client timeout). */
  lost: number;
  errorKinds: Record<string, number>;
  /** Errors among requests sent before the fault (should be 0: the bench itself). */
  warmErrors: number;
  /** Proxy's own first detection of a faulted endpoint / of all of them. */
  detectMs: number | null;
  detectAllMs: number | null;
  detectHow: string | null;
  /**
   * Gray: failing responses a faulted endpoint sent before the proxy took it out (max over endpoints).
   * When the proxy names the response that tripped it (Detour's evidence RequestId), this counts up to
   * and including that one: what the detector needed. Otherwise everything that reached the endpoint
   * before the detection time.
   */
  failingBeforeDetect: number | null;
  /** Gray: the same per faulted endpoint. */
  failingBeforeDetectPerEndpoint: Record<string, number> | null;
  /**
   * Gray, per faulted endpoint, only where the tripping response is known: failing responses that reached
   * the endpoint after the tripping one but before the detection, i.e. requests already sent while the
   * deciding response was on its way back (concurrency, not detection speed).
   */
  inFlightAtDetectPerEndpoint: Record<string, number> | null;
  /** Gray: failing responses the faulted endpoints sent during the whole incident. */
  failingTotal: number | null;
  /** First request answered by the backup cloud (whole-cloud faults). */
  firstBackupMs: number | null;
  /** From the fault until every later request is answered OK, by a healthy endpoint, in normal latency. */
  fullSwitchMs: number | null;
  /** "Normal latency" used by fullSwitchMs: below the connect timeout, so the request waited for no timeout. */
  normalMs: number;
  warmP99Ms: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** Requests that took longer than the total deadline (+50 ms of client-side slack). */
  overDeadline: number;
  /** Changes of the cloud answering (200 ms buckets by majority), whole run. */
  switches: number;
  /** Tier changes the proxy itself reported (Detour pool.active, HAProxy stats); null = not observable. */
  proxySwitches: number | null;
  failbackFirstMs: number | null;
  failbackFullMs: number | null;
  errorsAfterRecovery: number | null;
  proxySwitchesAfterRecovery: number | null;
  post: PostResult | null;
  /** Detour: enforced outlier ejections per endpoint during the run. */
  ejections: Record<string, number> | null;
  /** Wall time of the run's setup (clouds reset, proxy start, warm-up), for the time budget. */
  setupMs: number;
  /** Steps as executed (label, ms after load start, how long the action took). */
  steps: Array<{ label: string; atMs: number; tookMs: number }>;
}

export interface PostResult {
  /** POST ids that arrived at upstreams more than once (must be 0). */
  duplicates: number;
  arrived: number;
  /** Client-visible POST errors whose body had reached an upstream (it was in flight). */
  failedArrived: number;
  /** Client-visible POST errors that never arrived anywhere (dropped by the network or never sent). */
  failedNeverArrived: number;
  /** Detour only: POST errors although nothing reached an endpoint (connect failure, budget): should be retried. */
  failedUnsent: number | null;
}

const UNSENT_CODES = new Set(['DETOUR_UPSTREAM_CONNECT', 'DETOUR_UPSTREAM_CONNECT_TIMEOUT', 'DETOUR_RETRY_BUDGET_EXHAUSTED', 'DETOUR_NO_HEALTHY_UPSTREAM']);
const BUCKET_MS = 200;

export function analyze(r: RunRecord, timing: Timing): RunResult {
  const faulted = new Set<string>(r.scenario.faulted);
  const fault = r.faultAt;
  const incidentEnd = r.recoverAt ?? r.loadEnd;
  const lat = (s: Sample): number => s.end - s.start;
  const warm = r.samples.filter((s) => s.start < fault);
  const incident = r.samples.filter((s) => s.start >= fault && s.start < incidentEnd);
  const warmP99 = quantile(warm.filter((s) => s.ok).map(lat), 0.99) ?? 0;
  // The shortest timeout any proxy applies is the connect timeout: a request faster than
  // it cannot have waited for a timeout (a fixed line: the pre-fault p99 is too noisy).
  const normalMs = timing.connectMs;
  const errorKinds: Record<string, number> = {};
  for (const s of r.samples) {
    if (s.ok) continue;
    const k = s.code ?? `${s.error ?? '?'}${s.status ? ` ${s.status}` : ''}`;
    errorKinds[k] = (errorKinds[k] ?? 0) + 1;
  }

  const firstDetect = new Map<string, Detection>();
  for (const d of r.observations.detections) {
    if (d.at < fault || !faulted.has(d.endpoint)) continue;
    const prev = firstDetect.get(d.endpoint);
    if (!prev || d.at < prev.at) firstDetect.set(d.endpoint, d);
  }
  const firsts = [...firstDetect.values()].sort((a, b) => a.at - b.at);
  const detectMs = firsts[0] ? firsts[0].at - fault : null;
  const detectAllMs = firstDetect.size === faulted.size && firsts.length > 0 ? firsts[firsts.length - 1]!.at - fault : null;

  const isGray = r.scenario.name.startsWith('gray');
  let failingBeforeDetect: number | null = null;
  let failingTotal: number | null = null;
  let perEndpoint: Record<string, number> | null = null;
  let inFlight: Record<string, number> | null = null;
  if (isGray) {
    failingBeforeDetect = 0;
    failingTotal = 0;
    perEndpoint = {};
    for (const ep of faulted) {
      const grays = r.arrivals.filter((a) => a.endpoint === ep && a.answer === 'gray' && a.at >= fault && a.at < incidentEnd);
      const d = firstDetect.get(ep);
      failingTotal += grays.length;
      const before = grays.filter((a) => a.at < (d?.at ?? Infinity)).length;
      const tripped = d?.requestId === undefined ? -1 : grays.findIndex((a) => `chaos-${a.id}` === d.requestId);
      const needed = tripped >= 0 ? tripped + 1 : before;
      if (tripped >= 0) (inFlight ??= {})[ep] = Math.max(0, before - needed);
      perEndpoint[ep] = needed;
      failingBeforeDetect = Math.max(failingBeforeDetect, needed);
    }
  }

  const firstBackup = r.scenario.wholeCloud ? incident.find((s) => s.ok && s.servedBy !== undefined && cloudOf(s.servedBy) === 'b') : undefined;
  const bad = (s: Sample): boolean => !s.ok || (s.servedBy !== undefined && faulted.has(s.servedBy)) || lat(s) > normalMs;
  let fullSwitchMs: number | null = null;
  if (incident.length > 0 && !r.scenario.repeating) {
    let lastBad = -1;
    incident.forEach((s, i) => { if (bad(s)) lastBad = i; });
    if (lastBad === -1) fullSwitchMs = 0;
    else if (lastBad < incident.length - 1) fullSwitchMs = incident[lastBad + 1]!.start - fault;
  }
  const lats = incident.map(lat);

  const tiers = r.observations.tierChanges;
  const afterRecovery = r.recoverAt === undefined ? [] : r.samples.filter((s) => s.start >= r.recoverAt!);
  let failbackFirstMs: number | null = null;
  let failbackFullMs: number | null = null;
  if (r.recoverAt !== undefined) {
    const firstA = afterRecovery.find((s) => s.ok && s.servedBy !== undefined && cloudOf(s.servedBy) === 'a');
    failbackFirstMs = firstA ? firstA.start - r.recoverAt : null;
    let lastNotA = -1;
    afterRecovery.forEach((s, i) => { if (!(s.ok && s.servedBy !== undefined && cloudOf(s.servedBy) === 'a')) lastNotA = i; });
    if (lastNotA < afterRecovery.length - 1) failbackFullMs = afterRecovery[lastNotA + 1]!.start - r.recoverAt;
  }

  return {
    scenario: r.scenario.name,
    proxy: r.proxy,
    method: r.method,
    requests: r.samples.length,
    errors: r.samples.filter((s) => !s.ok).length,
    lost: r.samples.filter((s) => s.error === 'transport' || s.error === 'timeout').length,
    errorKinds,
    warmErrors: warm.filter((s) => !s.ok).length,
    detectMs: round(detectMs),
    detectAllMs: round(detectAllMs),
    detectHow: firsts[0]?.how ?? null,
    failingBeforeDetect,
    failingBeforeDetectPerEndpoint: perEndpoint,
    inFlightAtDetectPerEndpoint: inFlight,
    failingTotal,
    firstBackupMs: firstBackup ? round(firstBackup.start - fault) : null,
    fullSwitchMs: round(fullSwitchMs),
    normalMs: round(normalMs)!,
    warmP99Ms: round(warmP99)!,
    p50Ms: round(quantile(lats, 0.5)),
    p99Ms: round(quantile(lats, 0.99)),
    maxMs: round(lats.length ? Math.max(...lats) : null),
    overDeadline: incident.filter((s) => lat(s) > timing.totalMs + 50).length,
    switches: clientSwitches(r.samples, r.loadStart),
    proxySwitches: tiers === null ? null : tiers.filter((t) => t.at >= r.loadStart).length,
    failbackFirstMs: round(failbackFirstMs),
    failbackFullMs: round(failbackFullMs),
    errorsAfterRecovery: r.recoverAt === undefined ? null : afterRecovery.filter((s) => !s.ok).length,
    proxySwitchesAfterRecovery: r.recoverAt === undefined || tiers === null ? null : tiers.filter((t) => t.at >= r.recoverAt!).length,
    post: r.method === 'POST' ? postResult(r) : null,
    ejections: r.proxy === 'detour' ? countEjections(r) : null,
    setupMs: Math.round(r.setupMs),
    steps: r.steps.map((s) => ({ label: s.label, atMs: Math.round(s.at - r.loadStart), tookMs: Math.round(s.tookMs) })),
  };
}

function postResult(r: RunRecord): PostResult {
  const seen = new Map<string, number>();
  for (const a of r.arrivals) if (a.method === 'POST' && a.id !== '-') seen.set(a.id, (seen.get(a.id) ?? 0) + 1);
  const failed = r.samples.filter((s) => !s.ok);
  return {
    duplicates: [...seen.values()].filter((n) => n > 1).length,
    arrived: seen.size,
    failedArrived: failed.filter((s) => seen.has(s.id)).length,
    failedNeverArrived: failed.filter((s) => !seen.has(s.id)).length,
    failedUnsent: r.proxy === 'detour' ? failed.filter((s) => s.code !== undefined && UNSENT_CODES.has(s.code)).length : null,
  };
}

function countEjections(r: RunRecord): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of r.observations.detections) {
    if (d.at >= r.loadStart && d.how.startsWith('outlier.ejection')) out[d.endpoint] = (out[d.endpoint] ?? 0) + 1;
  }
  return out;
}

/** Changes of the answering cloud, by majority of OK answers per 200 ms bucket (empty buckets skipped). */
function clientSwitches(samples: readonly Sample[], start: number): number {
  const buckets = new Map<number, { a: number; b: number }>();
  for (const s of samples) {
    if (!s.ok || s.servedBy === undefined) continue;
    const k = Math.floor((s.start - start) / BUCKET_MS);
    const b = buckets.get(k) ?? { a: 0, b: 0 };
    b[cloudOf(s.servedBy)]++;
    buckets.set(k, b);
  }
  let last: 'a' | 'b' | undefined;
  let n = 0;
  for (const k of [...buckets.keys()].sort((x, y) => x - y)) {
    const b = buckets.get(k)!;
    const label = b.a >= b.b ? 'a' : 'b';
    if (last !== undefined && label !== last) n++;
    last = label;
  }
  return n;
}

export function quantile(xs: readonly number[], q: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

function round(x: number | null): number | null {
  return x === null ? null : Math.round(x);
}

/** "a1 5 (+1 in flight), a2 4": gray failing responses per faulted endpoint before it was taken out. */
export function grayCounts(r: Pick<RunResult, 'failingBeforeDetectPerEndpoint' | 'inFlightAtDetectPerEndpoint'>): string {
  return Object.entries(r.failingBeforeDetectPerEndpoint ?? {})
    .map(([e, n]) => {
      const f = r.inFlightAtDetectPerEndpoint?.[e] ?? 0;
      return `${e} ${n}${f > 0 ? ` (+${f} in flight)` : ''}`;
    })
    .join(', ');
}
