import type { Disposable } from '../common/index.js';
import type { DetourEvent, Evidence } from '../model/index.js';
import type { History } from '../sla/index.js';

/**
 * The public shape of the honest record: what the admin API, the status page
 * (src/status), `detour report` and `detour incident export` read. Times are epoch ms.
 * Stable: add fields, never rename or remove them.
 */
export type IncidentStatus = 'detected' | 'mitigated' | 'monitoring' | 'resolved';
export const INCIDENT_STATUSES = ['detected', 'mitigated', 'monitoring', 'resolved'] as const satisfies readonly IncidentStatus[];

/** One bus event as committed to the store. `id` grows in commit order. */
export interface StoredEvent {
  id: number;
  at: number;
  type: DetourEvent['type'];
  observer: string;
  service: string | null;
  pool: string | null;
  provider: string | null;
  region: string | null;
  endpoint: string | null;
  reason: string | null;
  evidence: Evidence | null;
  /** The event exactly as it was on the bus. */
  event: DetourEvent;
  /** Incidents this event belongs to. */
  incidents: string[];
}

export interface EventQuery {
  /** Events at or after this time (epoch ms). */
  since?: number;
  until?: number;
  /** Only events with an id above this (for polling without gaps or repeats). */
  afterId?: number;
  service?: string;
  types?: readonly string[];
  /** Default 500, at most 5000. Oldest first. */
  limit?: number;
}

/** One row of GET /api/incidents. */
export interface IncidentSummary {
  /** `YYYYMMDD-HHMM` (UTC, detection time), `-2`, `-3`… when two start in the same minute. */
  id: string;
  status: IncidentStatus;
  /** e.g. "api: tencent ap-guangzhou failing". */
  title: string;
  service: string;
  /** The first affected pool (the contract's `pool`); `pools` lists all, in the order they were affected. */
  pool: string | null;
  pools: string[];
  /** Endpoint URLs affected (internal addresses: the public page must not show them). */
  endpoints: string[];
  provider: string | null;
  region: string | null;
  /** First failure evidence Detour saw (a failed request or check), at most `detectedAt`. */
  startedAt: number;
  /** When Detour took the first endpoint out of service. */
  detectedAt: number;
  /** When no client traffic went to a failing endpoint any more (failover or ejection). */
  mitigatedAt: number | null;
  /** The last time every affected endpoint was healthy again. */
  monitoringAt: number | null;
  /** End of the outage: `monitoringAt` of the recovery that held for the quiet period. */
  recoveredAt: number | null;
  /** When the incident was closed (quiet period over, or an operator resolved it). */
  resolvedAt: number | null;
  updatedAt: number;
  /** startedAt → detectedAt. */
  detectionDelayMs: number;
  /** startedAt → mitigatedAt. */
  timeToMitigateMs: number | null;
  /** startedAt → recoveredAt; null while not recovered. */
  durationMs: number | null;
  /** Requests answered to clients with a 5xx while the incident was open (whole service). */
  clientErrors: number;
  /** Events linked to the incident. */
  events: number;
  /** The status was last set by an operator. */
  manual: boolean;
}

/** Timeline entry kinds; the status page (src/status/source.ts) uses this type, so entries can be shown as they are. */
export type TimelineKind =
  | 'detected' | 'endpoint-down' | 'endpoint-up' | 'failover' | 'failback' | 'all-down'
  | 'mitigated' | 'monitoring' | 'resolved' | 'override' | 'note';

export interface TimelineEntry {
  at: number;
  kind: TimelineKind;
  service: string;
  pool?: string;
  /** Operator's wording; may name endpoints and reasons (dashboard only). */
  text: string;
  /** The stored event behind the entry (absent for notes). */
  eventId?: number;
  /** Who did it: an operator (`admin@…`) or `detour` for automatic actions. */
  actor: string;
  /** True for what Detour did by itself (ejections, failovers, DNS changes). */
  automatic: boolean;
  /** The failed check or request behind it (status, error code such as InternalError). */
  evidence?: Evidence;
}

export interface IncidentNote {
  id: number;
  incidentId: string;
  at: number;
  actor: string;
  text: string;
  /** Set when the note came with a status change. */
  status: IncidentStatus | null;
}

export interface IncidentDetail extends IncidentSummary {
  /** Everything in order: automatic actions, health changes, lifecycle, notes. */
  timeline: TimelineEntry[];
  /** The automatic actions only, in order. */
  actions: TimelineEntry[];
  notes: IncidentNote[];
  /** Other incidents of the same provider that overlapped in time (e.g. the other regions of one outage). */
  related: string[];
}

export interface IncidentQuery {
  /** Default 100. Most recent first; open incidents are always included. */
  limit?: number;
  now?: number;
  status?: 'open' | 'resolved' | 'all';
  /** Incidents that were open at some point at or after this time. */
  since?: number;
  until?: number;
  service?: string;
}

/** What the status page draws bars for. */
export type ComponentRef =
  | { kind: 'service'; service: string }
  | { kind: 'pool'; service: string; pool: string }
  | { kind: 'provider'; provider: string };

/** One UTC day of a component. */
export interface DayUptime {
  day: string; // YYYY-MM-DD
  /** Share of the observed part of the day that was not down; null = Detour did not run that day. */
  availability: number | null;
  downMs: number;
  /** Part of a pool out, or traffic on a backup tier: shown, but counted as available. */
  degradedMs: number;
}

/** Requests and attempts per time bucket (from the metrics sampler). */
export interface TrafficPoint {
  at: number; // bucket start
  service: string;
  /** null: the service's client-facing totals; otherwise one pool's upstream attempts. */
  pool: string | null;
  provider: string | null;
  region: string | null;
  /** Client requests (pool null) or upstream attempts (pool set). */
  total: number;
  /** 5xx answered to clients (pool null) or failed attempts (pool set). */
  failed: number;
  /** Mean upstream latency in the bucket (pool rows only). */
  latencyMs: number | null;
}

export interface TrafficQuery {
  since: number;
  until: number;
  step: 'minute' | 'hour' | 'day';
  service?: string;
  /** null: service totals only; a name: that pool; absent: everything. */
  pool?: string | null;
}

export interface StoreHealth {
  /** ok: committing; failing: writes are held in memory and retried; closed: stopped. */
  state: 'starting' | 'ok' | 'failing' | 'closed';
  path: string;
  error: string | null;
  since: number;
  /** Events waiting in memory (not yet acknowledged). */
  pending: number;
  /** Events lost because the memory bound was reached while the store was failing. */
  dropped: number;
  /** Events committed since start: these survive a kill -9. */
  acknowledged: number;
  lastCommitAt: number | null;
}

export type RecordChange =
  | { kind: 'incident'; id: string; status: IncidentStatus }
  | { kind: 'note'; id: string };

/**
 * The read/write face of the store. It is the status page's `IncidentSource`
 * (src/status/source.ts) as is: same method names, argument shapes and field names.
 */
export interface IncidentLog {
  health(): StoreHealth;
  events(q?: EventQuery): Promise<StoredEvent[]>;
  incidents(q?: IncidentQuery): Promise<IncidentSummary[]>;
  incident(id: string, now?: number): Promise<IncidentDetail | undefined>;
  /** Resolves once the note is committed. */
  addNote(id: string, text: string, actor: string, now?: number): Promise<IncidentNote>;
  /** An operator's status; automatic changes continue from the next event. Resolves once committed. */
  setStatus(id: string, status: IncidentStatus, actor: string, note?: string): Promise<IncidentSummary>;
  /** The last `days` UTC days ending with today, oldest first (always `days` items). */
  uptime(component: ComponentRef, days: number, now: number): Promise<DayUptime[]>;
  traffic(q: TrafficQuery): Promise<TrafficPoint[]>;
  /** Runs, topology and endpoint health changes to rebuild any component's availability in [from, to). */
  history(from: number, to: number, now: number): Promise<History>;
  /** After an incident or note change is committed. */
  onChange(fn: (change: RecordChange) => void): Disposable;
}
