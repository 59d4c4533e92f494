import type Database from 'better-sqlite3';
import { DetourError } from '../../errors/index.js';
import type { DetourEvent, EffectiveHealth, Evidence } from '../../model/index.js';
import type { History, TopologyService } from '../../sla/index.js';
import type { IncidentState } from '../incident.js';
import type { EventQuery, IncidentNote, IncidentQuery, IncidentStatus, StoredEvent, TrafficPoint, TrafficQuery } from '../types.js';
import { openReader } from './open.js';
import type { TrafficRow } from './ops.js';

type Row = Record<string, unknown>;

const num = (v: unknown): number => Number(v);
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/**
 * Queries on a separate read connection. In WAL mode readers never wait for the writer
 * and see only committed transactions: what this returns is acknowledged. Queries are
 * indexed and bounded (limits), so they are short even on the gateway's thread.
 */
export class StoreReader {
  #db: Database.Database | undefined;

  constructor(readonly path: string) {}

  close(): void {
    this.#db?.close();
    this.#db = undefined;
  }

  events(q: EventQuery = {}): StoredEvent[] {
    const { where, args, add } = conditions();
    if (q.since !== undefined) add('e.at >= ?', q.since);
    if (q.until !== undefined) add('e.at < ?', q.until);
    if (q.afterId !== undefined) add('e.id > ?', q.afterId);
    if (q.service !== undefined) add('e.service = ?', q.service);
    if (q.types !== undefined && q.types.length > 0) add(`e.type IN (${q.types.map(() => '?').join(',')})`, ...q.types);
    const limit = Math.min(Math.max(1, q.limit ?? 500), 5000);
    return this.#all(`SELECT e.*, (SELECT group_concat(incident_id) FROM incident_events l WHERE l.event_id = e.id) AS incidents
      FROM events e ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.id LIMIT ${limit}`, ...args).map(toEvent);
  }

  incidentEvents(id: string): StoredEvent[] {
    return this.#all(`SELECT e.*, (SELECT group_concat(incident_id) FROM incident_events x WHERE x.event_id = e.id) AS incidents
      FROM incident_events l JOIN events e ON e.id = l.event_id WHERE l.incident_id = ? ORDER BY e.id`, id).map(toEvent);
  }

  incident(id: string): IncidentState | undefined {
    const r = this.#get('SELECT data FROM incidents WHERE id = ?', id);
    return r ? (JSON.parse(String(r['data'])) as IncidentState) : undefined;
  }

  idExists(id: string): boolean {
    return this.#get('SELECT 1 AS x FROM incidents WHERE id = ?', id) !== undefined;
  }

  incidents(q: IncidentQuery = {}): IncidentState[] {
    const { where, args, add } = conditions();
    if (q.status === 'open') where.push('resolved_at IS NULL');
    if (q.status === 'resolved') where.push('resolved_at IS NOT NULL');
    if (q.since !== undefined) add('(resolved_at IS NULL OR resolved_at >= ?)', q.since);
    if (q.until !== undefined) add('started_at < ?', q.until);
    if (q.service !== undefined) add('service = ?', q.service);
    const limit = Math.min(Math.max(1, q.limit ?? 100), 5000);
    return this.#all(`SELECT data FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY started_at DESC LIMIT ${limit}`, ...args).map((r) => JSON.parse(String(r['data'])) as IncidentState);
  }

  eventCounts(ids: readonly string[]): Map<string, number> {
    if (ids.length === 0) return new Map();
    const rows = this.#all(`SELECT incident_id, COUNT(*) AS n FROM incident_events WHERE incident_id IN (${ids.map(() => '?').join(',')}) GROUP BY incident_id`, ...ids);
    return new Map(rows.map((r) => [String(r['incident_id']), num(r['n'])]));
  }

  notes(id: string): IncidentNote[] {
    return this.#all('SELECT * FROM notes WHERE incident_id = ? ORDER BY at, id', id).map((r) => ({
      id: num(r['id']), incidentId: String(r['incident_id']), at: num(r['at']), actor: String(r['actor']), text: String(r['text']),
      status: (str(r['status']) as IncidentStatus | null),
    }));
  }

  /** Incidents of the same provider that overlapped [from, to]. */
  related(provider: string, from: number, to: number, except: string): string[] {
    return this.#all(`SELECT id FROM incidents WHERE provider = ? AND id <> ? AND started_at <= ? AND (resolved_at IS NULL OR resolved_at >= ?)
      ORDER BY started_at`, provider, except, to, from).map((r) => String(r['id']));
  }

  /** Runs, topology snapshots and endpoint health changes needed to rebuild [from, to). `now` ends the live run. */
  history(from: number, to: number, now: number, liveRunStart?: number): History {
    const runs = this.#all(`SELECT started_at, last_seen_at, stopped_at FROM runs
      WHERE started_at < ? AND COALESCE(stopped_at, last_seen_at) >= ? OR started_at = ? ORDER BY started_at`, to, from, liveRunStart ?? -1)
      .map((r) => ({ start: num(r['started_at']), end: num(r['started_at']) === liveRunStart ? now : num(r['stopped_at'] ?? r['last_seen_at']) }));
    const earliest = Math.min(from, ...runs.map((r) => r.start));
    const topologies = this.#all(`SELECT at, data FROM topology WHERE at >= ? AND at < ?
      UNION SELECT at, data FROM (SELECT at, data FROM topology WHERE at < ? ORDER BY at DESC LIMIT 1) ORDER BY at`, earliest, to, earliest)
      .map((r) => ({ at: num(r['at']), services: JSON.parse(String(r['data'])) as TopologyService[] }));
    const changes = this.#all(`SELECT at, service, pool, endpoint, json_extract(data, '$.to') AS health FROM events
      WHERE type = 'endpoint.health' AND at >= ? AND at < ? ORDER BY id`, earliest, to)
      .map((r) => ({ at: num(r['at']), service: String(r['service']), pool: String(r['pool']), endpoint: String(r['endpoint']), to: String(r['health']) as EffectiveHealth }));
    return { runs, topologies, changes };
  }

  traffic(q: TrafficQuery): TrafficPoint[] {
    const step = q.step === 'minute' ? 60_000 : q.step === 'hour' ? 3_600_000 : 86_400_000;
    const [table, col] = q.step === 'minute' ? ['traffic', 'minute'] : ['traffic_hourly', 'hour'];
    const { where, args, add } = conditions();
    add(`${col} >= ?`, q.since);
    add(`${col} < ?`, q.until);
    if (q.service !== undefined) add('service = ?', q.service);
    if (q.pool !== undefined) add('pool = ?', q.pool ?? '');
    return this.#all(`SELECT (${col} / ${step}) * ${step} AS bucket, service, pool, MAX(provider) AS provider, MAX(region) AS region,
      SUM(total) AS total, SUM(failed) AS failed, SUM(latency_sum) AS ls, SUM(latency_count) AS lc
      FROM ${table} WHERE ${where.join(' AND ')} GROUP BY bucket, service, pool ORDER BY bucket, service, pool LIMIT 100000`, ...args)
      .map((r) => ({
        at: num(r['bucket']), service: String(r['service']), pool: r['pool'] === '' ? null : String(r['pool']),
        provider: str(r['provider']), region: str(r['region']), total: num(r['total']), failed: num(r['failed']),
        latencyMs: num(r['lc']) > 0 ? num(r['ls']) / num(r['lc']) : null,
      }));
  }

  /** Per-minute rows since `since` (to warm the burn-rate windows after a restart). */
  minutes(since: number): TrafficRow[] {
    return this.#all('SELECT * FROM traffic WHERE minute >= ? ORDER BY minute', since).map((r) => ({
      minute: num(r['minute']), service: String(r['service']), pool: String(r['pool']), provider: str(r['provider']), region: str(r['region']),
      total: num(r['total']), failed: num(r['failed']), latencySum: num(r['latency_sum']), latencyCount: num(r['latency_count']),
    }));
  }

  #all(sql: string, ...args: unknown[]): Row[] {
    return this.#run((db) => db.prepare(sql).all(...args) as Row[]);
  }

  #get(sql: string, ...args: unknown[]): Row | undefined {
    return this.#run((db) => db.prepare(sql).get(...args) as Row | undefined);
  }

  /** One retry on a fresh connection: the writer may have replaced a corrupt file since. */
  #run<T>(fn: (db: Database.Database) => T): T {
    for (let attempt = 0; ; attempt++) {
      try {
        this.#db ??= openReader(this.path);
        return fn(this.#db);
      } catch (err) {
        this.close();
        if (attempt >= 1) throw new DetourError('DETOUR_STORE_IO', `cannot read the store at ${this.path}: ${(err as Error).message}`, { cause: err });
      }
    }
  }
}

function conditions() {
  const where: string[] = [];
  const args: unknown[] = [];
  return { where, args, add: (sql: string, ...values: unknown[]) => void (where.push(sql), args.push(...values)) };
}

function toEvent(r: Row): StoredEvent {
  return {
    id: num(r['id']), at: num(r['at']), type: String(r['type']) as DetourEvent['type'], observer: String(r['observer']),
    service: str(r['service']), pool: str(r['pool']), provider: str(r['provider']), region: str(r['region']),
    endpoint: str(r['endpoint']), reason: str(r['reason']),
    evidence: r['evidence'] === null ? null : (JSON.parse(String(r['evidence'])) as Evidence),
    event: JSON.parse(String(r['data'])) as DetourEvent,
    incidents: r['incidents'] === null || r['incidents'] === undefined ? [] : String(r['incidents']).split(','),
  };
}
