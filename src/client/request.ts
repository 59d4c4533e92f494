/**
 * One api.fetch(): pick the best host, attempt, and on a failure decide whether another host may
 * have the request. A request is resent only when that is safe: after a connect failure (nothing
 * was sent), or for idempotent methods (RFC 9110 §9.2.2) and requests carrying an Idempotency-Key
 * (draft-ietf-httpapi-idempotency-key-header). Each retry costs retry-budget tokens; going back to a
 * host already tried waits a full-jitter backoff, moving to a fresh host does not (Algolia's
 * transporter moves on at once). Hedging (Polly's latency mode) starts a second attempt on the next
 * host when the first is slower than the recent percentile; the first good answer wins.
 */
import { DetourError } from './error.js';
import { attempt, type Outcome } from './attempt.js';
import { fullJitter } from './backoff.js';
import { finalError, type NoResponse } from './failure.js';
import type { HostBook, Pick } from './hosts.js';
import type { Latency } from './latency.js';
import type { Normalized } from './options.js';
import { RETRY_COST, TIMEOUT_COST, type RetryQuota } from './quota.js';
import type { ClientEvent, Dispatch } from './types.js';

export interface Env {
  o: Normalized;
  book: HostBook;
  quota: RetryQuota;
  lat: Latency;
  dispatch: Dispatch;
  emit: (e: ClientEvent) => void;
}

const IDEMPOTENT = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'];
const KEY = 'idempotency-key';
const LOST = new Error('hedge lost');
const HEDGE = 0;

type Failed = Extract<Outcome, { kind: 'failed' }> & { host: string };

const drop = (f: Failed | undefined): void => void f?.res?.body?.cancel().catch(() => {});

/** AbortSignal.any where it exists (it does not keep its inputs alive); plain listeners on older browsers. */
function anySignal(signals: AbortSignal[]): AbortSignal {
  if (AbortSignal.any) return AbortSignal.any(signals);
  const c = new AbortController();
  for (const s of signals) {
    if (s.aborted) c.abort(s.reason);
    else s.addEventListener('abort', () => c.abort(s.reason), { once: true });
  }
  return c.signal;
}

const sleep = (ms: number, signal: AbortSignal): Promise<unknown> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => resolve(clearTimeout(t)), { once: true });
  });

export async function request(env: Env, path: string, init: RequestInit): Promise<Response> {
  const { o, book, quota, lat, emit } = env;
  const rel = path[0] === '/' ? path : `/${path}`; // 'v1/x' and '?q' are relative to the host's base URL too
  const caller = init.signal;
  caller?.throwIfAborted();
  const method = (init.method ?? 'GET').toUpperCase();
  const headers = new Headers(init.headers);
  // randomUUID exists only in secure contexts (https, localhost): elsewhere no key, so no unsafe retries.
  const key = o.idempotencyKey && !IDEMPOTENT.includes(method) && !headers.has(KEY) && crypto.randomUUID?.();
  if (key) headers.set(KEY, key);
  const safe = IDEMPOTENT.includes(method) || headers.has(KEY);
  // A stream body is consumed by the first attempt and cannot be sent again.
  const max = typeof ReadableStream === 'function' && init.body instanceof ReadableStream ? 1 : o.attempts;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), o.total);
  const stop = caller ? anySignal([caller, deadline.signal]) : deadline.signal;
  // By host: a hedge only goes to a host not tried yet and a retry starts when nothing runs, so hosts never repeat here.
  const running = new Map<string, [Promise<[string, Outcome]>, AbortController]>();
  const tried: string[] = [];
  let last: Failed | undefined;
  let cost = 0;
  let spent = false;
  let hedge = o.hedge > 0 && safe;

  const launch = ({ host, probe }: Pick, hedged: boolean): void => {
    const ctl = new AbortController();
    const n = tried.push(host);
    book.begin({ host, probe });
    emit({ type: 'attempt', host, attempt: n, hedge: hedged, probe });
    // Own headers per attempt: an interceptor that re-signs for its host must not leak into the next attempt.
    const req = { host, url: host + rel, init: { ...init, headers: new Headers(headers), signal: anySignal([stop, ctl.signal]) }, attempt: n };
    // Host state is settled here, not in the loop, so attempts the loop abandoned still count.
    const p = attempt(env.dispatch, req, ctl, o.perTry, o.classify).then((out): [string, Outcome] => {
      if (out.kind === 'ok') book.ok(host);
      else if (out.kind === 'failed') {
        emit({ type: 'failure', host, attempt: n, failure: out.failure });
        book.fail(host, out.failure);
      } else if (probe) book.release(host);
      return [host, out];
    });
    running.set(host, [p, ctl]);
  };

  try {
    launch(book.pick(tried, safe), false);
    for (;;) {
      const racers: Array<Promise<[string, Outcome] | typeof HEDGE>> = [...running.values()].map((v) => v[0]);
      const after = hedge && running.size === 1 && tried.length < max ? lat.delay(o.hedge) : undefined;
      let ht: ReturnType<typeof setTimeout> | undefined;
      if (after !== undefined) racers.push(new Promise((r) => (ht = setTimeout(r, after, HEDGE))));
      const s = await Promise.race(racers);
      clearTimeout(ht);
      // A hedge starts from the one attempt running (the last launched); a retry from the last failure.
      let from = tried[tried.length - 1] as string;
      if (s !== HEDGE) {
        const [host, out] = s;
        running.delete(host);
        if (out.kind === 'ok') {
          quota.refund(cost);
          lat.add(out.ms);
          drop(last);
          return out.res;
        }
        if (out.kind === 'failed') {
          drop(last);
          last = { ...out, host };
        }
        if (running.size > 0) continue; // a hedge is still racing
        if (stop.aborted || !last || tried.length >= max || !(safe || last.failure.kind === 'connect')) break;
        from = last.host;
      }
      const p = book.pick(tried, safe);
      // A hedge goes only to a host not tried yet; a retry may go back to one, after a full-jitter wait.
      if (s === HEDGE && tried.includes(p.host)) {
        hedge = false;
        continue;
      }
      const c = s !== HEDGE && last?.failure.kind === 'timeout' ? TIMEOUT_COST : RETRY_COST;
      if (!quota.take(c)) {
        emit({ type: 'budget.exhausted', host: from, tokens: quota.tokens });
        if (s === HEDGE) {
          hedge = false;
          continue;
        }
        spent = true;
        break;
      }
      cost = c;
      if (s === HEDGE) emit({ type: 'hedge', from, to: p.host, after: after as number });
      else {
        const delay = tried.includes(p.host) ? fullJitter(tried.length - 1) : 0;
        emit({ type: 'retry', from, to: p.host, attempt: tried.length + 1, delay });
        if (delay > 0) await sleep(delay, stop);
        if (stop.aborted) break;
      }
      launch(p, s === HEDGE);
    }
  } finally {
    clearTimeout(timer);
    for (const [, c] of running.values()) c.abort(LOST);
  }
  caller?.throwIfAborted();
  // A host's own answer (a 5xx, an envelope) beats an error of ours, even at the deadline.
  if (last?.res) return last.res;
  if (!last || deadline.signal.aborted) {
    throw new DetourError('DETOUR_TOTAL_TIMEOUT', `no answer within timeout.total (${tried.length} attempts)`);
  }
  throw finalError(last.host, last.failure as NoResponse, spent);
}
