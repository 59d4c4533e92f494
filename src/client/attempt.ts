/**
 * One attempt on one host: dispatch through the interceptors, bounded by timeout.perTry, then judged
 * by inspect(). The per-try timer stops once the response is judged, so it never cuts the body the
 * caller is reading.
 */
import { networkFailure } from './failure.js';
import { inspect } from './inspect.js';
import type { Normalized } from './options.js';
import type { AttemptRequest, Dispatch, Failure } from './types.js';

export type Outcome =
  | { kind: 'ok'; res: Response; ms: number }
  /** `res` is kept for 5xx and envelopes: when no retry is possible the caller gets the host's own answer. */
  | { kind: 'failed'; failure: Failure; res?: Response }
  /** Cancelled by us or the caller (lost a hedge race, deadline, caller's signal): says nothing about the host. */
  | { kind: 'aborted' };

/** The abort reason of the per-try timer. */
export const PER_TRY = new Error('timeout.perTry');

export async function attempt(
  dispatch: Dispatch,
  req: AttemptRequest,
  ctl: AbortController,
  { perTry, classify }: Normalized,
): Promise<Outcome> {
  const t0 = Date.now();
  const timer = setTimeout(() => ctl.abort(PER_TRY), perTry);
  try {
    const res = await dispatch(req);
    const failure = await inspect(res, classify);
    return failure ? { kind: 'failed', failure, res } : { kind: 'ok', res, ms: Date.now() - t0 };
  } catch (error) {
    const signal = req.init.signal;
    if (signal.aborted) return signal.reason === PER_TRY ? { kind: 'failed', failure: { kind: 'timeout' } } : { kind: 'aborted' };
    // fetch rejects with a TypeError for network errors, in browsers and in Node (undici). Anything else
    // (an interceptor threw) goes to the caller and the host is not blamed.
    if (!(error instanceof TypeError)) throw error;
    return { kind: 'failed', failure: networkFailure(error) };
  } finally {
    clearTimeout(timer);
  }
}
