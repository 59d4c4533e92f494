/**
 * What the status page needs from the incident store (src/incidents). The page is built
 * against this interface so it runs with the in-memory source (memory-source.ts) until
 * the store is wired in, and so tests can feed it scripted events. Times are epoch ms.
 */
import type { Disposable } from '../common/index.js';
import type { IncidentStatus, TimelineKind } from '../incidents/types.js';

// The store's vocabulary, shared by type only (no store code is loaded by the page).
export type { IncidentStatus, TimelineKind };


/** One row of GET /api/incidents (the contract). */
export interface IncidentSummary {
  id: string;
  status: IncidentStatus;
  /** Operator-facing title (the store's; may name pools and providers). */
  title?: string;
  service: string;
  /** Pools affected, in the order they were affected. */
  pools: string[];
  provider: string | null;
  region: string | null;
  startedAt: number;
  mitigatedAt: number | null;
  resolvedAt: number | null;
  /** Requests that reached a client as an error during the incident. */
  clientErrors: number;
}

/**
 * A timeline entry. `kind`, `service` and `pool` are structured so the public page can
 * word them itself; `text` is the operator's view and may contain addresses or reasons,
 * so it is shown on the authenticated dashboard only.
 */
export interface TimelineEntry {
  at: number;
  kind: TimelineKind;
  service: string;
  pool?: string;
  text: string;
}

export interface Incident extends IncidentSummary {
  timeline: TimelineEntry[];
}

/** What is measured per day (UTC): availability and how long it was down or degraded. */
export interface DayUptime {
  day: string; // YYYY-MM-DD
  /** Share of the observed part of the day that was up; null = nothing observed that day. */
  availability: number | null;
  downMs: number;
  degradedMs: number;
}

export type ComponentRef =
  | { kind: 'service'; service: string }
  | { kind: 'pool'; service: string; pool: string }
  | { kind: 'provider'; provider: string };

export interface IncidentSource {
  /** Most recent first; open incidents are always included. */
  incidents(opts: { limit: number; now: number }): Promise<IncidentSummary[]>;
  incident(id: string, now: number): Promise<Incident | undefined>;
  /** The last `days` UTC days ending with today, oldest first (always `days` items). */
  uptime(component: ComponentRef, days: number, now: number): Promise<DayUptime[]>;
  /** Called after anything the page shows changed (new incident, status, note). */
  onChange(fn: () => void): Disposable;
  /** Operator notes from the dashboard; absent when the source is read-only. */
  addNote?(id: string, text: string, actor: string, now: number): Promise<unknown>;
  /** An operator's status change (with an optional note); absent when the source is read-only. */
  setStatus?(id: string, status: IncidentStatus, actor: string, note?: string): Promise<unknown>;
}

export function componentKey(c: ComponentRef): string {
  switch (c.kind) {
    case 'service':
      return `service:${c.service}`;
    case 'pool':
      return `pool:${c.service}/${c.pool}`;
    case 'provider':
      return `provider:${c.provider}`;
    default: {
      const never: never = c;
      return never;
    }
  }
}
