import type { DetourConfig } from './types.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * The normalized plan as plain JSON, for `detour check` and the admin API: every field
 * shown (undefined becomes null, so "no value" is visible rather than missing) and the
 * admin token replaced by "[redacted]". Durations stay in milliseconds, sizes in bytes.
 */
export function describeConfig(cfg: DetourConfig): { [key: string]: JsonValue } {
  const plan = toJson(cfg) as { [key: string]: JsonValue };
  const admin = plan['admin'];
  if (admin !== null && typeof admin === 'object' && !Array.isArray(admin) && admin['token'] !== null) {
    admin['token'] = '[redacted]';
  }
  return plan;
}

function toJson(value: unknown): JsonValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(toJson);
  // What a value says it is in JSON (a Secret says "[redacted]"): its own fields are private.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return toJson((value as { toJSON(): unknown }).toJSON());
  if (typeof value === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJson(v);
    return out;
  }
  return null; // functions, symbols, bigints: not part of a config
}
