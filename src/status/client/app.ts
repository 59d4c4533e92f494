/**
 * The browser side of the status page and dashboard: listens to the page's server-sent
 * event stream and swaps in the regions the server re-rendered (the server escapes all
 * content, so this file never builds HTML from data), keeps "for 3 min" durations
 * current, and fills the CSRF token into forms. No framework, no dependencies.
 *
 * Compiled by tsc like the rest of src/ (dist/status/client/app.js) and served as an ES
 * module. The few DOM types it needs are declared here, so the server's Node-only type
 * environment stays free of DOM globals.
 */
export {};

interface El {
  innerHTML: string;
  textContent: string | null;
  open?: boolean;
  value?: string;
  dataset: Record<string, string | undefined>;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  querySelectorAll(selector: string): ArrayLike<El>;
}
interface Doc extends El {
  documentElement: El;
  getElementById(id: string): El | null;
  querySelector(selector: string): El | null;
  addEventListener(type: string, fn: () => void, capture?: boolean): void;
  readyState: string;
}
interface Source {
  readyState: number;
  onopen: (() => void) | null;
  onerror: (() => void) | null;
  addEventListener(type: string, fn: (e: { data: string }) => void): void;
}
declare const document: Doc;
declare const EventSource: { new (url: string): Source; readonly CLOSED: number };

interface Patch {
  /** Changes when the server restarts, so its versions start again from 1. */
  epoch: string;
  version: number;
  /** Server time when sent. */
  now: number;
  regions: Record<string, string>;
}

let epoch = '';
let shown = 0;
/** Server clock minus this browser's clock: durations are measured on the server's clock. */
let skew = Number(document.documentElement.dataset.now ?? Date.now()) - Date.now();

function each(selector: string, fn: (el: El) => void, root: El = document): void {
  const list = root.querySelectorAll(selector);
  for (let i = 0; i < list.length; i++) fn(list[i]!);
}

function setLive(state: 'live' | 'connecting' | 'offline'): void {
  document.getElementById('live')?.setAttribute('data-live', state);
}

/** Same wording as the server's fmtDuration: "45 s", "12 min", "1 h 27 min", "3 d 4 h". */
function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}

function tick(): void {
  const now = Date.now() + skew;
  each('time[data-ago]', (el) => {
    const since = Date.parse(el.getAttribute('datetime') ?? '');
    if (Number.isFinite(since)) el.textContent = (el.dataset.ago ?? '{}').replace('{}', duration(now - since));
  });
}

function stamp(): void {
  const t = new Date(Date.now() + skew);
  const two = (n: number) => String(n).padStart(2, '0');
  each('[data-updated]', (el) => (el.textContent = `Updated ${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())} UTC`));
}

/** Forms in swapped regions arrive without the CSRF token (one stream serves every session). */
function fillCsrf(): void {
  const token = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
  each('input[name="csrf"]', (el) => (el.value = token));
}

function apply(p: Patch): void {
  skew = p.now - Date.now();
  if (p.epoch !== epoch) {
    epoch = p.epoch;
    shown = 0;
  }
  if (p.version > shown) {
    shown = p.version; // a reconnect snapshot can be older than a patch already applied
    for (const [id, markup] of Object.entries(p.regions)) {
      const el = document.getElementById(id);
      if (!el || el.innerHTML === markup) continue;
      // Keep the incidents a reader has unfolded unfolded across the swap.
      const opened = new Set<string>();
      each('details[open][data-incident]', (d) => opened.add(d.getAttribute('data-incident') ?? ''), el);
      el.innerHTML = markup;
      each('details[data-incident]', (d) => { if (opened.has(d.getAttribute('data-incident') ?? '')) d.open = true; }, el);
    }
    fillCsrf();
    tick();
    document.documentElement.setAttribute('data-version', String(p.version));
  }
  stamp();
}

function connect(): void {
  const url = document.documentElement.dataset.events;
  if (!url) return;
  const es = new EventSource(url);
  es.onopen = () => setLive('live');
  es.onerror = () => {
    // EventSource reconnects by itself (retry: 2000) unless the server refused the stream,
    // e.g. an expired dashboard session: then the page must be reloaded to log in again.
    setLive(es.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
  };
  es.addEventListener('patch', (e) => {
    setLive('live');
    apply(JSON.parse(e.data) as Patch);
  });
}

function init(): void {
  fillCsrf();
  tick();
  stamp();
  setInterval(tick, 1000);
  connect();
}

document.addEventListener('submit', fillCsrf, true);
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
else init();
