import type { Target } from '../clouds.js';
import type { Timing } from '../settings.js';

export type ProxyName = 'detour' | 'nginx' | 'haproxy';
export const PROXIES: readonly ProxyName[] = ['detour', 'nginx', 'haproxy'];

/** The proxy itself reported that an endpoint is out (Detour event, HAProxy DOWN, nginx failed attempt). */
export interface Detection {
  at: number;
  endpoint: string;
  how: string;
  /**
   * The cloud RequestId of the response that tripped the detector, when the proxy reports it
   * (Detour's ejection evidence). The gray envelopes carry `chaos-<x-chaos-id>`, so the run can
   * tell the responses the detector had seen from those still in flight when it decided.
   */
  requestId?: string;
}

/** The proxy itself reported that traffic moved to another tier (Detour `pool.active`, HAProxy backup in use). */
export interface TierChange {
  at: number;
  to: 'primary' | 'backup' | 'none';
  how: string;
}

export interface Observations {
  detections: Detection[];
  /** Endpoints reported usable again (for failback). */
  returns: Detection[];
  /** null: the proxy has no such notion that can be observed (nginx OSS). */
  tierChanges: TierChange[] | null;
  /** How detection was observed, for the results document. */
  source: string;
}

export interface ProxySetup {
  dir: string;
  primary: Target[];
  backup: Target[];
  timing: Timing;
}

/** One proxy under test, run as its own process(es) on a free loopback port. */
export interface ProxyUnderTest {
  readonly name: ProxyName;
  /** `http://127.0.0.1:<port>` once started. */
  readonly url: string;
  /** The exact configuration file given to the proxy. */
  readonly configText: string;
  start(): Promise<void>;
  /** Resolves once the proxy considers every endpoint healthy (after its start-up checks). */
  settle(): Promise<void>;
  stop(): Promise<void>;
  /** What the proxy said about endpoint state during the run. */
  observations(): Promise<Observations>;
}
