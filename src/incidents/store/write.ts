import type Database from 'better-sqlite3';
import type { NoteRow, TrafficRow, WriteOp } from './ops.js';

const HOUR = 3_600_000;

/**
 * Applies a batch of write operations in one transaction (all or nothing). Runs in the
 * store's worker thread. Returns the ids given to notes, by the caller's reference.
 */
export class Writes {
  readonly #db: Database.Database;
  readonly #stmt: ReturnType<typeof statements>;
  #runId: number | undefined;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#stmt = statements(db);
  }

  apply(ops: readonly WriteOp[]): Array<[number, number]> {
    const notes: Array<[number, number]> = [];
    let runId = this.#runId;
    this.#db.transaction(() => {
      for (const op of ops) {
        switch (op.kind) {
          case 'event': {
            const r = op.row;
            const id = this.#stmt.event.run(r.at, r.type, r.observer, r.service, r.pool, r.provider, r.region, r.endpoint, r.reason, r.evidence, r.data).lastInsertRowid;
            for (const inc of new Set(op.incidents)) this.#stmt.link.run(inc, id);
            break;
          }
          case 'incident': {
            const r = op.row;
            this.#stmt.incident.run(r.id, r.status, r.service, r.provider, r.region, r.startedAt, r.resolvedAt, r.updatedAt, r.data);
            break;
          }
          case 'note':
            notes.push([op.ref, this.#note(op.row)]);
            break;
          case 'traffic':
            for (const row of op.rows) this.#traffic(row);
            break;
          case 'run-start':
            runId = Number(this.#stmt.runStart.run(op.observer, op.at, op.at).lastInsertRowid);
            break;
          case 'heartbeat':
            if (runId !== undefined) this.#stmt.heartbeat.run(op.at, runId);
            break;
          case 'run-stop':
            if (runId !== undefined) this.#stmt.runStop.run(op.at, op.at, runId);
            break;
          case 'topology':
            this.#stmt.topology.run(op.at, op.data);
            break;
          default: {
            const never: never = op;
            throw new Error(`unknown write op ${JSON.stringify(never)}`);
          }
        }
      }
    })();
    this.#runId = runId; // only once committed: a rolled-back run row does not exist
    return notes;
  }

  #note(r: NoteRow): number {
    return Number(this.#stmt.note.run(r.incidentId, r.at, r.actor, r.text, r.status).lastInsertRowid);
  }

  #traffic(r: TrafficRow): void {
    this.#stmt.minute.run(r.minute, r.service, r.pool, r.provider, r.region, r.total, r.failed, r.latencySum, r.latencyCount);
    const hour = Math.floor(r.minute / HOUR) * HOUR;
    this.#stmt.hourly.run(hour, r.service, r.pool, r.provider, r.region, r.total, r.failed, r.latencySum, r.latencyCount);
  }

  /**
   * Deletes what is older than the retention, in chunks so no single transaction is long.
   * Open incidents, and the last topology before the cut (needed to rebuild history), are kept.
   */
  prune(eventsBefore: number, trafficBefore: number): number {
    let deleted = 0;
    const chunk = (stmt: Database.Statement, ...args: unknown[]): void => {
      for (;;) {
        const n = this.#db.transaction(() => stmt.run(...args).changes)();
        deleted += n;
        if (n < 5000) return;
      }
    };
    for (;;) {
      // Links and their events in one transaction, chosen by the same subquery.
      const n = this.#db.transaction(() => {
        this.#stmt.pruneLinks.run(eventsBefore);
        return this.#stmt.pruneEvents.run(eventsBefore).changes;
      })();
      deleted += n;
      if (n < 5000) break;
    }
    chunk(this.#stmt.pruneNotes, eventsBefore);
    chunk(this.#stmt.pruneIncidents, eventsBefore);
    chunk(this.#stmt.pruneMinutes, trafficBefore);
    chunk(this.#stmt.pruneHours, eventsBefore);
    chunk(this.#stmt.pruneRuns, eventsBefore);
    chunk(this.#stmt.pruneTopology, eventsBefore, eventsBefore);
    return deleted;
  }
}

function statements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql);
  const add = `total = total + excluded.total, failed = failed + excluded.failed,
    latency_sum = latency_sum + excluded.latency_sum, latency_count = latency_count + excluded.latency_count`;
  return {
    event: p('INSERT INTO events (at, type, observer, service, pool, provider, region, endpoint, reason, evidence, data) VALUES (?,?,?,?,?,?,?,?,?,?,?)'),
    link: p('INSERT OR IGNORE INTO incident_events (incident_id, event_id) VALUES (?, ?)'),
    incident: p(`INSERT INTO incidents (id, status, service, provider, region, started_at, resolved_at, updated_at, data) VALUES (?,?,?,?,?,?,?,?,?)
      ON CONFLICT(id) DO UPDATE SET status = excluded.status, started_at = excluded.started_at, resolved_at = excluded.resolved_at,
      updated_at = excluded.updated_at, data = excluded.data`),
    note: p('INSERT INTO notes (incident_id, at, actor, text, status) VALUES (?,?,?,?,?)'),
    minute: p(`INSERT INTO traffic (minute, service, pool, provider, region, total, failed, latency_sum, latency_count) VALUES (?,?,?,?,?,?,?,?,?)
      ON CONFLICT(minute, service, pool) DO UPDATE SET ${add}`),
    hourly: p(`INSERT INTO traffic_hourly (hour, service, pool, provider, region, total, failed, latency_sum, latency_count) VALUES (?,?,?,?,?,?,?,?,?)
      ON CONFLICT(hour, service, pool) DO UPDATE SET ${add}`),
    runStart: p('INSERT INTO runs (observer, started_at, last_seen_at) VALUES (?,?,?)'),
    heartbeat: p('UPDATE runs SET last_seen_at = ? WHERE id = ?'),
    runStop: p('UPDATE runs SET stopped_at = ?, last_seen_at = ? WHERE id = ?'),
    topology: p('INSERT INTO topology (at, data) VALUES (?, ?)'),
    pruneLinks: p('DELETE FROM incident_events WHERE event_id IN (SELECT id FROM events WHERE at < ? ORDER BY id LIMIT 5000)'),
    pruneEvents: p('DELETE FROM events WHERE id IN (SELECT id FROM events WHERE at < ? ORDER BY id LIMIT 5000)'),
    pruneNotes: p(`DELETE FROM notes WHERE id IN (SELECT n.id FROM notes n JOIN incidents i ON i.id = n.incident_id
      WHERE i.resolved_at IS NOT NULL AND i.resolved_at < ? LIMIT 5000)`),
    pruneIncidents: p('DELETE FROM incidents WHERE id IN (SELECT id FROM incidents WHERE resolved_at IS NOT NULL AND resolved_at < ? LIMIT 5000)'),
    pruneMinutes: p('DELETE FROM traffic WHERE (minute, service, pool) IN (SELECT minute, service, pool FROM traffic WHERE minute < ? LIMIT 5000)'),
    pruneHours: p('DELETE FROM traffic_hourly WHERE (hour, service, pool) IN (SELECT hour, service, pool FROM traffic_hourly WHERE hour < ? LIMIT 5000)'),
    pruneRuns: p('DELETE FROM runs WHERE id IN (SELECT id FROM runs WHERE last_seen_at < ? LIMIT 5000)'),
    pruneTopology: p(`DELETE FROM topology WHERE id IN (SELECT id FROM topology WHERE at < ?
      AND id < (SELECT COALESCE(MAX(id), 0) FROM topology WHERE at < ?) LIMIT 5000)`),
  };
}
