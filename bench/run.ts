/**
 * `npm run bench`: Detour beside nginx, HAProxy and the Node proxies in one run
 * (issue #3). scripts/bench.mjs installs wrk/nginx/haproxy and builds dist/ first.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureProfile } from './lib/capture.js';
import { detourFullYaml, detourMinimalYaml } from './lib/configs.js';
import { startLineup, type Target, type TargetId, type TargetKind } from './lib/lineup.js';
import { describeMachine, loadavg } from './lib/machine.js';
import { SCENARIOS, measure, rotation, toCell, type Cell, type Sample, type Scenario } from './lib/measure.js';
import { HELP, parseOptions, type Options } from './lib/options.js';
import { CAP_SHARE, capsAvailable, removeCaps } from './lib/cpu-caps.js';
import { killAllNow, stopAll } from './lib/procs.js';
import { bigBody, checkTarget, clientSize, cpuLayout, scrub, supportsWorkers } from './lib/setup.js';
import { renderMarkdown, scenarioTable, verdictTable, type ProfileResult, type RunResult } from './lib/report.js';
import { judge, type Verdict } from './lib/verdicts.js';
import { stopWrk, wrkArgs } from './lib/wrk.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const T0 = Date.now();
const say = (s: string) => process.stderr.write(`bench: [${((Date.now() - T0) / 1000).toFixed(0).padStart(3)} s] ${s}\n`);

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.log(HELP);
    return 0;
  }
  const opts = parseOptions(argv, REPO);
  if (!existsSync(join(REPO, 'dist/cli/main.js'))) throw new Error('dist/cli/main.js is missing: run "npm run build" (scripts/bench.mjs does)');
  const machine = describeMachine();
  if (machine.nproc < 2) throw new Error(`needs 2 CPUs to pin the proxy and the load apart; this machine has ${machine.nproc}`);
  const cpus = cpuLayout(machine.nproc);
  const { proxy: proxyCpu, load: loadCpu } = cpus;
  const work = mkdtempSync(join(tmpdir(), 'detour-bench-'));
  if (!opts.keepTemp) removeOnInterrupt = work;
  chmodSync(work, 0o755); // nginx workers may run as another user
  writeFileSync(join(work, 'big.bin'), bigBody());
  const workers = supportsWorkers(REPO);
  const caps = capsAvailable();
  if (workers && !caps.ok) say(`multi-core target not judged: ${caps.why}`);
  say(`work folder ${work}; load average ${machine.loadavg}`);
  let ok = false;
  try {
    const lineup = await startLineup({ repo: REPO, dirs: { work, docroot: work }, proxyCpu, loadCpu, multiCpus: cpus.multi, workers, caps: caps.ok, only: opts.only });
    await Promise.all(lineup.targets.map(checkTarget));
    say(`${lineup.targets.length} proxies up and answering correctly: ${lineup.targets.map((t) => t.id).join(', ')}`);

    if (opts.warmupSeconds > 0) {
      say('warming up');
      for (const t of lineup.targets) await warmUp(t, opts.warmupSeconds, opts.warmupMaxFactor, loadCpu);
    }
    const samples = new Map<string, Sample[]>();
    for (let r = 0; r < opts.rounds; r++) {
      for (const [si, s] of SCENARIOS.entries()) {
        for (const t of rotation(lineup.targets, r * SCENARIOS.length + si)) {
          const x = await measure(t, s, opts.seconds, loadCpu);
          const key = `${t.id}|${s.id}`;
          samples.set(key, [...(samples.get(key) ?? []), x]);
          say(`round ${r + 1}/${opts.rounds} ${s.id.padEnd(9)} ${t.id.padEnd(11)} ${x.rps.toFixed(0).padStart(6)} req/s  p99 ${(x.p99Us / 1000).toFixed(2)} ms  ${x.cpuUsPerReq.toFixed(1)} µs CPU/req${x.errors ? `  ${x.errors} errors` : ''}`);
        }
      }
    }
    const cells: Cell[] = [];
    for (const [key, xs] of samples) {
      const [tid, sid] = key.split('|') as [TargetId, Cell['scenario']];
      cells.push(toCell(tid, sid, xs));
    }
    const kinds = new Map<TargetId, TargetKind>(lineup.targets.map((t) => [t.id, t.kind]));
    const verdicts: Verdict[] = SCENARIOS.flatMap((s) => judge(s.id, cells.filter((c) => c.scenario === s.id), kinds));
    const profiles = await takeProfiles(opts, verdicts, work, lineup.upstreamPorts, proxyCpu, loadCpu, cpus.multi);
    const result: RunResult = {
      mode: opts.mode, machine, loadavgEnd: loadavg(), rounds: opts.rounds, seconds: opts.seconds,
      warmupSeconds: opts.warmupSeconds, warmupMaxFactor: opts.warmupMaxFactor,
      proxyCpu, loadCpu, scenarios: SCENARIOS,
      targets: lineup.targets.map(({ id, label, kind, cpus, port, command, config }) => {
        const sc = (x: string) => scrub(x, work, lineup.upstreamPorts, port);
        return { id, label, kind, cpus, command: sc(command), config: config === undefined ? undefined : sc(config) };
      }),
      upstreamConfig: scrub(lineup.upstreamConfig, work, lineup.upstreamPorts, undefined),
      wrkExample: `taskset -c ${loadCpu} wrk ${wrkArgs({ url: 'http://127.0.0.1:$PORT/', connections: 50, seconds: opts.seconds, cpus: loadCpu }).map((a) => a.replace(REPO + '/', '')).join(' ')}`,
      cells, verdicts, profiles, clientSize: clientSize(REPO),
      workersNote: !workers
        ? 'Multi-core: `detour start --workers N` is not in this build, so the multi-core target is not measured.'
        : caps.ok
          ? `Multi-core: on ${machine.nproc} CPUs shared with wrk and the upstream, \`--workers 2\` cannot have two whole cores, so it gets the same ` +
            `share of each of two cores as one process gets of one: \`detour start --workers 2\` with each worker pinned to its own CPU (${cpus.multi}) and held to ` +
            `${100 * CAP_SHARE}% of it, against one Detour process on CPU ${proxyCpu} held to ${100 * CAP_SHARE}% (CFS bandwidth control through ${caps.how}, ` +
            `a ${100 * CAP_SHARE}/10 ms quota; bench/lib/cpu-caps.ts). Spread over both workers, the work runs twice as fast; left on one, it would not move. ` +
            'The uncapped rows show the same build without quotas.'
          : `Multi-core: \`detour start --workers 2\` pinned to CPUs ${cpus.multi}, uncapped; not judged (${caps.why}).`,
    };
    writeFileSync(opts.out, renderMarkdown(result));
    writeFileSync(opts.json, JSON.stringify(result, null, 2) + '\n');
    for (const s of SCENARIOS) console.log(scenarioTable(s, cells, result.targets));
    console.log(verdictTable(verdicts));
    console.log(`\n${result.clientSize}\n`);
    say(`wrote ${opts.out} and ${opts.json}`);
    ok = true;
    return 0;
  } finally {
    await stopAll();
    removeCaps();
    // On failure the configs and process logs are what explains it: keep them.
    if (ok && !opts.keepTemp) rmSync(work, { recursive: true, force: true });
    else say(`kept ${work} (configs, logs${opts.keepTemp ? ', profiles' : ''})`);
  }
}

/**
 * V8 compiles the hot path only after thousands of requests (each --workers process on
 * its own), and a cold Node proxy is several times slower. So warm up in 1 s steps until
 * req/s stops improving by 10%, at least `seconds` and at most `maxFactor` × `seconds`; then
 * half as long with the 1 MiB body.
 */
async function warmUp(t: Target, seconds: number, maxFactor: number, loadCpu: string): Promise<void> {
  let prev = 0;
  for (let i = 1; i <= maxFactor * seconds; i++) {
    const x = await measure(t, SCENARIOS[1]!, 1, loadCpu);
    if (i >= seconds && x.rps < prev * 1.1) break;
    prev = Math.max(prev, x.rps);
  }
  await measure(t, SCENARIOS[2]!, Math.max(1, Math.round(seconds / 2)), loadCpu);
}

async function takeProfiles(opts: Options, verdicts: readonly Verdict[], work: string, [upA, upB]: [number, number], proxyCpu: string, loadCpu: string, multiCpu: string): Promise<ProfileResult[]> {
  const want = opts.profile === 'always' || (opts.profile === 'auto' && opts.mode === 'full');
  if (!want) return [];
  // The scenarios where a goal was missed, profiled as they ran (small-c50 when --profile asks for one anyway).
  const missedIn = (goals: ReadonlyArray<Verdict['goal']>): Scenario[] => {
    const ids = new Set(verdicts.filter((v) => goals.includes(v.goal) && v.pass === false).map((v) => v.scenario));
    const list = SCENARIOS.filter((s) => ids.has(s.id));
    return list.length === 0 && opts.profile === 'always' ? [SCENARIOS[1]!] : list;
  };
  const out: ProfileResult[] = [];
  const seconds = Math.max(opts.seconds, 3);
  const base = { repo: REPO, work, seconds, proxyCpu, loadCpu };
  for (const s of missedIn(['throughput', 'cpu'])) {
    say(`profiling Detour (minimal) under load: ${s.id}`);
    const [summary] = await captureProfile({ ...base, path: s.path, connections: s.connections, name: `detour-${s.id}`, yaml: (p) => detourMinimalYaml(p, upA) });
    out.push({ target: 'detour', scenario: s.id, seconds, summary: summary! });
  }
  for (const s of missedIn(['machinery'])) {
    say(`profiling Detour (full) under load: ${s.id}`);
    const yaml = (p: number) => detourFullYaml(p, 0, upA, upB, join(work, `detour-full-profile-${s.id}-state.json`));
    const [summary] = await captureProfile({ ...base, path: s.path, connections: s.connections, name: `detour-full-${s.id}`, yaml });
    out.push({ target: 'detour-full', scenario: s.id, seconds, summary: summary! });
  }
  for (const s of missedIn(['multicore'])) {
    // Uncapped, on the same CPUs: whether both workers do the same work per request as one process.
    say(`profiling Detour --workers 2 under load: ${s.id}`);
    const summaries = await captureProfile({ ...base, proxyCpu: multiCpu, path: s.path, connections: s.connections, name: `detour-w2-${s.id}`,
      yaml: (p) => detourMinimalYaml(p, upA), args: ['--workers', '2'] });
    summaries.slice(0, 2).forEach((summary, i) => out.push({ target: 'detour-w2', process: `worker ${i + 1} of 2, by CPU used`, scenario: s.id, seconds, summary }));
  }
  return out;
}

process.once('exit', () => {
  stopWrk();
  killAllNow();
});
let interrupted = false;
let removeOnInterrupt: string | undefined;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  // `on`, not `once`: Ctrl-C reaches this process both from the terminal and forwarded by
  // scripts/bench.mjs, and a second signal must not kill it before its children are stopped.
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    say(`${sig}: stopping everything`);
    stopWrk();
    void stopAll().finally(() => {
      removeCaps();
      if (removeOnInterrupt) rmSync(removeOnInterrupt, { recursive: true, force: true });
      process.exit(130);
    });
  });
}
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (err: unknown) => {
    console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
    await stopAll();
    process.exitCode = 1;
  },
);
