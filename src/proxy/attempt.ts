import type { Pool, ResponseHead, UpstreamHandler } from '../h1/index.js';
import { canCarryEnvelope, type Classifier } from '../classify/index.js';
import type { Evidence } from '../model/index.js';
import type { RequestContext } from './context.js';
import { fail, failureFromError, type AttemptFailure, type FailureKind } from './failure.js';
import { downstreamResponseHeaders } from './headers.js';

/**
 * What one attempt came to at the point the retry loop must decide:
 * - `committed`: the response is being streamed to the client; `done` settles when
 *   the body has ended (or broke off midway: no retry is possible any more);
 * - `failed`: nothing reached the client; the loop may try another endpoint.
 */
export type AttemptOutcome =
  | { kind: 'committed'; status: number; failure: FailureKind | undefined; evidence: Evidence | undefined; done: Promise<AttemptFailure | undefined> }
  | { kind: 'failed'; failure: AttemptFailure; status: number | undefined; evidence: Evidence };

export interface AttemptArgs {
  ctx: RequestContext;
  pool: Pool;
  path: string;
  headers: string[];
  /** ms until this attempt gives up waiting for a response to commit. */
  timeout: number;
  /** Timed out because of the total deadline rather than perTry? (changes the error code) */
  deadlineBound: boolean;
  classifier: Classifier | undefined;
  maxClassifyBytes: number;
  retryOn5xx: boolean;
  retryOnCloudError: boolean;
  /** Would the loop retry if this attempt failed with bytes sent? Asked before discarding a response. */
  canRetry: (kind: FailureKind) => boolean;
}

/**
 * Runs one attempt as a handler of the upstream pool (src/h1/pool.ts): no header object
 * is built on the hot path and response bytes go straight to the client socket with
 * backpressure (onData returns false → the pool pauses the upstream socket until `resume`).
 * Body chunks are borrowed from the upstream connection's read buffer: buffered ones are
 * copied, streamed ones are written as they are and reading resumes only once the client
 * socket has let go of them (Exchange.whenFlushed).
 *
 * A response is held back, never shown to the client, only when it may be retried:
 * a body that the classifier must inspect (≤ maxClassifyBytes, only for content types
 * that can carry a cloud error envelope, whatever the status), or a 5xx (headers only).
 */
export function runAttempt(a: AttemptArgs): Promise<AttemptOutcome> {
  return new Promise((resolve) => new AttemptHandler(a, resolve).dispatch());
}

type Phase = 'waiting' | 'buffering' | 'streaming' | 'done';

class AttemptHandler implements UpstreamHandler {
  #phase: Phase = 'waiting';
  #abort: ((err: Error) => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #status = 0;
  #statusText = '';
  #headers: string[] = [];
  #buffered: Buffer[] = [];
  #bufferedBytes = 0;
  #resume: (() => void) | undefined;
  #failureAfterCommit: FailureKind | undefined;
  #evidence: Evidence | undefined;
  #finish: ((f: AttemptFailure | undefined) => void) | undefined;
  readonly #a: AttemptArgs;
  readonly #resolve: (o: AttemptOutcome) => void;

  constructor(a: AttemptArgs, resolve: (o: AttemptOutcome) => void) {
    this.#a = a;
    this.#resolve = resolve;
  }

  dispatch(): void {
    const { ctx } = this.#a;
    this.#timer = setTimeout(() => this.#onTimeout(), this.#a.timeout);
    ctx.abortAttempt = (err) => this.#abortNow(err);
    this.#a.pool.dispatch({ method: ctx.method, path: this.#a.path, headers: this.#a.headers, body: ctx.body?.reader() ?? null }, this);
  }

  // --- pool handler callbacks ---

  onConnect(abort: (err: Error) => void): void {
    this.#abort = abort;
    if (this.#abortOnConnect) abort(this.#abortOnConnect);
  }

  onHeaders(head: ResponseHead, resume: () => void): boolean {
    const status = head.status;
    this.#resume = resume;
    const { headers, contentType } = downstreamResponseHeaders(head);
    this.#status = status;
    this.#statusText = head.reason;
    this.#headers = headers;
    const a = this.#a;
    if (status >= 500) this.#evidence = { status, errorCode: `HTTP ${status}` };
    // A body that may carry a cloud envelope is read first, 5xx or not: Alibaba and AWS send
    // InternalError with a 500, and knowing it is a cloud error (not just any 5xx) is what
    // lets the cloudErrors rule eject a gray-failing endpoint.
    if (a.classifier && a.ctx.method !== 'HEAD' && canCarryEnvelope(contentType)) {
      this.#phase = 'buffering';
      return true;
    }
    if (this.#retry5xx(true)) return false;
    this.#commit();
    return true;
  }

  /** A 5xx that may be retried elsewhere is dropped here; returns whether it was. */
  #retry5xx(complete: boolean): boolean {
    const a = this.#a;
    if (this.#status < 500 || !a.retryOn5xx || !a.canRetry('5xx')) return false;
    // Headers only (nothing buffered yet): abort the exchange rather than read a body nobody wants.
    this.#failBeforeCommit(fail('5xx', true, 'DETOUR_UPSTREAM_5XX', undefined, `HTTP ${this.#status}`), complete && this.#phase === 'buffering');
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.#phase === 'buffering') {
      this.#buffered.push(Buffer.from(chunk));
      this.#bufferedBytes += chunk.length;
      if (this.#bufferedBytes >= this.#a.maxClassifyBytes) return this.#classify(false);
      return true;
    }
    if (this.#phase !== 'streaming') return false;
    return this.#write(chunk);
  }

  onComplete(): void {
    if (this.#phase === 'buffering') this.#classify(true);
    if (this.#phase !== 'streaming') return;
    this.#phase = 'done';
    this.#a.ctx.ex.end();
    this.#finish?.(undefined);
  }

  onError(err: Error): void {
    const phase = this.#phase;
    this.#phase = 'done';
    clearTimeout(this.#timer);
    if (phase === 'waiting' || phase === 'buffering') {
      const f = failureFromError(err);
      this.#resolve({ kind: 'failed', failure: f, status: this.#status || undefined, evidence: this.#evidenceOf(f) });
      return;
    }
    if (phase === 'streaming') {
      // Headers already went to the client: the only honest signal left is to cut the
      // connection so the client sees a truncated response, not a "complete" one.
      this.#a.ctx.ex.destroy();
      this.#finish?.(failureFromError(err));
    }
  }


  // --- decisions ---

  #abortOnConnect: Error | undefined;

  /** Ends the attempt as failed, nothing sent to the client; `complete` = connection is clean. */
  #failBeforeCommit(f: AttemptFailure, complete = false): void {
    this.#phase = 'done';
    clearTimeout(this.#timer);
    if (!complete) this.#abortUpstream(f.error);
    this.#resolve({ kind: 'failed', failure: f, status: this.#status || undefined, evidence: this.#evidence ?? this.#evidenceOf(f) });
  }

  #abortUpstream(err: Error): void {
    if (this.#abort) this.#abort(err);
    else this.#abortOnConnect = err; // still queued or connecting: abort as soon as undici lets us
  }

  /** Returns whether undici should keep reading. */
  #classify(complete: boolean): boolean {
    const a = this.#a;
    const bytes = this.#buffered.length === 1 ? this.#buffered[0]! : Buffer.concat(this.#buffered, this.#bufferedBytes);
    const body = bytes.toString('utf8', 0, Math.min(this.#bufferedBytes, a.maxClassifyBytes));
    const verdict = a.classifier!.classify({ status: this.#status, contentType: undefined, body, complete });
    if (verdict.kind === 'cloud-error') {
      const e: Evidence = { status: this.#status, errorCode: verdict.code, cloudProvider: verdict.provider };
      if (verdict.message) e.message = verdict.message.slice(0, 200);
      if (verdict.requestId) e.requestId = verdict.requestId;
      this.#evidence = e;
      if (a.retryOnCloudError && a.canRetry('cloud-error')) {
        this.#failBeforeCommit(fail('cloud-error', true, 'DETOUR_UPSTREAM_CLOUD_ERROR', undefined, `${verdict.provider} ${verdict.code}`), complete);
        return false;
      }
      this.#failureAfterCommit = 'cloud-error';
    } else if (this.#retry5xx(complete)) {
      return false;
    }
    this.#commit();
    let more = true;
    for (const c of this.#buffered) more = this.#write(c);
    this.#buffered = [];
    return more;
  }

  #commit(): void {
    clearTimeout(this.#timer);
    const { ex } = this.#a.ctx;
    if (this.#status >= 500 && this.#failureAfterCommit === undefined) this.#failureAfterCommit = '5xx';
    this.#phase = 'streaming';
    ex.writeHead(this.#status, this.#statusText, this.#headers);
    const done = new Promise<AttemptFailure | undefined>((r) => (this.#finish = r));
    this.#resolve({ kind: 'committed', status: this.#status, failure: this.#failureAfterCommit, evidence: this.#evidence, done });
  }

  #write(chunk: Buffer): boolean {
    const { ex } = this.#a.ctx;
    ex.write(chunk, true);
    return ex.whenFlushed(this.#onFlushed);
  }

  readonly #onFlushed = (): void => this.#resume?.();

  #onTimeout(): void {
    if (this.#phase !== 'waiting' && this.#phase !== 'buffering') return;
    const code = this.#a.deadlineBound ? 'DETOUR_TOTAL_TIMEOUT' : 'DETOUR_UPSTREAM_TIMEOUT';
    this.#failBeforeCommit(fail('timeout', true, code, undefined, `after ${this.#a.timeout}ms`));
  }

  /** Client gone or shutdown: stop whatever this attempt is doing. */
  #abortNow(err: Error): void {
    switch (this.#phase) {
      case 'waiting':
      case 'buffering':
        this.#failBeforeCommit({ kind: 'reset', sent: true, error: fail('reset', true, 'DETOUR_CLIENT_ABORTED').error });
        return;
      case 'streaming':
        this.#phase = 'done';
        this.#abortUpstream(err);
        this.#finish?.(undefined);
        return;
      case 'done':
        return;
      default: {
        const never: never = this.#phase;
        return never;
      }
    }
  }

  #evidenceOf(f: AttemptFailure): Evidence {
    const cause = f.error.cause as { code?: string } | undefined;
    return { errorCode: f.error.code, message: cause?.code ?? f.error.message };
  }
}
