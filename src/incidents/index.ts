/**
 * The honest record: every bus event persisted in SQLite, grouped into incidents with a
 * lifecycle, operators' notes, traffic samples, and a Markdown postmortem export.
 *
 *   features.push(new RecordFeature(cfg, log));          // in `detour start`
 *   const record = recordOf(gw);                          // another feature (status page)
 *   await record?.incidents({ limit: 20 });
 *   const ro = openRecord(cfg.store.path);                // read-only, for the CLI
 *
 * `IncidentLog` is the stable API (src/incidents/types.ts); it is also the status page's
 * `IncidentSource`. An event is *acknowledged* once its SQLite transaction committed
 * (WAL, synchronous=FULL, in the store's worker thread): acknowledged events survive
 * kill -9 and power loss. `health().acknowledged` counts them.
 */
import { systemClock } from '../common/index.js';
import { RecordLog } from './log.js';
import { StoreReader } from './store/read.js';
import type { IncidentLog } from './types.js';

export { RecordFeature, recordOf, type RecordOptions } from './feature.js';
export { renderPostmortem, type PostmortemOptions } from './postmortem.js';
export { eventRow } from './row.js';
export { StoreWriter, type WriterOptions } from './store/writer.js';
export { SCHEMA_VERSION } from './store/schema.js';
export type { WriteOp } from './store/ops.js';
export * from './types.js';

/** The store at `path`, read-only (reports, exports); fails with DETOUR_STORE_IO on first use if it cannot be read. */
export function openRecord(path: string): IncidentLog & { close(): void } {
  const reader = new StoreReader(path);
  const log = new RecordLog({
    reader, clock: systemClock,
    health: () => ({ state: 'ok', path, error: null, since: 0, pending: 0, dropped: 0, acknowledged: 0, lastCommitAt: null }),
  });
  return Object.assign(log, { close: () => reader.close() });
}
