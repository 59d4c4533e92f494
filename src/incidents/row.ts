import type { DetourEvent } from '../model/index.js';
import type { EventRow } from './store/ops.js';

/**
 * The columns the admin API filters on, read from any event type (including ones added
 * later: they are stored whole in `data` either way, so no event type needs a migration).
 */
export function eventRow(e: DetourEvent): EventRow {
  const r = e as unknown as Record<string, unknown>;
  const s = (k: string): string | null => (typeof r[k] === 'string' && r[k] !== '' ? (r[k] as string) : null);
  const pool = e.type === 'pool.active' ? (e.to?.pool ?? e.from?.pool ?? null) : s('pool');
  const evidence = typeof r['evidence'] === 'object' && r['evidence'] !== null ? JSON.stringify(r['evidence']) : null;
  return {
    at: e.at, type: e.type, observer: e.observer,
    service: s('service'), pool, provider: s('provider'), region: s('region'), endpoint: s('endpoint') ?? s('record'),
    reason: s('reason') ?? s('error') ?? s('message') ?? s('text'),
    evidence, data: JSON.stringify(e),
  };
}
