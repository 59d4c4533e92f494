import type { SpendConfig } from '../config/record.js';
import type { DetourConfig } from '../config/types.js';
import { errorBudget } from './burn.js';
import { availability, pct, unavailable, type UnavailableRule } from './downtime.js';
import { segments, totals, type History, type LevelOf } from './history.js';
import { groupLevel, poolLevel, selectPools, serviceLevel, topologyOf, type PoolFilter, type TopologyService } from './levels.js';
import { formatOffset, type Month } from './month.js';
import { creditPercent, findProduct, loadTiers, type Product, type ProviderTiers } from './tiers.js';

/** What the report reads; the incident store's IncidentLog provides it. */
export interface ReportSource {
  history(from: number, to: number, now: number): Promise<History>;
  traffic(q: { since: number; until: number; step: 'hour' }): Promise<ReadonlyArray<{ service: string; pool: string | null; total: number; failed: number }>>;
  incidents(q: { since: number; until: number; status: 'all'; limit: number }): Promise<ReadonlyArray<ReportIncident>>;
}

export interface ReportIncident {
  id: string;
  title: string;
  status: string;
  service: string;
  provider: string | null;
  region: string | null;
  startedAt: number;
  recoveredAt: number | null;
  durationMs: number | null;
  clientErrors: number;
}

export interface Measured {
  observedMinutes: number;
  /** Minutes down as measured (any length). */
  downMinutes: number;
  /** Minutes that count under the provider's definition (short outages dropped, rounding applied). */
  unavailableMinutes: number;
  outages: number;
  timeAvailability: number;
  timeAvailabilityPct: string;
  requests: number;
  failed: number;
  requestAvailability: number | null;
}

export interface ProviderRow extends Measured {
  provider: string;
  product: string | null;
  productName: string | null;
  region: string | null;
  service: string | null;
  pools: string[];
  commitment: number | null;
  meetsCommitment: boolean | null;
  creditPercent: number | null;
  monthlySpend: number | null;
  currency: string | null;
  estimatedCredit: number | null;
  confidence: Product['confidence'] | null;
  verified: boolean;
  source: string | null;
  sourceDate: string | null;
  definition: string | null;
  claim: string | null;
}

export interface PoolRow extends Measured {
  service: string;
  pool: string;
  provider: string | null;
  region: string | null;
}

export interface ServiceRow extends Measured {
  service: string;
  objective: number;
  budgetAllowed: number;
  budgetSpent: number;
  budgetRemaining: number;
}

export interface MonthReport {
  month: string;
  utcOffset: string;
  from: number;
  to: number;
  totalMinutes: number;
  generatedAt: number;
  inProgress: boolean;
  providers: ProviderRow[];
  services: ServiceRow[];
  pools: PoolRow[];
  incidents: ReportIncident[];
  caveats: string[];
}

const RAW: UnavailableRule = { minOutageMs: 0, rounding: 'exact' };

/**
 * The monthly SLA report: per provider (per `sla.spend` entry, and each provider in use),
 * the measured availability under that provider's definition of an unavailable minute,
 * its commitment and credit band, and the credit the configured monthly spend earns;
 * per service the client-facing availability and error budget; per pool the detail.
 */
export async function buildReport(src: ReportSource, cfg: Pick<DetourConfig, 'sla' | 'services'>, month: Month, now: number,
  tiers: ReadonlyMap<string, ProviderTiers> = loadTiers(cfg.sla.tiers)): Promise<MonthReport> {
  const end = Math.min(month.to, now);
  const history = await src.history(month.from, month.to, now);
  const topo = history.topologies.filter((t) => t.at < month.to).at(-1)?.services ?? topologyOf(cfg);
  const traffic = await src.traffic({ since: month.from, until: month.to, step: 'hour' });
  const sum = (keep: (service: string, pool: string | null) => boolean) => traffic.reduce(
    (a, r) => (keep(r.service, r.pool) ? { total: a.total + r.total, failed: a.failed + r.failed } : a), { total: 0, failed: 0 });
  const measure = (levelOf: LevelOf, rule: UnavailableRule, req: { total: number; failed: number }): Measured => {
    const segs = segments(history, levelOf, month.from, end);
    const t = totals(segs, month.from, end);
    const u = unavailable(segs, month.from, end, rule);
    const a = availability(u.minutes, month.minutes);
    return {
      observedMinutes: t.observedMs / 60_000, downMinutes: unavailable(segs, month.from, end, RAW).minutes,
      unavailableMinutes: u.minutes, outages: u.outages.filter((o) => o.minutes > 0).length, timeAvailability: a, timeAvailabilityPct: pct(a),
      requests: req.total, failed: req.failed, requestAvailability: req.total === 0 ? null : 1 - req.failed / req.total,
    };
  };

  const pools: PoolRow[] = topo.flatMap((s) => s.pools.map((p) => ({
    service: s.name, pool: p.name, provider: p.provider, region: p.region,
    ...measure(poolLevelOf(s.name, p.name), ruleOf(p.provider === null ? undefined : findProduct(tiers, p.provider)), sum((sv, pl) => sv === s.name && pl === p.name)),
  })));
  const services: ServiceRow[] = topo.map((s) => {
    const m = measure((t, h) => {
      const x = t.find((y) => y.name === s.name);
      return x ? serviceLevel(x, h) : 'up';
    }, RAW, sum((sv, pl) => sv === s.name && pl === null));
    const b = errorBudget(cfg.sla.objective, m.requests, m.failed);
    return { service: s.name, ...m, objective: cfg.sla.objective, budgetAllowed: b.allowed, budgetSpent: b.spent, budgetRemaining: b.remaining };
  });
  const providers = spendRows(cfg, topo).map((sp) => providerRow(sp, topo, tiers, measure, sum));
  const incidents = await src.incidents({ since: month.from, until: month.to, status: 'all', limit: 5000 });
  return {
    month: month.label, utcOffset: formatOffset(month.utcOffsetMinutes), from: month.from, to: month.to, totalMinutes: month.minutes,
    generatedAt: now, inProgress: now < month.to, providers, services, pools, incidents: [...incidents].sort((a, b) => a.startedAt - b.startedAt),
    caveats: caveats(month, end, providers, services),
  };
}

type Measure = (levelOf: LevelOf, rule: UnavailableRule, req: { total: number; failed: number }) => Measured;
type Sum = (keep: (service: string, pool: string | null) => boolean) => { total: number; failed: number };

function providerRow(sp: SpendConfig & { configured: boolean }, topo: readonly TopologyService[], tiers: ReadonlyMap<string, ProviderTiers>, measure: Measure, sum: Sum): ProviderRow {
  const filter: PoolFilter = { provider: sp.provider, region: sp.region, service: sp.service };
  const selected = selectPools(topo, filter);
  const names = new Set(selected.map((x) => `${x.service.name}/${x.pool.name}`));
  const product = findProduct(tiers, sp.provider, sp.product);
  // The pools a spend entry covers are down together only when all of them are: a conservative claim.
  const m = measure((t, h) => groupLevel(selectPools(t, filter), h), ruleOf(product), sum((s, p) => p !== null && names.has(`${s}/${p}`)));
  const credit = product ? creditPercent(product, m.timeAvailability * 100) : null;
  return {
    provider: sp.provider, product: product?.product ?? sp.product ?? null, productName: product?.name ?? null,
    region: sp.region ?? null, service: sp.service ?? null, pools: [...names], ...m,
    commitment: product?.commitment ?? null, meetsCommitment: product ? m.timeAvailability * 100 >= product.commitment : null,
    creditPercent: credit, monthlySpend: sp.configured ? sp.monthly : null, currency: sp.configured ? sp.currency : null,
    estimatedCredit: sp.configured && credit !== null ? Math.round(sp.monthly * credit) / 100 : null,
    confidence: product?.confidence ?? null, verified: product?.verified ?? false, source: product?.source ?? null,
    sourceDate: product?.sourceDate ?? null, definition: product?.unavailable.definition ?? null, claim: product?.claim ?? null,
  };
}

/** The configured spend entries, plus one (without spend) for each provider in use that none covers. */
function spendRows(cfg: Pick<DetourConfig, 'sla'>, topo: readonly TopologyService[]): Array<SpendConfig & { configured: boolean }> {
  const rows = cfg.sla.spend.map((s) => ({ ...s, configured: true }));
  const providers = new Set(topo.flatMap((s) => s.pools.flatMap((p) => (p.provider === null ? [] : [p.provider]))));
  for (const p of providers) {
    if (rows.some((r) => r.provider === p)) continue;
    rows.push({ provider: p, product: undefined, region: undefined, service: undefined, monthly: 0, currency: cfg.sla.currency, configured: false });
  }
  return rows;
}

function ruleOf(p: Product | undefined): UnavailableRule {
  return p ? { minOutageMs: p.unavailable.minOutageSeconds * 1000, rounding: p.unavailable.rounding } : RAW;
}

function poolLevelOf(service: string, pool: string): LevelOf {
  return (t, h) => {
    const s = t.find((x) => x.name === service);
    const p = s?.pools.find((x) => x.name === pool);
    return s && p ? poolLevel(s, p, h) : 'up';
  };
}

function caveats(month: Month, end: number, providers: readonly ProviderRow[], services: readonly ServiceRow[]): string[] {
  const out: string[] = [];
  if (end < month.to) out.push(`The month is in progress: measured up to ${new Date(end).toISOString()}; later minutes count as available.`);
  const observed = Math.max(0, ...services.map((s) => s.observedMinutes));
  const span = (end - month.from) / 60_000;
  if (observed < span - 1) out.push(`Detour observed ${Math.round(observed)} of ${Math.round(span)} minutes; downtime while it was not running is unknown and not counted.`);
  for (const p of providers) {
    if (p.product !== null && !p.verified) out.push(`${p.provider} ${p.product}: the published terms are UNVERIFIED (${p.confidence}); check the provider's current SLA before claiming.`);
    if (p.product !== null && p.creditPercent === null && p.meetsCommitment === false) out.push(`${p.provider} ${p.product}: no credit table is known; add it under sla.tiers.`);
    if (p.product === null) out.push(`${p.provider}: no SLA table is shipped for this provider; add one under sla.tiers.`);
  }
  out.push('Detour measures your endpoints from its own vantage point; the provider decides claims from its own records.');
  return out;
}
