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
import { compose } from './compose.js';
import { finalError, type NoResponse } from './failure.js';
import type { HostBook, Pick } from './hosts.js';
import { latency } from './latency.js';
import type { Normalized } from './options.js';
import { RETRY_COST, TIMEOUT_COST, retryQuota } from './quota.js';
import type { ClientEvent } from './types.js';

const IDEMPOTENT = /^(?:GET|HEAD|OPTIONS|PUT|DELETE|TRACE)$/i;
const KEY = 'idempotency-key';

type Settled = Outcome & { host: string };
type Failed = Extract<Settled, { kind: 'failed' }>;

const drop = (f: Failed | undefined): void => void f?.res?.body?.cancel().catch(() => {});

/**
 * AbortSignal.any where it exists: it does not keep its inputs alive, so a long-lived caller signal does
 * not collect one listener per request. Plain listeners on older browsers.
 */
function anySignal(signals: AbortSignal[]): AbortSignal {
  if (AbortSignal.any) return AbortSignal.any(signals);
  const c = new AbortController();
  for (const s of signals) {
    if (s.aborted) c.abort(s.reason);
    else s.addEventListener('abort', () => c.abort(s.reason));
  }
  return c.signal;
}

const sleep = (ms: number, signal: AbortSignal): Promise<unknown> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => resolve(clearTimeout(t)));
  });

/** A client's fetch: one retry budget and one set of latency samples per client, host state in its book. */
export function requester(o: Normalized, book: HostBook, emit: (e: ClientEvent) => void) {
  const quota = retryQuota(o.retryBudget);
  const lat = latency();
  const dispatch = compose(...o.interceptors)((r) => o.fetch(r.url, r.init));

  return async (path: string, init: RequestInit = {}): Promise<Response> => {
    const rel = path[0] === '/' ? path : `/${path}`; // 'v1/x' and '?q' are relative to the host's base URL too
    const caller = init.signal;
    const check = () => {
      // Not signal.throwIfAborted(): that needs Chrome 100 / Safari 15.4.
      if (caller?.aborted) throw caller.reason;
    };
    check();
    const idempotent = IDEMPOTENT.test(init.method ?? 'GET');
    const headers = new Headers(init.headers);
    // randomUUID exists only in secure contexts (https, localhost): elsewhere no key, so no unsafe retries.
    const key = o.idempotencyKey && !idempotent && !headers.has(KEY) && crypto.randomUUID?.();
    if (key) headers.set(KEY, key);
    const safe = idempotent || headers.has(KEY);
    // A stream body is consumed by the first attempt and cannot be sent again.
    const max = init.body instanceof ReadableStream ? 1 : o.attempts;
    // Aborted by timeout.total or by the caller's signal (which also cuts the body of the answer, as with fetch).
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), o.total);
    const stop = caller ? anySignal([caller, deadline.signal]) : deadline.signal;
    // By host: a hedge only goes to a host not tried yet and a retry starts when nothing runs, so hosts never repeat here.
    const running = new Map<string, [Promise<Settled>, AbortController]>();
    const tried: string[] = [];
    let last: Failed | undefined;
    let cost = 0;
    let spent = false;
    let hedge = o.hedge > 0 && safe;

    const launch = ({ host, probe }: Pick, hedged: boolean): void => {
      const ctl = new AbortController();
      const n = tried.push(host);
      if (probe) book.probe(host);
      emit({ type: 'attempt', host, attempt: n, hedge: hedged, probe });
      // Own headers per attempt: an interceptor that re-signs for its host must not leak into the next attempt.
      const req = { host, url: host + rel, init: { ...init, headers: new Headers(headers), signal: anySignal([stop, ctl.signal]) }, attempt: n };
      // Host state is settled here, not in the loop, so attempts the loop abandoned still count.
      const p = attempt(dispatch, req, ctl, o).then((out): Settled => {
        if (out.kind === 'ok') book.ok(host);
        else if (out.kind === 'failed') {
          emit({ type: 'failure', host, attempt: n, failure: out.failure });
          book.fail(host, out.failure);
        } else if (probe) book.release(host);
        return { ...out, host };
      });
      running.set(host, [p, ctl]);
    };

    try {
      launch(book.pick(tried, safe), false);
      for (;;) {
        // The hedge timer resolves to undefined, an attempt to its (always truthy) outcome.
        const racers: Array<Promise<Settled | void>> = [...running.values()].map((v) => v[0]);
        const after = hedge && running.size === 1 && tried.length < max ? lat.delay(o.hedge) : undefined;
        let ht: ReturnType<typeof setTimeout> | undefined;
        if (after !== undefined) racers.push(new Promise<void>((r) => (ht = setTimeout(r, after))));
        const s = await Promise.race(racers);
        clearTimeout(ht);
        const hedging = !s;
        // A hedge starts from the one attempt running (the last launched); a retry from the last failure.
        let from = tried[tried.length - 1] as string;
        if (!hedging) {
          running.delete(s.host);
          if (s.kind !== 'aborted') {
            drop(last);
            if (s.kind === 'ok') {
              quota.refund(cost);
              lat.add(s.ms);
              return s.res;
            }
            last = s;
          }
          if (running.size > 0) continue; // a hedge is still racing
          if (stop.aborted || !last || tried.length >= max || !(safe || last.failure.kind === 'connect')) break;
          from = last.host;
        }
        const p = book.pick(tried, safe);
        const c = !hedging && last?.failure.kind === 'timeout' ? TIMEOUT_COST : RETRY_COST;
        // A hedge goes only to a host not tried yet; a retry may go back to one, after a full-jitter wait.
        const again = tried.includes(p.host);
        if (hedging && again) hedge = false;
        else if (!quota.take(c)) {
          emit({ type: 'budget.exhausted', host: from, tokens: quota.tokens });
          if (!hedging) {
            spent = true;
            break;
          }
          hedge = false;
        } else {
          cost = c;
          if (hedging) emit({ type: 'hedge', from, to: p.host, after: after as number });
          else {
            const delay = again ? fullJitter(tried.length - 1) : 0;
            emit({ type: 'retry', from, to: p.host, attempt: tried.length + 1, delay });
            if (delay > 0) await sleep(delay, stop);
            if (stop.aborted) break;
          }
          launch(p, hedging);
        }
      }
    } finally {
      clearTimeout(timer);
      for (const [, c] of running.values()) c.abort(); // hedges that lost, attempts cut by the deadline
    }
    check();
    // A host's own answer (a 5xx, an envelope) beats an error of ours, even at the deadline.
    if (last?.res) return last.res;
    if (!last || deadline.signal.aborted) {
      throw new DetourError('DETOUR_TOTAL_TIMEOUT', `no response within timeout.total (${tried.length} attempts)`);
    }
    throw finalError(last.host, last.failure as NoResponse, spent);
  };
}
