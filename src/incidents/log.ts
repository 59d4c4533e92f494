import type { Clock, Disposable } from '../common/index.js';
import { DetourError } from '../errors/index.js';
import type { DetourEvent } from '../model/index.js';
import { dailyUptime, groupLevel, poolLevel, segments, selectPools, serviceLevel, type History, type LevelOf } from '../sla/index.js';
import { summarize, type IncidentState } from './incident.js';
import type { StoreReader } from './store/read.js';
import type { StoreWriter } from './store/writer.js';
import { actions, timeline } from './timeline.js';
import type { IncidentTracker } from './tracker.js';
import type {
  ComponentRef, DayUptime, EventQuery, IncidentDetail, IncidentLog, IncidentNote, IncidentQuery, IncidentStatus,
  IncidentSummary, RecordChange, StoreHealth, StoredEvent, TrafficPoint, TrafficQuery,
} from './types.js';

const DAY = 86_400_000;
const MAX_NOTE = 4000;

export interface LogParts {
  reader: StoreReader;
  clock: Clock;
  health(): StoreHealth;
  /** Absent for a read-only log (the CLI). */
  tracker?: IncidentTracker;
  writer?: StoreWriter;
  emit?(e: DetourEvent): void;
  observer?: string;
  /** Start of the run in progress, so its time counts as observed up to now. */
  liveRunStart?(): number | undefined;
}

/** The store's read/write face (IncidentLog): committed rows, overlaid with the incidents open in memory. */
export class RecordLog implements IncidentLog {
  readonly #p: LogParts;
  readonly #changeFns = new Set<(c: RecordChange) => void>();
  #noteRef = 0;

  constructor(parts: LogParts) {
    this.#p = parts;
    parts.writer?.onCommit((ops) => {
      for (const op of ops) {
        if (op.kind === 'incident') this.#changed({ kind: 'incident', id: op.row.id, status: op.row.status as IncidentStatus });
        if (op.kind === 'note') this.#changed({ kind: 'note', id: op.row.incidentId });
      }
    });
  }

  health(): StoreHealth {
    return this.#p.health();
  }

  async events(q: EventQuery = {}): Promise<StoredEvent[]> {
    return this.#p.reader.events(q);
  }

  async incidents(q: IncidentQuery = {}): Promise<IncidentSummary[]> {
    const stored = this.#p.reader.incidents(q);
    const byId = new Map(stored.map((s) => [s.id, s]));
    for (const s of this.#p.tracker?.open() ?? []) {
      if (q.status === 'resolved' || (q.service !== undefined && s.service !== q.service)) continue;
      if (q.until !== undefined && s.startedAt >= q.until) continue;
      byId.set(s.id, s); // the in-memory state is newer than the last commit
    }
    const all = [...byId.values()].sort((a, b) => b.startedAt - a.startedAt);
    const limit = q.limit ?? 100;
    const open = all.filter((s) => s.resolvedAt === null);
    const list = [...new Set([...all.slice(0, limit), ...open])].sort((a, b) => b.startedAt - a.startedAt);
    const counts = this.#p.reader.eventCounts(list.map((s) => s.id));
    return list.map((s) => ({ ...summarize(s), events: counts.get(s.id) ?? 0 }));
  }

  async incident(id: string, now = this.#p.clock.now()): Promise<IncidentDetail | undefined> {
    const s = this.#p.tracker?.get(id) ?? this.#p.reader.incident(id);
    if (!s) return undefined;
    const events = this.#p.reader.incidentEvents(id).filter((e) => !(e.event.type === 'incident.changed' && e.event.change === 'note'));
    const notes = this.#p.reader.notes(id);
    const entries = timeline(events, notes, s.service);
    const related = s.provider === null ? [] : this.#p.reader.related(s.provider, s.startedAt, s.resolvedAt ?? now, s.id);
    return { ...summarize(s), events: events.length, timeline: entries, actions: actions(entries), notes, related };
  }

  async addNote(id: string, text: string, actor: string, now = this.#p.clock.now()): Promise<IncidentNote> {
    const s = this.#state(id);
    const body = text.trim();
    if (body === '' || body.length > MAX_NOTE) throw new DetourError('DETOUR_ADMIN_BAD_REQUEST', `a note needs 1 to ${MAX_NOTE} characters of text`);
    const row = { incidentId: id, at: now, actor, text: body, status: null };
    const noteId = await this.#commit({ kind: 'note', ref: ++this.#noteRef, row });
    this.#announce(s, 'note', now, body, actor);
    return { id: noteId ?? 0, incidentId: id, at: now, actor, text: body, status: null };
  }

  async setStatus(id: string, status: IncidentStatus, actor: string, note?: string): Promise<IncidentSummary> {
    const tracker = this.#p.tracker;
    if (!tracker || !this.#p.writer) throw new DetourError('DETOUR_STORE_IO', 'this store is open read-only');
    const stored = tracker.get(id) ?? this.#p.reader.incident(id);
    if (!stored) throw new DetourError('DETOUR_ADMIN_NOT_FOUND', `no incident ${id}`);
    if (this.#p.writer.health().state !== 'ok') throw new DetourError('DETOUR_STORE_IO', `the store is not writable: ${this.#p.writer.health().error ?? ''}`);
    let next: IncidentState;
    try {
      next = tracker.setStatus(id, status, actor, stored);
    } catch (err) {
      throw new DetourError('DETOUR_ADMIN_BAD_REQUEST', (err as Error).message);
    }
    if (note !== undefined && note.trim() !== '') {
      await this.#commit({ kind: 'note', ref: ++this.#noteRef, row: { incidentId: id, at: this.#p.clock.now(), actor, text: note.trim().slice(0, MAX_NOTE), status } });
    } else {
      await this.#commit({ kind: 'heartbeat', at: this.#p.clock.now() }); // resolves once the status write before it is committed
    }
    return summarize(next);
  }

  async uptime(component: ComponentRef, days: number, now: number): Promise<DayUptime[]> {
    const from = (Math.floor(now / DAY) - days + 1) * DAY;
    const history = await this.history(from, now, now);
    return dailyUptime(segments(history, levelOf(component), from, now), days, now);
  }

  async traffic(q: TrafficQuery): Promise<TrafficPoint[]> {
    return this.#p.reader.traffic(q);
  }

  async history(from: number, to: number, now: number): Promise<History> {
    return this.#p.reader.history(from, to, now, this.#p.liveRunStart?.());
  }

  onChange(fn: (change: RecordChange) => void): Disposable {
    this.#changeFns.add(fn);
    return { dispose: () => this.#changeFns.delete(fn) };
  }

  #state(id: string): IncidentState {
    if (!this.#p.writer) throw new DetourError('DETOUR_STORE_IO', 'this store is open read-only');
    const s = this.#p.tracker?.get(id) ?? this.#p.reader.incident(id);
    if (!s) throw new DetourError('DETOUR_ADMIN_NOT_FOUND', `no incident ${id}`);
    return s;
  }

  async #commit(op: Parameters<StoreWriter['writeAndWait']>[0]): Promise<number | undefined> {
    try {
      return await this.#p.writer!.writeAndWait(op);
    } catch (err) {
      throw new DetourError('DETOUR_STORE_IO', (err as Error).message, { cause: err });
    }
  }

  #announce(s: IncidentState, change: 'note', at: number, text: string, actor: string): void {
    this.#p.emit?.({
      type: 'incident.changed', at, observer: this.#p.observer ?? 'detour', id: s.id, change, status: s.status,
      service: s.service, provider: s.provider, region: s.region, text, actor,
    });
  }

  #changed(c: RecordChange): void {
    for (const fn of this.#changeFns) {
      try {
        fn(c);
      } catch {
        // A listener's failure is its own; the store carries on.
      }
    }
  }
}

function levelOf(c: ComponentRef): LevelOf {
  switch (c.kind) {
    case 'service':
      return (t, health) => {
        const s = t.find((x) => x.name === c.service);
        return s ? serviceLevel(s, health) : 'up';
      };
    case 'pool':
      return (t, health) => {
        const s = t.find((x) => x.name === c.service);
        const p = s?.pools.find((x) => x.name === c.pool);
        return s && p ? poolLevel(s, p, health) : 'up';
      };
    case 'provider':
      return (t, health) => groupLevel(selectPools(t, { provider: c.provider }), health);
    default: {
      const never: never = c;
      return never;
    }
  }
}
