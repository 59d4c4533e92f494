/**
 * undici's interceptor composition (Dispatcher.compose): the first interceptor is the outermost.
 * Interceptors see every attempt with its host, so they can re-sign a request for the host it is
 * about to go to (the Tencent Go SDK re-signs when it fails over to another domain).
 */
import type { Dispatch, Interceptor } from './types.js';

export const compose =
  (...interceptors: readonly Interceptor[]) =>
  (dispatch: Dispatch): Dispatch =>
    interceptors.reduceRight<Dispatch>((next, i) => i(next), dispatch);
