import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export type Method = 'GET' | 'POST';
export type ClientError = 'transport' | 'timeout' | 'status' | 'envelope';

/** One request as the client saw it. Times are epoch milliseconds with sub-ms precision. */
export interface Sample {
  seq: number;
  id: string;
  method: Method;
  start: number;
  end: number;
  status: number;
  servedBy: string | undefined;
  ok: boolean;
  error?: ClientError;
  /** Detour's `x-detour-error` code on a gateway error. */
  code?: string;
}

export interface LoadOptions {
  url: string;
  method: Method;
  rate: number;
  durationMs: number;
  clientTimeoutMs: number;
  /** Prefix of the request ids (unique per run). */
  tag: string;
}

/** Epoch ms with the monotonic clock's precision (comparable with Date.now() in other processes). */
export const now = (): number => performance.timeOrigin + performance.now();

/**
 * Open-loop constant-rate load with keep-alive: request i is sent at start + i/rate
 * whatever happened to earlier ones, so a stalled proxy shows up as latency and
 * timeouts instead of silently lowering the rate (coordinated omission). Every request
 * carries a unique `x-chaos-id`; POSTs carry it in the body too and no Idempotency-Key.
 * Success means HTTP 200 with the upstream's own `{"ok":true}` body; a 200 holding a
 * cloud error envelope is a client-visible error like any 5xx.
 */
export async function runLoad(o: LoadOptions): Promise<Sample[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 4096, maxFreeSockets: 256 });
  const samples: Sample[] = [];
  const pending = new Set<Promise<void>>();
  const t0 = now();
  const total = Math.floor((o.durationMs * o.rate) / 1000);
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((now() - t0) * o.rate) / 1000) + 1);
    while (sent < due) {
      const p = one(agent, o, sent++).then((s) => {
        samples.push(s);
      });
      pending.add(p);
      void p.finally(() => pending.delete(p));
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
  agent.destroy();
  return samples.sort((a, b) => a.seq - b.seq);
}

function one(agent: Agent, o: LoadOptions, seq: number): Promise<Sample> {
  const id = `${o.tag}-${seq}`;
  const body = o.method === 'POST' ? JSON.stringify({ id, amount: 1 }) : undefined;
  const path = o.method === 'POST' ? '/api/orders' : `/api/items/${seq}`;
  const start = now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (s: Omit<Sample, 'seq' | 'id' | 'method' | 'start' | 'end'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ seq, id, method: o.method, start, end: now(), ...s });
    };
    const headers: Record<string, string> = { 'x-chaos-id': id };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const req = request(`${o.url}${path}`, { method: o.method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => done({ status: res.statusCode ?? 0, servedBy: undefined, ok: false, error: 'transport' }));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const servedBy = header(res.headers['x-served-by']);
        const code = header(res.headers['x-detour-error']);
        const text = Buffer.concat(chunks).toString();
        const good = status === 200 && isOkBody(text);
        done({
          status, servedBy, ok: good,
          ...(good ? {} : { error: status === 200 ? 'envelope' as const : 'status' as const }),
          ...(code ? { code } : {}),
        });
      });
    });
    const timer = setTimeout(() => {
      done({ status: 0, servedBy: undefined, ok: false, error: 'timeout' });
      req.destroy();
    }, o.clientTimeoutMs);
    req.on('error', () => done({ status: 0, servedBy: undefined, ok: false, error: 'transport' }));
    req.end(body);
  });
}

function isOkBody(text: string): boolean {
  try {
    return (JSON.parse(text) as { ok?: unknown }).ok === true;
  } catch {
    return false;
  }
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
