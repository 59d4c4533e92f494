import { writeFile } from 'node:fs/promises';
import { isConfigError, loadConfig, type DetourConfig } from '../config/index.js';
import type { ReportFormat } from '../sla/index.js';

export const REPORT_HELP = `  detour report --config F --month YYYY-MM [--format md|json|csv] [--out FILE]
                                                  monthly SLA report: measured availability per provider,
                                                  region and service against published SLA tiers, credit owed`;

/** `detour report`: reads the store named by the config (read-only; works while the gateway runs). */
export async function reportCommand(flags: ReadonlyMap<string, string | true>, out: (s: string) => void): Promise<number> {
  const month = flags.get('month');
  const format = flags.get('format') ?? 'md';
  if (typeof month !== 'string') return usage(out, '--month YYYY-MM is required');
  if (format !== 'md' && format !== 'json' && format !== 'csv') return usage(out, `--format must be md, json or csv, got "${String(format)}"`);
  const cfg = await config(flags, out);
  if (!cfg) return 1;
  // Loaded on use: other commands should not pay for SQLite and the SLA tables.
  const { buildReport, formatReport, parseMonth } = await import('../sla/index.js');
  const { openRecord } = await import('../incidents/index.js');
  const m = parseMonth(month, cfg.sla.utcOffsetMinutes);
  if (!m) return usage(out, `--month must be YYYY-MM, got "${month}"`);
  const record = openRecord(cfg.store.path);
  try {
    const text = formatReport(await buildReport(record, cfg, m, Date.now()), format as ReportFormat);
    return await emit(text, flags.get('out'), out);
  } catch (err) {
    out(`cannot build the report: ${(err as Error).message}`);
    return 1;
  } finally {
    record.close();
  }
}

export async function config(flags: ReadonlyMap<string, string | true>, out: (s: string) => void): Promise<DetourConfig | undefined> {
  const path = flags.get('config');
  const file = typeof path === 'string' ? path : 'detour.yaml';
  try {
    return await loadConfig(file);
  } catch (err) {
    out(isConfigError(err) ? err.message : `cannot load ${file}: ${(err as Error).message}`);
    return undefined;
  }
}

export async function emit(text: string, file: string | true | undefined, out: (s: string) => void): Promise<number> {
  if (typeof file === 'string') {
    await writeFile(file, text);
    out(`wrote ${file}`);
  } else {
    out(text.replace(/\n$/, ''));
  }
  return 0;
}

export function usage(out: (s: string) => void, msg: string): number {
  out(msg);
  return 2;
}
