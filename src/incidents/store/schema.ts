import type Database from 'better-sqlite3';

/**
 * Versioned schema. `PRAGMA user_version` holds the version applied; each migration
 * runs in its own transaction, so a crash mid-migration leaves the previous version.
 * Never edit a shipped migration: append a new one.
 *
 * - events: every bus event, with the columns the admin API filters on and the whole
 *   event as JSON (`data`), so new event types are stored without a migration.
 * - incidents (+ incident_events, notes): the grouped record and operators' notes.
 * - traffic / traffic_hourly: per-minute and per-hour request and attempt counts from
 *   the metrics sampler; pool '' holds a service's client-facing totals.
 * - runs / topology: when Detour observed (gaps are "no data", not "up") and which
 *   endpoints made up each pool then, so availability can be rebuilt for any month.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (
     id INTEGER PRIMARY KEY,
     at INTEGER NOT NULL,
     type TEXT NOT NULL,
     observer TEXT NOT NULL,
     service TEXT, pool TEXT, provider TEXT, region TEXT, endpoint TEXT, reason TEXT,
     evidence TEXT,
     data TEXT NOT NULL
   );
   CREATE INDEX events_at ON events(at);
   CREATE INDEX events_type_at ON events(type, at);
   CREATE INDEX events_service_at ON events(service, at);
   CREATE TABLE incidents (
     id TEXT PRIMARY KEY,
     status TEXT NOT NULL,
     service TEXT NOT NULL,
     provider TEXT, region TEXT,
     started_at INTEGER NOT NULL,
     resolved_at INTEGER,
     updated_at INTEGER NOT NULL,
     data TEXT NOT NULL
   );
   CREATE INDEX incidents_started ON incidents(started_at);
   CREATE TABLE incident_events (
     incident_id TEXT NOT NULL,
     event_id INTEGER NOT NULL,
     PRIMARY KEY (incident_id, event_id)
   ) WITHOUT ROWID;
   CREATE INDEX incident_events_event ON incident_events(event_id);
   CREATE TABLE notes (
     id INTEGER PRIMARY KEY,
     incident_id TEXT NOT NULL,
     at INTEGER NOT NULL,
     actor TEXT NOT NULL,
     text TEXT NOT NULL,
     status TEXT
   );
   CREATE INDEX notes_incident ON notes(incident_id, at);
   CREATE TABLE traffic (
     minute INTEGER NOT NULL, service TEXT NOT NULL, pool TEXT NOT NULL,
     provider TEXT, region TEXT,
     total INTEGER NOT NULL, failed INTEGER NOT NULL,
     latency_sum REAL NOT NULL, latency_count INTEGER NOT NULL,
     PRIMARY KEY (minute, service, pool)
   ) WITHOUT ROWID;
   CREATE TABLE traffic_hourly (
     hour INTEGER NOT NULL, service TEXT NOT NULL, pool TEXT NOT NULL,
     provider TEXT, region TEXT,
     total INTEGER NOT NULL, failed INTEGER NOT NULL,
     latency_sum REAL NOT NULL, latency_count INTEGER NOT NULL,
     PRIMARY KEY (hour, service, pool)
   ) WITHOUT ROWID;
   CREATE TABLE runs (
     id INTEGER PRIMARY KEY,
     observer TEXT NOT NULL,
     started_at INTEGER NOT NULL,
     last_seen_at INTEGER NOT NULL,
     stopped_at INTEGER
   );
   CREATE TABLE topology (
     id INTEGER PRIMARY KEY,
     at INTEGER NOT NULL,
     data TEXT NOT NULL
   );
   CREATE INDEX topology_at ON topology(at);`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Applies the migrations this file has that the database lacks; refuses a database from a newer Detour. */
export function migrate(db: Database.Database): { from: number; to: number } {
  const from = Number(db.pragma('user_version', { simple: true }));
  if (from > SCHEMA_VERSION) {
    throw new Error(`the store has schema version ${from}, but this Detour knows only up to ${SCHEMA_VERSION}: it was written by a newer Detour`);
  }
  for (let v = from; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return { from, to: SCHEMA_VERSION };
}
