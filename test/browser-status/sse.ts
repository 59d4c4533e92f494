import { request, type ClientRequest } from 'node:http';

export interface Patch {
  epoch: string;
  version: number;
  regions: Record<string, string>;
  receivedAt: number;
}

/** A raw SSE client (node:http, no EventSource polyfill): collects `patch` events as they arrive. */
export class SseClient {
  readonly patches: Patch[] = [];
  status = 0;
  headers: Record<string, string | string[] | undefined> = {};
  #req: ClientRequest | undefined;
  #waiters: Array<() => void> = [];

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const c = new SseClient();
    await new Promise<void>((resolve, reject) => {
      c.#req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
        c.status = res.statusCode ?? 0;
        c.headers = res.headers;
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          let i;
          while ((i = buf.indexOf('\n\n')) !== -1) {
            c.#frame(buf.slice(0, i));
            buf = buf.slice(i + 2);
          }
        });
        res.on('error', () => {});
        resolve();
      });
      c.#req.on('error', reject);
      c.#req.end();
    });
    return c;
  }

  #frame(text: string): void {
    const lines = text.split('\n');
    if (!lines.includes('event: patch')) return;
    const data = lines.find((l) => l.startsWith('data: '));
    if (!data) return;
    this.patches.push({ ...(JSON.parse(data.slice(6)) as Omit<Patch, 'receivedAt'>), receivedAt: Date.now() });
    for (const w of this.#waiters.splice(0)) w();
  }

  /** The first patch (already received or future) matching pred; rejects after ms (a safety net). */
  async waitFor(pred: (p: Patch) => boolean, ms = 10_000): Promise<Patch> {
    const end = Date.now() + ms;
    for (;;) {
      const hit = this.patches.find(pred);
      if (hit) return hit;
      const left = end - Date.now();
      if (left <= 0) throw new Error(`no matching SSE patch within ${ms}ms (${this.patches.length} received)`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  close(): void {
    this.#req?.destroy();
  }
}
