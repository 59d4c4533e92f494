import type { Clouds } from './clouds.js';
import type { GrayProvider } from './upstream/protocol.js';
import { PRIMARY, type EndpointName } from './settings.js';

export type ScenarioName =
  | 'kill' | 'partial' | 'blackhole' | 'hang' | 'slow'
  | 'gray-tencent' | 'gray-aliyun' | 'gray-aws' | 'flap' | 'recovery';

export interface FaultEnv {
  clouds: Clouds;
  runDir: string;
}

/** One thing done to the clouds `at` ms after the load starts. */
export interface Step {
  at: number;
  label: string;
  /** `fault` marks the incident start, `recover` its end (failback measured from there). */
  marks?: 'fault' | 'recover';
  act: (env: FaultEnv) => Promise<void>;
}

export interface Scenario {
  name: ScenarioName;
  title: string;
  /** What is done, in words, for the results document. */
  fault: string;
  durationMs: number;
  /** Endpoints the fault hits. */
  faulted: EndpointName[];
  /** The whole primary cloud is out: traffic should end on the backup. */
  wholeCloud: boolean;
  steps: Step[];
  /** Also run with POSTs (no Idempotency-Key). */
  post: boolean;
  /** The fault comes and goes (flap): there is no single switch to time. */
  repeating?: true;
}

export interface Shape {
  /** Healthy load before the fault. */
  warmMs: number;
  /** Load after the fault (after the recovery for `recovery`). */
  incidentMs: number;
}

export const FULL: Shape = { warmMs: 1500, incidentMs: 5000 };
export const SHORT: Shape = { warmMs: 1000, incidentMs: 3500 };

const A: EndpointName[] = [...PRIMARY];
const GRAY_SHARE = 0.5;

function simple(name: ScenarioName, title: string, fault: string, faulted: EndpointName[], post: boolean, s: Shape,
  act: Step['act'], wholeCloud = true): Scenario {
  return { name, title, fault, faulted, wholeCloud, post, durationMs: s.warmMs + s.incidentMs, steps: [{ at: s.warmMs, label: fault, marks: 'fault', act }] };
}

function gray(provider: GrayProvider, s: Shape, post: boolean): Scenario {
  const how = provider === 'tencent' ? 'HTTP 200 + `{"Response":{"Error":{"Code":"InternalError"}}}`'
    : provider === 'aliyun' ? 'HTTP 500 + Alibaba Cloud POP JSON `"Code":"InternalError"`'
      : 'HTTP 500 + AWS EC2 XML `<Errors><Error><Code>InternalError`';
  return simple(`gray-${provider}`, `gray failure, ${provider} envelope`,
    `${GRAY_SHARE * 100}% of API requests to both primary endpoints answer ${how}; /healthz stays 200`, A, post, s,
    (e) => e.clouds.mode(A, { kind: 'gray', provider, share: GRAY_SHARE, seed: 20240408 }));
}

export function scenarios(s: Shape = FULL): Scenario[] {
  const flapHalf = 1500;
  const flapCycles = 4;
  const flapSteps: Step[] = [];
  for (let i = 0; i < flapCycles * 2; i++) {
    const down = i % 2 === 0;
    flapSteps.push({
      at: s.warmMs + i * flapHalf,
      label: down ? 'primary cloud down (listeners closed, connections reset)' : 'primary cloud up',
      ...(i === 0 ? { marks: 'fault' as const } : {}),
      act: (e) => e.clouds.mode(A, down ? { kind: 'down' } : { kind: 'ok' }),
    });
  }
  const recoverAfter = 3000;
  return [
    simple('kill', 'primary cloud killed', 'SIGKILL both primary upstream processes (RST, then connection refused)', A, true, s,
      (e) => e.clouds.kill(A)),
    simple('partial', 'one of two primary endpoints killed', 'SIGKILL a1 only; a2 and the backup stay up', ['a1'], false, s,
      (e) => e.clouds.kill(['a1']), false),
    simple('blackhole', 'primary cloud black-holed', 'iptables -I INPUT -p tcp -j DROP inside cloud a\'s namespace: SYNs and segments vanish', A, true, s,
      (e) => e.clouds.blackhole('a', true)),
    simple('hang', 'primary cloud hangs', 'both primary endpoints accept and read requests (and health checks) but never answer', A, true, s,
      (e) => e.clouds.mode(A, { kind: 'hang' })),
    simple('slow', 'primary cloud slow', 'both primary endpoints answer everything (health checks too) after 2 s, beyond the 1 s per-try timeout', A, false, s,
      (e) => e.clouds.mode(A, { kind: 'slow', delayMs: 2000 })),
    gray('tencent', s, true),
    gray('aliyun', s, false),
    gray('aws', s, false),
    {
      name: 'flap', title: 'primary cloud flaps',
      fault: `both primary endpoints go down (listener closed, connections reset) and up every ${flapHalf / 1000} s, ${flapCycles} times`,
      faulted: A, wholeCloud: true, post: false, repeating: true, durationMs: s.warmMs + flapCycles * 2 * flapHalf + 1000, steps: flapSteps,
    },
    {
      name: 'recovery', title: 'primary cloud killed, then back',
      fault: `SIGKILL both primary endpoints, restart them ${recoverAfter / 1000} s later; failback must be clean`,
      faulted: A, wholeCloud: true, post: false, durationMs: s.warmMs + recoverAfter + s.incidentMs + 3000,
      steps: [
        { at: s.warmMs, label: 'SIGKILL a1, a2', marks: 'fault', act: (e) => e.clouds.kill(A) },
        { at: s.warmMs + recoverAfter, label: 'restart a1, a2', marks: 'recover', act: (e) => e.clouds.restart(A, e.runDir) },
      ],
    },
  ];
}
