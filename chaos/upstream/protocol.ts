/**
 * What the suite tells an upstream server process (over the Node IPC channel, which
 * survives `ip netns exec` because it is an inherited file descriptor) and what it answers.
 */
export type GrayProvider = 'tencent' | 'aliyun' | 'aws';

export type Mode =
  | { kind: 'ok' }
  /** `share` of API requests (not /healthz) answer with the provider's InternalError envelope. */
  | { kind: 'gray'; provider: GrayProvider; share: number; seed: number }
  /** Accept, read the request, never answer (health checks too). */
  | { kind: 'hang' }
  /** Answer normally after `delayMs` (health checks too). */
  | { kind: 'slow'; delayMs: number }
  /** Listener closed and every connection reset: connection refused, like a stopped process. */
  | { kind: 'down' };

export type ToUpstream =
  | { type: 'mode'; seq: number; mode: Mode }
  /** Back to `ok`, drop held (hung) requests, write the request log to a new file. */
  | { type: 'reset'; seq: number; log: string };

export type FromUpstream =
  | { type: 'ready'; port: number }
  | { type: 'ack'; seq: number }
  | { type: 'fatal'; message: string };

export interface UpstreamSpec {
  /** Endpoint name, e.g. `a1`; returned in `x-served-by` and the body. */
  name: string;
  cloud: string;
  host: string;
  /** 0 = any free port (loopback fallback); the chosen port is reported in `ready`. */
  port: number;
  /** Request log: one line per request, written synchronously so a SIGKILL loses nothing. */
  log: string;
}

/** One line of an upstream's request log. */
export interface Arrival {
  at: number;
  endpoint: string;
  method: string;
  path: string;
  /** The load generator's request id (`x-chaos-id`), or `-` for health checks. */
  id: string;
  /** What the server did with it. */
  answer: 'ok' | 'gray' | 'hang' | 'slow' | 'health';
}

export const ANSWERS: ReadonlySet<string> = new Set(['ok', 'gray', 'hang', 'slow', 'health']);
