import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Machine } from './machine.js';
import { SCENARIOS, toCell, type Cell } from './measure.js';
import { renderMarkdown, type RunResult, type TargetInfo } from './report.js';
import { judge } from './verdicts.js';

const machine: Machine = {
  date: '2026-01-02T03:04:05.000Z', nproc: 2, cpuModel: 'Test CPU', kernel: '6.1.0', node: 'v20.20.2',
  nginx: 'nginx/1.22.1', haproxy: 'HAProxy version 2.6.12', wrk: 'wrk 4.1.0', loadavg: '0.10 0.20 0.30',
};
const targets: TargetInfo[] = [
  { id: 'nginx', label: 'nginx', kind: 'native', cpus: '1', command: 'taskset -c 1 nginx -c nginx.conf', config: 'worker_processes 1;' },
  { id: 'detour', label: 'Detour (minimal)', kind: 'detour', cpus: '1', command: 'taskset -c 1 node dist/cli/main.js start', config: 'listen: 127.0.0.1:1' },
  { id: 'http-proxy', label: 'http-proxy', kind: 'node-peer', cpus: '1', command: 'taskset -c 1 node bench/peers/http-proxy.mjs', config: undefined },
];

function run(foreignPct: number): RunResult {
  const cell = (id: TargetInfo['id'], rps: number, cpu: number): Cell =>
    toCell(id, 'small-c50', [{ rps, p50Us: 500, p99Us: 2000, cpuUsPerReq: cpu, rssBytes: 50 << 20, errors: 0, foreignPct, topProcessShare: 1 }]);
  const cells = [cell('nginx', 20000, 30), cell('detour', 6000, 150), cell('http-proxy', 4000, 240)];
  return {
    mode: 'full', machine, loadavgEnd: '1 1 1', rounds: 1, seconds: 3, warmupSeconds: 3, warmupMaxFactor: 3, proxyCpu: '1', loadCpu: '0',
    scenarios: SCENARIOS.filter((s) => s.id === 'small-c50'), targets, upstreamConfig: 'events {}', wrkExample: 'wrk -t1',
    cells, verdicts: judge('small-c50', cells, new Map(targets.map((t) => [t.id, t.kind]))), profiles: [],
    clientSize: 'skipped', workersNote: 'no workers',
  };
}

describe('docs/benchmarks.md', () => {
  it('states the machine, the ratios, each missed target with its shortfall, and the exact configs', () => {
    const md = renderMarkdown(run(0));
    assert.match(md, /\| CPUs \(nproc\) \| 2 \|/);
    assert.match(md, /\| CPU model \| Test CPU \|/);
    assert.match(md, /Detour 6000 req\/s .*1\.50× the best Node peer \(`http-proxy`/);
    assert.match(md, /\| Detour \(minimal\) \| 6000 \| 0\.50 ms \| 2\.00 ms \| 150\.0 \| 50 MiB \| 0\.30× \| 5\.00× \| 1\.50× \|/);
    assert.match(md, /CPU per request ≤ 3× nginx's \| 5\.00× .* \| \*\*missed\*\* \| needs -40% CPU per request \|/);
    assert.match(md, /```yaml\nlisten: 127\.0\.0\.1:1\n```/);
    assert.doesNotMatch(md, /Noisy run/);
  });

  it('reads a CPU profile as shares of Detour\'s own code, Node, undici and GC', () => {
    const r = run(0);
    const row = (name: string, pct: number) => ({ name, where: '', selfMs: pct, pct });
    r.profiles = [{ target: 'detour', scenario: 'small-c50', seconds: 3, summary: {
      totalMs: 100, idlePct: 5, top: [row('handleRequest', 12)],
      areas: [row('undici', 40), row('node http', 25), row('detour proxy/', 12), row('detour metrics/', 3), row('(garbage collector)', 20)],
    } }];
    const md = renderMarkdown(r);
    assert.match(md, /Detour's own code is 15% of the busy time; Node's HTTP server, streams, net, events and ticks 25%, undici 40%, native code .* 0%, garbage collection 20%\./);
    assert.match(md, /\| 12\.0 \| 12 \| `handleRequest` \|/);
  });

  it('warns that absolute numbers are unreliable when other load shared the proxy core', () => {
    assert.match(renderMarkdown(run(35)), /\*\*Noisy run\*\*: other processes kept the proxy's core 35% busy/);
  });
});
