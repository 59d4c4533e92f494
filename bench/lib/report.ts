import type { TargetId, TargetKind } from './lineup.js';
import type { Machine } from './machine.js';
import type { Cell, Scenario } from './measure.js';
import type { ProfileSummary } from './profile.js';
import { median } from './stats.js';
import { bestNodePeer, type Verdict } from './verdicts.js';

export interface TargetInfo {
  id: TargetId;
  label: string;
  kind: TargetKind;
  cpus: string;
  command: string;
  config: string | undefined;
}

export interface ProfileResult {
  target: TargetId;
  /** Which process, when the target has several (a worker of --workers). */
  process?: string;
  scenario: string;
  seconds: number;
  summary: ProfileSummary;
}

export interface RunResult {
  mode: 'full' | 'quick';
  machine: Machine;
  loadavgEnd: string;
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  warmupMaxFactor: number;
  proxyCpu: string;
  loadCpu: string;
  scenarios: readonly Scenario[];
  targets: TargetInfo[];
  upstreamConfig: string;
  wrkExample: string;
  cells: Cell[];
  verdicts: Verdict[];
  profiles: ProfileResult[];
  /** Output of scripts/client-size.mjs, or why it was skipped. */
  clientSize: string;
  workersNote: string;
}

const k = (x: number) => (x >= 10_000 ? `${(x / 1000).toFixed(1)}k` : x.toFixed(0));
const ms = (us: number) => (us >= 10_000 ? `${(us / 1000).toFixed(1)} ms` : `${(us / 1000).toFixed(2)} ms`);
const ratio = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '–');
const mib = (b: number) => `${(b / 1048576).toFixed(0)} MiB`;
const pass = (p: boolean | undefined) => (p === undefined ? 'n/a' : p ? '**met**' : '**missed**');

/** One table per scenario: medians, ratios against nginx and against the best Node peer. */
export function scenarioTable(s: Scenario, cells: readonly Cell[], targets: readonly TargetInfo[]): string {
  const kinds = new Map(targets.map((t) => [t.id, t.kind]));
  const mine = cells.filter((c) => c.scenario === s.id);
  const nginx = mine.find((c) => c.target === 'nginx');
  const peer = bestNodePeer(mine, kinds);
  const rows = [
    '| proxy | req/s | p50 | p99 | CPU µs/req | RSS | req/s vs nginx | CPU vs nginx | req/s vs best Node peer | errors | req/s per round | other load on proxy core |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|',
  ];
  for (const t of targets) {
    const c = mine.find((x) => x.target === t.id);
    if (!c) continue;
    rows.push(`| ${t.label} | ${k(c.rps)} | ${ms(c.p50Us)} | ${ms(c.p99Us)} | ${c.cpuUsPerReq.toFixed(1)} | ${mib(c.rssBytes)} | ` +
      `${nginx ? ratio(c.rps / nginx.rps) : '–'} | ${nginx && t.kind !== 'limit' ? ratio(c.cpuUsPerReq / nginx.cpuUsPerReq) : '–'} | ` +
      `${peer ? ratio(c.rps / peer.rps) : '–'} | ${c.errors} | ${c.samples.map((x) => k(x.rps)).join(' / ')} | ` +
      `${Number.isFinite(c.foreignPct) ? `${c.foreignPct.toFixed(0)}%` : '–'} |`);
  }
  return `### ${s.title}\n\nBest Node peer here: ${peer ? `\`${peer.target}\`` : 'none'}.\n\n${rows.join('\n')}\n`;
}

export function verdictTable(vs: readonly Verdict[]): string {
  const rows = ['| scenario | target | measured | result | shortfall |', '|---|---|---|---|---|'];
  for (const v of vs) rows.push(`| ${v.scenario} | ${v.wanted} | ${v.measured} | ${pass(v.pass)} | ${v.shortfall ?? ''} |`);
  return rows.join('\n');
}

export function profileSection(p: ProfileResult): string {
  const s = p.summary;
  const top = ['| self % | self ms | function | where |', '|--:|--:|---|---|'];
  for (const r of s.top) top.push(`| ${r.pct.toFixed(1)} | ${r.selfMs.toFixed(0)} | \`${r.name}\` | ${r.where ? `\`${r.where}\`` : ''} |`);
  const areas = ['| self % | area |', '|--:|---|'];
  for (const r of s.areas.slice(0, 12)) areas.push(`| ${r.pct.toFixed(1)} | ${r.name} |`);
  const share = (test: (area: string) => boolean) => s.areas.filter((a) => test(a.name)).reduce((n, a) => n + a.pct, 0).toFixed(0);
  const reading = `Detour's own code is ${share((a) => a.startsWith('detour '))}% of the busy time; ` +
    `Node's HTTP server, streams, net, events and ticks ${share((a) => /^node (http|streams|net|events|ticks)/.test(a))}%, ` +
    `undici ${share((a) => a.startsWith('undici'))}%, native code (syscalls such as writev, string encoding) ${share((a) => a === '(native)' || a === '(program)')}%, ` +
    `garbage collection ${share((a) => a === '(garbage collector)')}%.`;
  return `### CPU profile: ${p.target}${p.process ? ` (${p.process})` : ''}, ${p.scenario}, ${p.seconds} s under load\n\n` +
    `\`node --cpu-prof\` on the Detour process; ${s.totalMs.toFixed(0)} ms sampled, ${s.idlePct.toFixed(0)}% idle. ` +
    `Percentages are of non-idle samples. ${reading}\n\nBy area (self time):\n\n${areas.join('\n')}\n\nTop functions by self time:\n\n${top.join('\n')}\n`;
}

/** The headline: the 50-connection small-body numbers, the verdict count, and how noisy the run was. */
export function summary(r: RunResult): string {
  const kinds = new Map(r.targets.map((t) => [t.id, t.kind]));
  const cells = r.cells.filter((c) => c.scenario === 'small-c50');
  const get = (id: TargetId) => cells.find((c) => c.target === id);
  const detour = get('detour');
  const nginx = get('nginx');
  const peer = bestNodePeer(cells, kinds);
  const lines: string[] = [];
  if (detour && nginx && peer) {
    lines.push(`Small bodies, 50 connections: Detour ${k(detour.rps)} req/s (p99 ${ms(detour.p99Us)}), ` +
      `${ratio(detour.rps / peer.rps)} the best Node peer (\`${peer.target}\`, ${k(peer.rps)} req/s, p99 ${ms(peer.p99Us)}), ` +
      `${ratio(detour.rps / nginx.rps)} nginx's req/s at ${ratio(detour.cpuUsPerReq / nginx.cpuUsPerReq)} its CPU per request.`);
  }
  const judged = r.verdicts.filter((v) => v.pass !== undefined);
  lines.push(`Targets met: ${judged.filter((v) => v.pass).length} of ${judged.length} judged` +
    `${judged.length < r.verdicts.length ? ` (${r.verdicts.length - judged.length} not measurable in this run)` : ''}; details under "Targets".`);
  const foreign = median(r.cells.map((c) => c.foreignPct).filter(Number.isFinite));
  if (foreign > 10) {
    lines.push(`**Noisy run**: other processes kept the proxy's core ${foreign.toFixed(0)}% busy (median over all runs), so absolute ` +
      'numbers are low and vary between rounds; ratios within this run are the meaningful part. Rerun on a quiet machine for absolute numbers.');
  }
  return lines.join('\n\n') + '\n';
}

function fence(text: string, lang = ''): string {
  return `\`\`\`${lang}\n${text.trimEnd()}\n\`\`\``;
}

export function renderMarkdown(r: RunResult): string {
  const m = r.machine;
  const out: string[] = [];
  out.push(`# Benchmarks\n\nGenerated by \`npm run bench${r.mode === 'quick' ? ' -- --quick' : ''}\` on ${m.date}. ` +
    'Do not edit by hand: rerun the bench instead.\n');
  out.push(summary(r));
  out.push(`## How to run\n\n${fence('npm run bench                                  # everything, about 8 minutes; writes docs/benchmarks.md and bench/results.json\nnpm run bench -- --quick                       # about 1.5 minutes, 1 round of 2 s; prints the tables, writes to the temp folder\nnpm run bench -- --quick --only detour,http-proxy,fastify,nginx --profile   # iterate on the hot path\nnpm run bench -- --help                        # rounds, duration, profile and output options', 'sh')}\n\n` +
    'Needs root (or the packages already present) for `apt-get install wrk nginx haproxy`; builds Detour with ' +
    '`npm run build` and measures `dist/`. Every process it starts is stopped at the end, on error and on Ctrl-C.\n');
  out.push(`## Machine\n\n| | |\n|---|---|\n| CPUs (nproc) | ${m.nproc} |\n| CPU model | ${m.cpuModel} |\n| kernel | ${m.kernel} |\n` +
    `| Node.js | ${m.node} |\n| nginx | ${m.nginx} |\n| HAProxy | ${m.haproxy} |\n| wrk | ${m.wrk} |\n` +
    `| load average (1/5/15 min) at start | ${m.loadavg} |\n| load average at end | ${r.loadavgEnd} |\n`);
  out.push('## Method\n\n' + [
    `- The proxy under test is pinned with \`taskset\` to CPU ${r.proxyCpu}; \`wrk\` (1 thread) and the upstream nginx share CPU(s) ${r.loadCpu}. ` +
      `The upstream is native (nginx \`return 200\` for the small body, a static file with sendfile for 1 MiB), so it is not the bottleneck of a Node proxy; ` +
      'for nginx and HAProxy it may be (they are fast enough to saturate the shared load core), so their req/s is a lower bound and their CPU per request is the better comparison.',
    '- "direct upstream" is the same upstream config started a second time on the proxy core: the ceiling with no proxy at all.',
    '- Detour runs the way its launcher `bin/detour.js` runs it: `node --max-semi-space-size=32` (a 32 MiB V8 young generation instead of 16). ' +
      '"Detour (minimal, V8 default young generation)" is the same build and config without the flag, and "http-proxy (--max-semi-space-size=32)" the Node peer with it, so the flag\'s share is visible.',
    `- All proxies run at once for the whole bench; rounds are interleaved (round *r* starts at a different proxy), ${r.rounds} round(s) × ${r.seconds} s per proxy and scenario, ` +
      `after a warm-up of each (JIT): at least ${r.warmupSeconds} s${r.warmupMaxFactor > 1 ? `, longer (up to ${r.warmupMaxFactor * r.warmupSeconds} s) while its req/s still improves` : ''}. Tables show the **median** over rounds; the per-round req/s column shows the spread.`,
    '- CPU µs/req = (utime + stime of the proxy\'s whole process tree, from `/proc/<pid>/stat`, after − before the wrk run) ÷ requests. RSS = sum of VmRSS of the tree after the run (max over rounds).',
    '- "other load on proxy core" = busy share of the proxy\'s core (`/proc/stat`) minus the proxy\'s own CPU: load from other work on this machine. ' +
      'Non-zero values mean the numbers are noisy; compare ratios within one run, not absolute numbers across runs.',
    `- ${r.workersNote}`,
  ].join('\n') + '\n');
  out.push('## Results\n');
  for (const s of r.scenarios) out.push(scenarioTable(s, r.cells, r.targets));
  out.push(`## Targets (issue #3)\n\nDetour here is the minimal config unless the target says otherwise.\n\n${verdictTable(r.verdicts)}\n`);
  if (r.profiles.length > 0) {
    out.push('## Where the time goes\n\nProfiles are taken when a target is missed (or with `--profile`), on the same build, with `--cpu-prof`.\n');
    for (const p of r.profiles) out.push(profileSection(p));
  }
  out.push(`## Client library size\n\n${r.clientSize}\n`);
  out.push(`## Exact configurations\n\nwrk (per proxy, scenario and round; \`-c\` and the path vary by scenario):\n\n${fence(r.wrkExample, 'sh')}\n\n` +
    `Upstream (and, on its own port and core, "direct upstream"):\n\n${fence(r.upstreamConfig, 'nginx')}\n`);
  for (const t of r.targets) {
    if (t.kind === 'limit') continue;
    out.push(`### ${t.label}\n\n${fence(t.command, 'sh')}\n${t.config ? `\n${fence(t.config, t.id.startsWith('detour') ? 'yaml' : t.id === 'nginx' ? 'nginx' : '')}\n` : ''}`);
  }
  return out.join('\n');
}
