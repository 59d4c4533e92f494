import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Options {
  mode: 'full' | 'quick';
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  /** Warm-up may grow to this many times warmupSeconds while req/s still improves. */
  warmupMaxFactor: number;
  /** 'auto' = profile Detour when it misses a target (full mode only). */
  profile: 'auto' | 'always' | 'never';
  out: string;
  json: string;
  keepTemp: boolean;
  /** Measure only these target ids (all when empty). */
  only: string[];
}

export const HELP = `npm run bench [-- options]

  --quick           1 round of 2 s per proxy and scenario (about 1.5 minutes; less with --only);
                    output to the temp folder
  --rounds N        interleaved rounds (default 4; quick 1)
  --duration S      seconds per wrk run (default 3; quick 2)
  --warmup S        warm-up per proxy before the rounds, small body: at least S seconds, longer (up
                    to 3 S; quick: no longer) while req/s still improves; then S/2 with the 1 MiB body
                    (default 3; quick 2)
  --profile         always take a --cpu-prof profile of Detour under load
  --no-profile      never (default: only when Detour misses a target, full mode only)
  --out FILE        markdown report (default docs/benchmarks.md; quick: $TMPDIR/detour-bench-quick.md)
  --json FILE       raw results (default bench/results.json; quick: $TMPDIR/detour-bench-quick.json)
  --keep-temp       keep the work folder (configs, logs, profiles)
  --only A,B        measure only these: direct, nginx, haproxy, detour, detour-v8-default, detour-full, detour-cap1, detour-w2,
                    fastify, http-proxy, http-proxy-semi (targets needing a missing one show n/a)
  --no-build        (scripts/bench.mjs) skip npm run build`;

export function parseOptions(argv: readonly string[], repo: string): Options {
  const quick = argv.includes('--quick');
  const o: Options = {
    mode: quick ? 'quick' : 'full',
    // Many short rounds beat few long ones on a shared machine: the median drops the
    // rounds that collided with someone else's burst.
    rounds: quick ? 1 : 4,
    seconds: quick ? 2 : 3,
    warmupSeconds: quick ? 2 : 3,
    warmupMaxFactor: quick ? 1 : 3,
    profile: 'auto',
    out: quick ? join(tmpdir(), 'detour-bench-quick.md') : join(repo, 'docs/benchmarks.md'),
    json: quick ? join(tmpdir(), 'detour-bench-quick.json') : join(repo, 'bench/results.json'),
    keepTemp: false,
    only: [],
  };
  const num = (flag: string, v: string | undefined, min: number, max: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min || n > max) throw new Error(`${flag} needs a whole number from ${min} to ${max}, got "${v ?? ''}"`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    switch (a) {
      case '--quick':
      case '--no-build':
        break;
      case '--rounds': o.rounds = num(a, argv[++i], 1, 20); break;
      case '--duration': o.seconds = num(a, argv[++i], 1, 60); break;
      case '--warmup': o.warmupSeconds = num(a, argv[++i], 0, 30); break;
      case '--profile': o.profile = 'always'; break;
      case '--no-profile': o.profile = 'never'; break;
      case '--keep-temp': o.keepTemp = true; break;
      case '--only': o.only = path(a, argv[++i]).split(',').map((x) => x.trim()).filter(Boolean); break;
      case '--out': o.out = path(a, argv[++i]); break;
      case '--json': o.json = path(a, argv[++i]); break;
      default: throw new Error(`unknown option ${a}\n\n${HELP}`);
    }
  }
  return o;
}

function path(flag: string, v: string | undefined): string {
  if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
  return v;
}
