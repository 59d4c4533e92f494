import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Server-sent events (HTML Living Standard §9.2): one long response per browser tab.
 * `retry:` sets the reconnection delay; a comment line every 15 s keeps idle proxies
 * from closing the stream. Data are single-line JSON, so no `data:` line splitting.
 */
export class SseHub {
  readonly #clients = new Set<ServerResponse>();
  readonly #ping: NodeJS.Timeout;

  constructor(readonly maxClients = 1000, pingEvery = 15_000) {
    this.#ping = setInterval(() => this.#write(': ping\n\n'), pingEvery);
    this.#ping.unref();
  }

  get size(): number {
    return this.#clients.size;
  }

  /** Starts a stream and sends `first` (a full snapshot) so a tab never misses a change made before it connected. */
  open(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>, first: { event: string; data: string }): void {
    if (this.#clients.size >= this.maxClients) {
      res.writeHead(503, { ...headers, 'retry-after': '10', 'content-type': 'text/plain; charset=utf-8' });
      res.end('too many live viewers; reload later\n');
      return;
    }
    res.writeHead(200, {
      ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store',
      connection: 'keep-alive', 'x-accel-buffering': 'no', // nginx: do not buffer the stream
    });
    res.write(`retry: 2000\n\n${frame(first.event, first.data)}`);
    this.#clients.add(res);
    const drop = () => this.#clients.delete(res);
    req.on('close', drop);
    res.on('close', drop);
  }

  send(event: string, data: string): void {
    this.#write(frame(event, data));
  }

  close(): void {
    clearInterval(this.#ping);
    for (const res of this.#clients) res.end();
    this.#clients.clear();
  }

  #write(text: string): void {
    for (const res of this.#clients) {
      if (res.writableEnded) continue;
      // A tab that stopped reading must not make the server buffer without bound.
      if (res.writableLength > 1024 * 1024) res.destroy();
      else res.write(text);
    }
  }
}

function frame(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}
