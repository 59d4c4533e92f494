import { formatDuration } from '../common/index.js';
import { config, emit, usage } from './report.js';

export const INCIDENT_HELP = `  detour incident list --config F                 incidents in the store, most recent first
  detour incident export ID --config F [--out FILE]
                                                  a Markdown postmortem skeleton with the timeline filled in`;

/** `detour incident list|export`: reads the store named by the config (read-only). */
export async function incidentCommand(positional: readonly string[], flags: ReadonlyMap<string, string | true>, out: (s: string) => void): Promise<number> {
  const [sub, id] = positional;
  if (sub !== 'list' && sub !== 'export') return usage(out, `usage:\n${INCIDENT_HELP}`);
  if (sub === 'export' && id === undefined) return usage(out, 'detour incident export needs an incident ID (see "detour incident list")');
  const cfg = await config(flags, out);
  if (!cfg) return 1;
  const { openRecord, renderPostmortem } = await import('../incidents/index.js');
  const record = openRecord(cfg.store.path);
  try {
    if (sub === 'list') {
      const list = await record.incidents({ limit: 50 });
      if (list.length === 0) out('no incidents');
      for (const i of list) {
        out(`${i.id}  ${i.status.padEnd(10)} ${new Date(i.startedAt).toISOString()}  ${i.durationMs === null ? 'ongoing' : formatDuration(i.durationMs)}  ${i.title}  (${i.clientErrors} client errors)`);
      }
      return 0;
    }
    const detail = await record.incident(id!);
    if (!detail) {
      out(`no incident ${id} in ${cfg.store.path} (see "detour incident list")`);
      return 1;
    }
    return await emit(renderPostmortem(detail, { now: Date.now(), utcOffsetMinutes: cfg.sla.utcOffsetMinutes }), flags.get('out'), out);
  } catch (err) {
    out(`cannot read the store: ${(err as Error).message}`);
    return 1;
  } finally {
    record.close();
  }
}
