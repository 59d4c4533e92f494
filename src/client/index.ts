/**
 * detour/client: a fetch wrapper that knows a service's primary and backup domains, for browsers and
 * Node.js (global fetch, AbortController; no dependencies). It remembers which hosts failed (across
 * page reloads in a browser), retries on another host only when that is safe, within a retry budget
 * and an overall deadline, can hedge slow idempotent requests, and reports every state change.
 * Cloud error envelopes are judged by the gateway's own classifiers (src/classify).
 */
export { createClient } from './client.js';
export { compose } from './compose.js';
export { memoryStore, localStore } from './store.js';
export { tencent, aliyun, aws, huawei } from '../classify/index.js';
export { isDetourError, DetourError } from './error.js';
export type {
  AttemptRequest, Client, ClientEvent, ClientOptions, Dispatch, Duration, Failure, HostRecord, HostStatus, HostStore, Interceptor,
} from './types.js';
export type { Classifier, ProviderClassifier, Verdict } from '../classify/index.js';
