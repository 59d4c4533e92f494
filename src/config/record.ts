import { parseDuration } from '../common/duration.js';
import { Secret } from './dns.js';
import type { At } from './node.js';

/**
 * The sections of the honest record: `store`, `incidents`, `retention`, `sla` and
 * `notifications`. Owned by the incidents feature: this file reads and validates them;
 * src/incidents, src/sla and src/notify consume the normalized result.
 */
export interface StoreConfig {
  /** SQLite file. Default ./detour.db beside the config file. */
  path: string;
}

export interface IncidentsConfig {
  /** How long every affected endpoint must stay healthy before an incident is resolved. Default 5m. */
  quietPeriod: number;
}

export interface RetentionConfig {
  /** Events, incidents, notes and daily traffic totals (ms). Default 400 days: a year of SLA months plus claim windows. */
  events: number;
  /** Per-minute traffic samples (ms). Default 35 days: one SLA month plus its claim start. */
  traffic: number;
}

/** One band of a credit table: availability in [from, to) percent earns `percent` of the monthly fee. */
export interface CreditBand {
  from: number;
  to: number;
  percent: number;
}

/** A user's own SLA terms for a provider product; replaces or adds to the shipped tables in src/sla/tiers. */
export interface TierOverride {
  provider: string;
  product: string;
  commitment: number;
  credits: CreditBand[];
  /** Outages this long or shorter are not counted (Tencent CVM: 60 s). */
  minOutageMs: number;
  rounding: 'up' | 'exact';
  source: string;
}

export interface SpendConfig {
  provider: string;
  /** Product in the provider's tier table (e.g. cvm); default: the table's default product. */
  product: string | undefined;
  region: string | undefined;
  service: string | undefined;
  monthly: number;
  currency: string;
}

export interface SlaConfig {
  /** SLO target as a fraction (0.999) for error budgets and burn-rate alerts. Default 99.9%. */
  objective: number;
  /** Multi-window multi-burn-rate alerts on (default true). */
  burnAlerts: boolean;
  /** Offset of the SLA calendar from UTC, in minutes (+08:00 → 480). Months in reports start at local midnight. */
  utcOffsetMinutes: number;
  currency: string;
  spend: SpendConfig[];
  tiers: TierOverride[];
}

export const NOTIFY_TYPES = ['webhook', 'slack', 'feishu', 'dingtalk', 'wecom'] as const;
export type NotifyType = (typeof NOTIFY_TYPES)[number];
export const NOTIFY_ON = ['incident.opened', 'incident.updated', 'incident.resolved', 'slo.burn'] as const;
export type NotifyOn = (typeof NOTIFY_ON)[number];

export interface NotificationTarget {
  type: NotifyType;
  name: string;
  /** Webhook URLs carry credentials (DingTalk access_token, WeCom key, Slack path): never printed. */
  url: Secret;
  /** Scheme and host only, for logs and `detour check`. */
  shownUrl: string;
  /** webhook: HMAC key (required); feishu, dingtalk: the bot's signing secret (optional). */
  secret: Secret | undefined;
  on: NotifyOn[];
  timeout: number;
  /** Retries after the first attempt, with exponential backoff. */
  retries: number;
}

export function readStore(at: At, resolvePath: (p: string) => string): StoreConfig {
  const f = at.object(['path']);
  const path = f?.get('path').str() ?? './detour.db';
  return { path: resolvePath(path) };
}

export function readIncidents(at: At): IncidentsConfig {
  const f = at.object(['quietPeriod']);
  return { quietPeriod: f?.get('quietPeriod').duration({ positive: true }) ?? 5 * 60_000 };
}

const DAY = 86_400_000;

export function readRetention(at: At): RetentionConfig {
  const f = at.object(['events', 'traffic']);
  const events = days(f?.get('events')) ?? 400 * DAY;
  const traffic = days(f?.get('traffic')) ?? 35 * DAY;
  return { events, traffic };
}

/** Retention is counted in days ("90d"); any Detour duration ("2160h") is accepted too. At least one hour. */
function days(at: At | undefined): number | undefined {
  const raw = at?.text();
  if (at === undefined || raw === undefined) return undefined;
  const d = /^(\d+)d$/.exec(raw.trim());
  const ms = d ? Number(d[1]) * DAY : parseDuration(raw);
  if (ms === undefined) return at.error(`invalid retention ${at.shown()} (e.g. "90d", "400d", "72h")`);
  if (ms < 3_600_000) return at.error('retention must be at least 1h');
  return ms;
}

export function readSla(at: At): SlaConfig {
  const f = at.object(['objective', 'burnAlerts', 'utcOffset', 'currency', 'spend', 'tiers']);
  const currency = f?.get('currency').str() ?? 'USD';
  return {
    // Rounded so 99.9 becomes exactly 0.999 (99.9 / 100 is 0.9990000000000001 in floating point).
    objective: Math.round((f?.get('objective').range(50, 100, { maxExclusive: true }) ?? 99.9) * 1e6) / 1e8,
    burnAlerts: f?.get('burnAlerts').bool() ?? true,
    utcOffsetMinutes: f === undefined ? 0 : readOffset(f.get('utcOffset')),
    currency,
    spend: (f?.get('spend').list() ?? []).flatMap((item) => readSpend(item, currency) ?? []),
    tiers: (f?.get('tiers').list() ?? []).flatMap((item) => readTier(item) ?? []),
  };
}

function readOffset(at: At): number {
  const raw = at.text();
  if (raw === undefined) return 0;
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(raw);
  const minutes = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : NaN;
  if (!m || Math.abs(minutes) > 14 * 60 || Number(m[3]) > 59) return at.error(`invalid utcOffset ${at.shown()} (e.g. "+08:00", "-05:00")`) ?? 0;
  return minutes;
}

function readSpend(at: At, currency: string): SpendConfig | undefined {
  const f = at.object(['provider', 'product', 'region', 'service', 'monthly', 'currency']);
  if (f === undefined) return at.error('expected {provider, monthly, …}');
  const provider = f.get('provider').str();
  const monthly = f.get('monthly').range(0, 1e12);
  if (!f.has('provider') && !f.get('provider').failed) at.error('spend needs "provider"');
  if (!f.has('monthly') && !f.get('monthly').failed) at.error('spend needs "monthly" (the monthly fee the credit is a share of)');
  if (provider === undefined || monthly === undefined) return undefined;
  return {
    provider, monthly,
    product: f.get('product').str(), region: f.get('region').str(), service: f.get('service').str(),
    currency: f.get('currency').str() ?? currency,
  };
}

function readTier(at: At): TierOverride | undefined {
  const f = at.object(['provider', 'product', 'commitment', 'credits', 'unavailableAfter', 'rounding', 'source']);
  if (f === undefined) return at.error('expected {provider, product, commitment, credits, …}');
  for (const k of ['provider', 'product', 'commitment', 'credits'] as const) {
    if (!f.has(k) && !f.get(k).failed) at.error(`a tier override needs "${k}"`);
  }
  const provider = f.get('provider').str();
  const product = f.get('product').str();
  const commitment = f.get('commitment').range(0, 100);
  const credits = readCredits(f.get('credits'));
  if (provider === undefined || product === undefined || commitment === undefined || credits === undefined) return undefined;
  return {
    provider, product, commitment, credits,
    minOutageMs: f.get('unavailableAfter').duration() ?? 0,
    rounding: f.get('rounding').oneOf(['up', 'exact'] as const) ?? 'up',
    source: f.get('source').str() ?? 'config override',
  };
}

function readCredits(at: At): CreditBand[] | undefined {
  const items = at.list();
  if (items === undefined) return undefined;
  const bands: CreditBand[] = [];
  for (const item of items) {
    const f = item.object(['from', 'to', 'percent']);
    const from = f?.get('from').range(0, 100);
    const to = f?.get('to').range(0, 100);
    const percent = f?.get('percent').range(0, 100);
    if (from === undefined || to === undefined || percent === undefined) {
      if (f !== undefined && !item.failed) item.error('a credit band needs from, to and percent, e.g. {from: 99, to: 99.95, percent: 10}');
      continue;
    }
    if (from >= to) item.error(`"from" (${from}) must be below "to" (${to})`);
    const overlap = bands.find((b) => from < b.to && b.from < to);
    if (overlap) item.error(`band [${from}, ${to}) overlaps [${overlap.from}, ${overlap.to})`);
    bands.push({ from, to, percent });
  }
  return bands.sort((a, b) => b.from - a.from);
}

export function readNotifications(at: At): NotificationTarget[] {
  const items = at.list() ?? [];
  const names = new Set<string>();
  const out: NotificationTarget[] = [];
  items.forEach((item, i) => {
    const t = readTarget(item, i);
    if (t === undefined) return;
    if (names.has(t.name)) (item.peek('name') ?? item).error(`duplicate notification name "${t.name}"`);
    names.add(t.name);
    out.push(t);
  });
  return out;
}

function readTarget(at: At, index: number): NotificationTarget | undefined {
  const f = at.object(['type', 'name', 'url', 'secret', 'on', 'timeout', 'retries']);
  if (f === undefined) return at.error('expected {type, url, …}');
  const type = f.get('type').oneOf(NOTIFY_TYPES);
  if (!f.has('type') && !f.get('type').failed) at.error(`a notification needs "type" (${NOTIFY_TYPES.join(', ')})`);
  const urlAt = f.get('url');
  const raw = urlAt.str();
  if (!f.has('url') && !urlAt.failed) at.error('a notification needs "url"');
  const url = raw === undefined ? undefined : parseUrl(raw);
  // The message never repeats the value: a webhook URL is a credential.
  if (raw !== undefined && url === undefined) urlAt.error('invalid URL (expected http:// or https://…)');
  const secret = f.get('secret').str();
  if (type === 'webhook' && secret === undefined && !f.get('secret').failed) at.error('a webhook notification needs "secret" (the HMAC-SHA256 key receivers verify)');
  const on = (f.get('on').listOrOne() ?? []).flatMap((x) => x.oneOf(NOTIFY_ON) ?? []);
  if (type === undefined || url === undefined) return undefined;
  return {
    type,
    name: f.get('name').str() ?? `${type}-${index}`,
    url: new Secret(url.href),
    shownUrl: `${url.protocol}//${url.host}`,
    secret: secret === undefined ? undefined : new Secret(secret),
    on: on.length > 0 ? [...new Set(on)] : [...NOTIFY_ON],
    timeout: f.get('timeout').duration({ positive: true }) ?? 5000,
    retries: f.get('retries').int(0, 20) ?? 5,
  };
}

function parseUrl(raw: string): URL | undefined {
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : undefined;
  } catch {
    return undefined;
  }
}
