import { DNS_DEFAULTS, MAX_TTL, NAME, readZone } from './dns-base.js';
import { readProviders, type DnsProviderConfig } from './dns-providers.js';
import { readRecords, type DnsRecordConfig } from './dns-records.js';
import type { At } from './node.js';

/**
 * The `dns:` section (DNS failover controller). Owned by the DNS feature: these files
 * read and validate it; src/dns consumes the normalized result. Durations are
 * milliseconds except TTLs, which are DNS seconds.
 */
export interface DnsConfig {
  /** Lower case, no trailing dot: "example.com". */
  zone: string;
  /** Default TTL in seconds (raised to each provider's minTtl by the planner). */
  ttl: number;
  /** Ownership id written into the TXT marker `heritage=detour,detour/owner=<owner>`. */
  owner: string;
  /** Vantage points that must see a value down before it is withdrawn (and up before it returns). */
  quorum: number | 'majority';
  /** Observations older than this are ignored by the quorum. Default 3 × the longest check interval. */
  observationMaxAge: number | undefined;
  safety: { maxChangeShare: number; minExisting: number };
  audit: { path: string };
  reconcile: { interval: number; timeout: number; backoff: number; maxBackoff: number };
  providers: DnsProviderConfig[];
  records: DnsRecordConfig[];
}

export { DNS_DEFAULTS, DNS_PROVIDER_TYPES, DNS_RECORD_TYPES, type DnsProviderType, type DnsRecordType } from './dns-base.js';
export { Secret, type DnsProviderConfig } from './dns-providers.js';
export { normalizeValue, type DnsHealthConfig, type DnsPoolConfig, type DnsRecordConfig } from './dns-records.js';

const DNS_KEYS = ['zone', 'ttl', 'owner', 'quorum', 'observationMaxAge', 'safety', 'audit', 'reconcile', 'providers', 'records'] as const;

export function readDns(at: At): DnsConfig | undefined {
  const f = at.object(DNS_KEYS);
  if (f === undefined) return undefined;
  const zone = readZone(f.get('zone'));
  if (zone === undefined && !f.get('zone').failed) at.error('"zone" is required, e.g. zone: example.com');
  const safety = f.get('safety').object(['maxChangeShare', 'minExisting']);
  const audit = f.get('audit').object(['path']);
  const rec = f.get('reconcile').object(['interval', 'timeout', 'backoff', 'maxBackoff']);
  const d = DNS_DEFAULTS;
  const backoffAt = rec?.get('backoff');
  const backoff = backoffAt?.duration({ positive: true }) ?? d.reconcile.backoff;
  const maxBackoff = rec?.get('maxBackoff').duration({ positive: true }) ?? d.reconcile.maxBackoff;
  if (maxBackoff < backoff) rec?.get('maxBackoff').error(`must not be shorter than backoff (${backoff}ms)`);
  const z = zone ?? '';
  return {
    zone: z,
    ttl: f.get('ttl').int(0, MAX_TTL) ?? d.ttl,
    owner: readOwner(f.get('owner')) ?? d.owner,
    quorum: readQuorum(f.get('quorum')) ?? d.quorum,
    observationMaxAge: f.get('observationMaxAge').duration({ positive: true }),
    safety: {
      maxChangeShare: safety?.get('maxChangeShare').range(0, 1) ?? d.safety.maxChangeShare,
      minExisting: safety?.get('minExisting').int(0, 1_000_000) ?? d.safety.minExisting,
    },
    audit: { path: at.ctx.resolvePath(audit?.get('path').str() ?? d.auditPath) },
    reconcile: {
      interval: rec?.get('interval').duration({ positive: true }) ?? d.reconcile.interval,
      timeout: rec?.get('timeout').duration({ positive: true }) ?? d.reconcile.timeout,
      backoff,
      maxBackoff,
    },
    providers: readProviders(f.get('providers'), z),
    records: readRecords(f.get('records'), z),
  };
}

function readOwner(at: At): string | undefined {
  const v = at.str();
  // The owner is written into a TXT value next to "," and "=" separators.
  if (v !== undefined && !NAME.test(v)) return at.error(`invalid owner ${at.shown()} (letters, digits, ".", "_" and "-")`);
  return v;
}

function readQuorum(at: At): number | 'majority' | undefined {
  if (!at.present) return undefined;
  const t = at.text();
  if (t === 'majority') return 'majority';
  if (t !== undefined && !/^\d+$/.test(t)) return at.error(`must be a whole number of vantage points or "majority" (got ${at.shown()})`);
  return at.int(1, 1000);
}

