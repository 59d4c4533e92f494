import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import type { Logger } from '../common/index.js';
import type { NotificationTarget } from '../config/record.js';
import type { DetourEvent } from '../model/index.js';
import { burnNotice, incidentNotice, type Notice } from './message.js';
import { buildRequest, verdict, type Verdict } from './payloads.js';

type IncidentChanged = Extract<DetourEvent, { type: 'incident.changed' }>;

export interface NotifierOptions {
  log: Logger;
  /** Changes of one incident within this window are sent as one message (default 2 s). */
  batchMs?: number;
  /** First retry delay; doubles per attempt with jitter, capped at `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Messages waiting per target; beyond it the oldest is dropped. */
  maxQueue?: number;
  random?: () => number;
}

export interface TargetStats {
  name: string;
  type: NotificationTarget['type'];
  sent: number;
  failed: number;
  retries: number;
  pending: number;
  lastError: string | null;
}

interface Job {
  notice: Notice;
  id: string;
  attempt: number;
}

/**
 * Sends notices to the configured targets in the background. `handle` only queues (the
 * bus is synchronous and must never wait on a chat server); each target has its own
 * queue, sent in order, one request at a time, so "opened" always arrives before
 * "resolved". Failures are retried with exponential backoff and full jitter (at least
 * the server's Retry-After); a refused message (4xx, bad secret) is logged and dropped.
 * Logs name the target and host, never the URL (it holds the credential).
 */
export class Notifier {
  readonly #o: Required<Omit<NotifierOptions, 'log'>> & { log: Logger };
  #targets: Lane[] = [];
  readonly #batches = new Map<string, { events: IncidentChanged[]; timer: NodeJS.Timeout }>();
  /** Automatic statuses already announced per open incident: a flapping endpoint must not page again and again. */
  readonly #announced = new Map<string, Set<string>>();
  #stopped = false;

  constructor(targets: readonly NotificationTarget[], opts: NotifierOptions) {
    this.#o = { batchMs: 2000, baseDelayMs: 1000, maxDelayMs: 60_000, maxQueue: 1000, random: Math.random, ...opts };
    this.reload(targets);
  }

  reload(targets: readonly NotificationTarget[]): void {
    const old = new Map(this.#targets.map((l) => [l.target.name, l]));
    this.#targets = targets.map((t) => {
      const keep = old.get(t.name);
      if (keep) keep.target = t;
      return keep ?? new Lane(t, this.#o);
    });
  }

  handle(e: DetourEvent): void {
    if (this.#stopped || this.#targets.length === 0) return;
    if (e.type === 'slo.burn') return this.#send(burnNotice(e));
    if (e.type !== 'incident.changed' || this.#repeat(e)) return;
    const b = this.#batches.get(e.id);
    if (b) {
      b.events.push(e);
      return;
    }
    const timer = setTimeout(() => {
      const batch = this.#batches.get(e.id);
      this.#batches.delete(e.id);
      if (batch) this.#send(incidentNotice(batch.events));
    }, this.#o.batchMs);
    timer.unref();
    this.#batches.set(e.id, { events: [e], timer });
  }

  stats(): TargetStats[] {
    return this.#targets.map((l) => l.stats());
  }

  /** Resolves when no batch is waiting and no target has anything queued or in flight (tests). */
  async idle(): Promise<void> {
    while (this.#batches.size > 0 || this.#targets.some((l) => l.busy)) await new Promise((r) => setTimeout(r, 10));
  }

  stop(): void {
    this.#stopped = true;
    for (const b of this.#batches.values()) clearTimeout(b.timer);
    this.#batches.clear();
    for (const l of this.#targets) l.stop();
  }

  /**
   * An automatic change to a status the incident already had (detected → mitigated →
   * monitoring → mitigated… while an ejected endpoint is retried) is recorded but not
   * sent again. Opening, resolving, notes and operators' changes always are.
   */
  #repeat(e: IncidentChanged): boolean {
    if (e.status === 'resolved') {
      this.#announced.delete(e.id);
      return false;
    }
    let seen = this.#announced.get(e.id);
    if (!seen) {
      if (this.#announced.size >= 1000) this.#announced.delete(this.#announced.keys().next().value!);
      this.#announced.set(e.id, (seen = new Set()));
    }
    const repeat = e.change === 'updated' && e.actor === undefined && seen.has(e.status);
    seen.add(e.status);
    return repeat;
  }

  #send(n: Notice): void {
    for (const lane of this.#targets) if (lane.target.on.includes(n.on)) lane.push(n);
  }
}

class Lane {
  #queue: Job[] = [];
  #busy = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #s = { sent: 0, failed: 0, retries: 0, lastError: null as string | null };

  constructor(public target: NotificationTarget, readonly o: Required<Omit<NotifierOptions, 'log'>> & { log: Logger }) {}

  get busy(): boolean {
    return this.#busy || this.#queue.length > 0;
  }

  stats(): TargetStats {
    return { name: this.target.name, type: this.target.type, ...this.#s, pending: this.#queue.length };
  }

  push(notice: Notice): void {
    this.#queue.push({ notice, id: randomUUID(), attempt: 0 });
    if (this.#queue.length > this.o.maxQueue) {
      this.#queue.shift();
      this.#s.failed++;
      this.o.log.error('notification queue full: dropped the oldest message', { target: this.target.name, max: this.o.maxQueue });
    }
    if (!this.#busy) void this.#next();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    if (this.#queue.length > 0) this.o.log.warn('notifications not sent at stop', { target: this.target.name, count: this.#queue.length });
    this.#queue = [];
  }

  async #next(): Promise<void> {
    const job = this.#queue[0];
    if (!job || this.#stopped) return;
    this.#busy = true;
    job.attempt++;
    const v = await this.#attempt(job);
    if (this.#stopped) return;
    if (v.ok || !v.retry || job.attempt > this.target.retries) {
      this.#queue.shift();
      if (v.ok) this.#s.sent++;
      else {
        this.#s.failed++;
        this.#s.lastError = v.reason;
        this.o.log.error('notification not delivered', { target: this.target.name, host: this.target.shownUrl, attempts: job.attempt, reason: v.reason, gaveUp: v.retry });
      }
      this.#busy = false;
      return this.#next();
    }
    this.#s.retries++;
    this.#s.lastError = v.reason;
    // Full jitter (AWS architecture blog, "Exponential Backoff and Jitter"), never sooner than Retry-After.
    const cap = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** (job.attempt - 1));
    const delay = Math.max(v.retryAfterMs ?? 0, Math.round(cap * (0.5 + this.o.random() / 2)));
    this.o.log.warn('notification failed; retrying', { target: this.target.name, host: this.target.shownUrl, attempt: job.attempt, reason: v.reason, delayMs: delay });
    this.#timer = setTimeout(() => {
      this.#busy = false;
      void this.#next();
    }, delay);
    this.#timer.unref();
  }

  async #attempt(job: Job): Promise<Verdict> {
    const req = buildRequest(this.target, job.notice, job.id, Date.now());
    try {
      const res = await request(req.url, {
        method: 'POST', headers: req.headers, body: req.body,
        headersTimeout: this.target.timeout, bodyTimeout: this.target.timeout, signal: AbortSignal.timeout(this.target.timeout),
      });
      const text = (await res.body.text()).slice(0, 4096);
      const ra = res.headers['retry-after'];
      return verdict(this.target, res.statusCode, text, Array.isArray(ra) ? ra[0] : ra);
    } catch (err) {
      // Connect failures and timeouts: the receiver may be back soon.
      const code = (err as { code?: unknown }).code;
      return { ok: false, retry: true, reason: `${typeof code === 'string' ? code : (err as Error).name}: ${(err as Error).message}`.replace(req.url, this.target.shownUrl) };
    }
  }
}
