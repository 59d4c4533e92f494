import type { IncidentRow } from './store/ops.js';
import type { IncidentStatus, IncidentSummary } from './types.js';

/**
 * An incident as the tracker keeps it and the store persists it (as JSON in
 * incidents.data). `failing` holds endpoint ids (`service/pool/url`) that are out of
 * service now; the incident is in monitoring when it is empty.
 */
export interface IncidentState {
  id: string;
  /** Grouping key: service + provider/region (or the pool, for pools without labels). */
  key: string;
  service: string;
  provider: string | null;
  region: string | null;
  status: IncidentStatus;
  pools: string[];
  endpoints: string[];
  failing: string[];
  startedAt: number;
  detectedAt: number;
  mitigatedAt: number | null;
  monitoringAt: number | null;
  recoveredAt: number | null;
  resolvedAt: number | null;
  updatedAt: number;
  clientErrors: number;
  events: number;
  manual: boolean;
}

/** What incidents are grouped by: one per service and provider/region, as the issue asks. */
export function incidentKey(service: string, pool: string, provider: string | undefined | null, region: string | undefined | null): string {
  return provider || region ? `${service}|${provider ?? ''}|${region ?? ''}` : `${service}|pool:${pool}`;
}

export function titleOf(s: Pick<IncidentState, 'service' | 'provider' | 'region' | 'pools'>): string {
  const where = [s.provider, s.region].filter((x): x is string => !!x).join(' ') || `pool ${s.pools.join('+')}`;
  return `${s.service}: ${where} failing`;
}

export function summarize(s: IncidentState): IncidentSummary {
  return {
    id: s.id, status: s.status, title: titleOf(s), service: s.service,
    pool: s.pools[0] ?? null, pools: [...s.pools], endpoints: [...s.endpoints],
    provider: s.provider, region: s.region,
    startedAt: s.startedAt, detectedAt: s.detectedAt, mitigatedAt: s.mitigatedAt,
    monitoringAt: s.monitoringAt, recoveredAt: s.recoveredAt, resolvedAt: s.resolvedAt, updatedAt: s.updatedAt,
    detectionDelayMs: s.detectedAt - s.startedAt,
    timeToMitigateMs: s.mitigatedAt === null ? null : s.mitigatedAt - s.startedAt,
    durationMs: s.recoveredAt === null ? null : s.recoveredAt - s.startedAt,
    clientErrors: s.clientErrors, events: s.events, manual: s.manual,
  };
}

export function incidentRow(s: IncidentState): IncidentRow {
  return {
    id: s.id, status: s.status, service: s.service, provider: s.provider, region: s.region,
    startedAt: s.startedAt, resolvedAt: s.resolvedAt, updatedAt: s.updatedAt, data: JSON.stringify(s),
  };
}

/** `YYYYMMDD-HHMM` in UTC: readable, sortable, and typed easily in `detour incident export`. */
export function baseId(at: number): string {
  const iso = new Date(at).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}`;
}
