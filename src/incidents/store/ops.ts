/**
 * Messages between the main thread (src/incidents/store/writer.ts) and the store's
 * worker thread (worker.ts). Plain data only: they cross a MessagePort.
 */
export interface EventRow {
  at: number;
  type: string;
  observer: string;
  service: string | null;
  pool: string | null;
  provider: string | null;
  region: string | null;
  endpoint: string | null;
  reason: string | null;
  evidence: string | null;
  data: string;
}

export interface IncidentRow {
  id: string;
  status: string;
  service: string;
  provider: string | null;
  region: string | null;
  startedAt: number;
  resolvedAt: number | null;
  updatedAt: number;
  data: string;
}

export interface NoteRow {
  incidentId: string;
  at: number;
  actor: string;
  text: string;
  status: string | null;
}

export interface TrafficRow {
  minute: number;
  service: string;
  /** '' for the service's client-facing totals. */
  pool: string;
  provider: string | null;
  region: string | null;
  total: number;
  failed: number;
  latencySum: number;
  latencyCount: number;
}

export type WriteOp =
  | { kind: 'event'; row: EventRow; incidents: string[] }
  | { kind: 'incident'; row: IncidentRow }
  | { kind: 'note'; ref: number; row: NoteRow }
  | { kind: 'traffic'; rows: TrafficRow[] }
  | { kind: 'run-start'; observer: string; at: number }
  | { kind: 'heartbeat'; at: number }
  | { kind: 'run-stop'; at: number }
  | { kind: 'topology'; at: number; data: string };

export type ToWorker =
  | { type: 'batch'; id: number; ops: WriteOp[] }
  | { type: 'prune'; eventsBefore: number; trafficBefore: number }
  | { type: 'close' };

export type FromWorker =
  | { type: 'opened'; movedAside: string | null; corruption: string | null }
  | { type: 'committed'; id: number; notes: Array<[number, number]> }
  | { type: 'failed'; id: number; error: string; op: 'open' | 'write' }
  | { type: 'pruned'; deleted: number }
  | { type: 'prune-failed'; error: string }
  | { type: 'closed' };
