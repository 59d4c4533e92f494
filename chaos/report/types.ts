import type { RunResult } from '../metrics.js';
import type { ProxyName } from '../proxies/types.js';
import type { Shape } from '../scenarios.js';
import type { LoadSpec, Timing } from '../settings.js';
import type { TargetCheck } from '../targets.js';
import type { Machine } from './machine.js';

/** Everything a suite run produced: the JSON document, and the input of the markdown one. */
export interface SuiteReport {
  machine: Machine;
  lab: { mode: 'netns' | 'loopback'; why: string; subnet: string | null; clouds: Array<{ name: string; ns: string | null; address: string }> };
  timing: Timing;
  load: LoadSpec;
  shape: Shape;
  scenarios: Array<{ name: string; title: string; fault: string; durationMs: number; faulted: string[]; post: boolean }>;
  results: RunResult[];
  targets: TargetCheck[];
  /** The exact configuration text each proxy ran with (from the first run; only addresses are run-specific). */
  configs: Partial<Record<ProxyName, string>>;
  /** How each proxy's detection was observed. */
  detectionSources: Partial<Record<ProxyName, string>>;
  /** Runs that could not complete, with the reason. */
  failures: Array<{ scenario: string; proxy: string; method: string; error: string }>;
  durationMs: number;
}
