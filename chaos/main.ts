/**
 * `npm run chaos`: the fault-injection suite. Installs nginx, HAProxy and iptables from
 * Debian when missing (as root), runs every scenario against Detour, nginx and HAProxy,
 * and writes docs/failover-results.md and docs/failover-results.json.
 *
 *   npm run chaos -- [--scenarios kill,gray-tencent] [--proxies detour,nginx]
 *                    [--no-post] [--rate 200] [--loopback] [--keep] [--strict] [--out docs]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensurePackages, type Need } from './apt.js';
import { PROXIES, type ProxyName } from './proxies/types.js';
import { renderMarkdown } from './report/markdown.js';
import { scenarios, type ScenarioName } from './scenarios.js';
import { LOAD } from './settings.js';
import { runSuite } from './suite.js';
import { REPO_ROOT } from './upstream/handle.js';

interface Args {
  scenarios: ScenarioName[] | undefined;
  proxies: ProxyName[];
  post: boolean;
  rate: number;
  loopback: boolean;
  keep: boolean;
  strict: boolean;
  out: string;
}

export function parseArgs(argv: readonly string[]): Args {
  const known = new Set<string>(scenarios().map((s) => s.name));
  const a: Args = { scenarios: undefined, proxies: [...PROXIES], post: true, rate: LOAD.rate, loopback: false, keep: false, strict: false, out: join(REPO_ROOT, 'docs') };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`chaos: ${flag} needs a value`);
      return x;
    };
    switch (flag) {
      case '--scenarios': {
        const list = value().split(',');
        for (const s of list) if (!known.has(s)) throw new Error(`chaos: unknown scenario "${s}" (known: ${[...known].join(', ')})`);
        a.scenarios = list as ScenarioName[];
        break;
      }
      case '--proxies': {
        const list = value().split(',');
        for (const p of list) if (!(PROXIES as readonly string[]).includes(p)) throw new Error(`chaos: unknown proxy "${p}" (known: ${PROXIES.join(', ')})`);
        a.proxies = list as ProxyName[];
        break;
      }
      case '--rate': {
        a.rate = Number(value());
        if (!Number.isInteger(a.rate) || a.rate < 1 || a.rate > 2000) throw new Error('chaos: --rate must be an integer 1..2000');
        break;
      }
      case '--out': a.out = resolve(value()); break;
      case '--no-post': a.post = false; break;
      case '--loopback': a.loopback = true; break;
      case '--keep': a.keep = true; break;
      case '--strict': a.strict = true; break;
      default: throw new Error(`chaos: unknown option ${flag}`);
    }
  }
  return a;
}

export async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const log = (l: string): void => {
    process.stdout.write(l + '\n');
  };
  const needs: Need[] = [];
  if (args.proxies.includes('nginx')) needs.push({ bin: 'nginx', pkg: 'nginx' });
  if (args.proxies.includes('haproxy')) needs.push({ bin: 'haproxy', pkg: 'haproxy' });
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root && !args.loopback) needs.push({ bin: 'ip', pkg: 'iproute2' }, { bin: 'iptables', pkg: 'iptables' });
  await ensurePackages(needs, log);
  const report = await runSuite({
    ...(args.scenarios ? { scenarios: args.scenarios } : {}),
    proxies: args.proxies, post: args.post, load: { ...LOAD, rate: args.rate },
    forceLoopback: args.loopback, keep: args.keep, log,
    // As root (CI) a failure to create namespaces is an error, never a silent fallback.
    requireNetns: root && !args.loopback,
  });
  mkdirSync(args.out, { recursive: true });
  writeFileSync(join(args.out, 'failover-results.json'), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(args.out, 'failover-results.md'), renderMarkdown(report));
  log(`chaos: wrote ${join(args.out, 'failover-results.md')} and .json in ${(report.durationMs / 1000).toFixed(0)} s`);
  const misses = report.targets.filter((t) => t.verdict === 'fail');
  for (const m of misses) log(`chaos: target missed: ${m.target} [${m.scenario} ${m.method}]: ${m.measured}`);
  if (report.failures.length > 0) return 2;
  return args.strict && misses.length > 0 ? 1 : 0;
}
