import type { At } from './node.js';

/**
 * The sections of the honest record (incident store, status page, SLA, notifications).
 * Owned by the incidents feature: this file reads and validates them.
 */
export interface StoreConfig {
  /** SQLite file. Default ./detour.db beside the config file. */
  path: string;
}

export function readStore(at: At, resolvePath: (p: string) => string): StoreConfig {
  const f = at.object(['path']);
  const path = f?.get('path').str() ?? './detour.db';
  return { path: resolvePath(path) };
}
