import { randomBytes } from 'node:crypto';
import type { Logger } from '../common/index.js';
import type { Html } from './html.js';
import { publicView } from './public-view.js';
import { dashboardRegions } from './render/dashboard.js';
import { publicRegions } from './render/public.js';
import { SseHub } from './sse.js';
import type { PageView } from './view.js';

export type Audience = 'dashboard' | 'public';

interface Channel {
  hubs: SseHub[];
  /** Last markup sent per region id: only regions that changed are pushed. */
  last: Record<string, string>;
}

/**
 * Keeps every open page in step with the gateway: on a bus event (debounced) or a
 * sampler tick it rebuilds the view once, renders both audiences' regions, and pushes
 * the regions whose markup changed to that audience's SSE streams. Renders never
 * overlap; a change during a render triggers one more.
 */
export class LiveStatus {
  readonly dashboard = new SseHub(100);
  readonly preview = new SseHub(100);
  readonly public = new SseHub(1000);
  readonly epoch = randomBytes(6).toString('hex');
  readonly #channels: Record<Audience, Channel> = {
    dashboard: { hubs: [this.dashboard], last: {} },
    public: { hubs: [this.public, this.preview], last: {} },
  };
  #version = 0;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(
    readonly build: () => Promise<PageView>,
    readonly opts: { debounce: number; windowMs: number; intervalMs: number; canNote: () => boolean; canSetStatus: () => boolean; log: Logger; publicConfig: () => Parameters<typeof publicView>[1] },
  ) {}

  /** Something changed: render soon (coalescing bursts of events into one push). */
  schedule(): void {
    if (this.#timer !== undefined || this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.refresh();
    }, this.opts.debounce);
    this.#timer.unref();
  }

  /** Renders now (or after the render in progress) and pushes what changed. */
  refresh(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#render().catch((err: unknown) => this.opts.log.error('status page render failed', { error: String(err) })).finally(() => {
      this.#running = undefined;
      if (this.#again && !this.#stopped) {
        this.#again = false;
        void this.refresh();
      }
    });
    return this.#running;
  }

  /** The full current state for a stream that just opened. */
  async snapshot(a: Audience): Promise<{ event: string; data: string }> {
    await this.refresh();
    return { event: 'patch', data: JSON.stringify({ epoch: this.epoch, version: this.#version, now: Date.now(), regions: this.#channels[a].last }) };
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    for (const c of Object.values(this.#channels)) for (const h of c.hubs) h.close();
  }

  async #render(): Promise<void> {
    const v = await this.build();
    const dash = dashboardRegions(v, { csrf: '', windowMs: this.opts.windowMs, intervalMs: this.opts.intervalMs, canNote: this.opts.canNote(), canSetStatus: this.opts.canSetStatus(), version: '' });
    const pub = publicRegions(publicView(v, this.opts.publicConfig()), { windowMs: this.opts.windowMs });
    const changes: Array<[Channel, Record<string, string>]> = [];
    for (const [c, regions] of [[this.#channels.dashboard, dash], [this.#channels.public, pub]] as Array<[Channel, Record<string, Html>]>) {
      const changed: Record<string, string> = {};
      for (const [id, markup] of Object.entries(regions)) {
        if (c.last[id] !== markup.value) changed[id] = c.last[id] = markup.value;
      }
      if (Object.keys(changed).length > 0) changes.push([c, changed]);
    }
    if (changes.length === 0) return;
    this.#version++;
    for (const [c, regions] of changes) {
      const data = JSON.stringify({ epoch: this.epoch, version: this.#version, now: Date.now(), regions });
      for (const h of c.hubs) h.send('patch', data);
    }
  }
}
