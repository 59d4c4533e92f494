import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TierOverride } from '../config/record.js';

/**
 * Published SLA commitments and credit tables, shipped as data (src/sla/tiers/*.json)
 * with their source, date and confidence. A product marked `verified: false` is shown
 * as UNVERIFIED in every report. `sla.tiers` in the config replaces or adds products.
 */
export interface CreditBand {
  from: number;
  to: number;
  percent: number;
}

export interface Product {
  provider: string;
  product: string;
  name: string;
  commitment: number;
  unavailable: { minOutageSeconds: number; rounding: 'up' | 'exact'; definition: string };
  /** Sorted by `from`, highest first; empty when the table is not known. */
  credits: CreditBand[];
  capPercent: number;
  paidAs: string;
  claim: string;
  source: string;
  sourceDate: string;
  confidence: 'high' | 'medium' | 'low' | 'unverified' | 'user';
  verified: boolean;
  notes: string;
}

export interface ProviderTiers {
  provider: string;
  aliases: string[];
  defaultProduct: string;
  compiled: string;
  products: Map<string, Product>;
}

/**
 * tsc does not copy JSON into dist/, so a build reads the tables from src/sla/tiers
 * (present in a checkout); from source they sit beside this file.
 */
function tiersDir(): string {
  for (const rel of ['./tiers/', '../../src/sla/tiers/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(dir)) return dir;
  }
  throw new Error('SLA tier tables not found (expected src/sla/tiers/*.json)');
}

export function loadTiers(overrides: readonly TierOverride[] = [], dir = tiersDir()): Map<string, ProviderTiers> {
  const out = new Map<string, ProviderTiers>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const t = parseTable(JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as unknown, file);
    out.set(t.provider, t);
  }
  for (const o of overrides) {
    const t = findProvider(out, o.provider) ?? { provider: o.provider, aliases: [], defaultProduct: o.product, compiled: '', products: new Map() };
    out.set(t.provider, t);
    t.products.set(o.product, {
      provider: t.provider, product: o.product, name: o.product, commitment: o.commitment,
      unavailable: { minOutageSeconds: o.minOutageMs / 1000, rounding: o.rounding, definition: `config override: outages of ${o.minOutageMs / 1000} s or less are not counted` },
      credits: [...o.credits].sort((a, b) => b.from - a.from), capPercent: 100, paidAs: 'per your agreement', claim: 'per your agreement',
      source: o.source, sourceDate: 'config', confidence: 'user', verified: true, notes: 'From your configuration (sla.tiers).',
    });
  }
  return out;
}

export function findProvider(tables: ReadonlyMap<string, ProviderTiers>, name: string): ProviderTiers | undefined {
  const n = name.toLowerCase();
  for (const t of tables.values()) if (t.provider === n || t.aliases.includes(n)) return t;
  return undefined;
}

export function findProduct(tables: ReadonlyMap<string, ProviderTiers>, provider: string, product?: string): Product | undefined {
  const t = findProvider(tables, provider);
  return t?.products.get(product ?? t.defaultProduct);
}

/** The credit a measured availability (percent) earns: 0 at or above the commitment, null when the table is unknown. */
export function creditPercent(p: Product, availabilityPct: number): number | null {
  if (availabilityPct >= p.commitment) return 0;
  if (p.credits.length === 0) return null;
  const band = p.credits.find((b) => availabilityPct >= b.from && availabilityPct < b.to);
  return band === undefined ? null : Math.min(band.percent, p.capPercent);
}

function parseTable(v: unknown, file: string): ProviderTiers {
  const o = v as Record<string, unknown>;
  const need = (cond: boolean, what: string): void => {
    if (!cond) throw new Error(`SLA tier table ${file}: ${what}`);
  };
  need(typeof o['provider'] === 'string' && typeof o['defaultProduct'] === 'string', 'needs "provider" and "defaultProduct"');
  const products = new Map<string, Product>();
  for (const [key, raw] of Object.entries((o['products'] ?? {}) as Record<string, Record<string, unknown>>)) {
    const u = (raw['unavailable'] ?? {}) as Record<string, unknown>;
    const credits = ((raw['credits'] ?? []) as CreditBand[]).map((b) => ({ from: Number(b.from), to: Number(b.to), percent: Number(b.percent) }));
    need(typeof raw['commitment'] === 'number' && credits.every((b) => b.from < b.to), `product ${key}: bad commitment or credit band`);
    need(typeof raw['source'] === 'string' && typeof raw['sourceDate'] === 'string' && typeof raw['confidence'] === 'string', `product ${key}: source, sourceDate and confidence are required`);
    products.set(key, {
      provider: o['provider'] as string, product: key, name: String(raw['name'] ?? key), commitment: raw['commitment'] as number,
      unavailable: { minOutageSeconds: Number(u['minOutageSeconds'] ?? 0), rounding: u['rounding'] === 'exact' ? 'exact' : 'up', definition: String(u['definition'] ?? '') },
      credits: credits.sort((a, b) => b.from - a.from), capPercent: Number(raw['capPercent'] ?? 100),
      paidAs: String(raw['paidAs'] ?? ''), claim: String(raw['claim'] ?? ''), source: raw['source'] as string, sourceDate: raw['sourceDate'] as string,
      confidence: raw['confidence'] as Product['confidence'], verified: raw['verified'] === true, notes: String(raw['notes'] ?? ''),
    });
  }
  need(products.has(o['defaultProduct'] as string), `defaultProduct "${String(o['defaultProduct'])}" is not among its products`);
  return {
    provider: o['provider'] as string, aliases: ((o['aliases'] ?? []) as string[]).map((a) => a.toLowerCase()),
    defaultProduct: o['defaultProduct'] as string, compiled: String(o['compiled'] ?? ''), products,
  };
}
