import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BIG_BYTES, SMALL_BODY } from './configs.js';
import type { Target } from './lineup.js';

/** Helpers of bench/run.ts: CPU layout, sanity checks, report scrubbing, the client size. */

/**
 * Which CPUs do what. On 2 CPUs: the proxy on CPU 1, wrk and the upstream on CPU 0, and
 * --workers 2 on both (sharing with the load). With 4 or more, the load gets CPUs 0 and
 * 3 and the workers CPUs 1 and 2 of their own, which makes the scaling test fair.
 */
export function cpuLayout(nproc: number): { proxy: string; load: string; multi: string; shared: boolean } {
  return nproc >= 4 ? { proxy: '1', load: '0,3', multi: '1,2', shared: false } : { proxy: '1', load: '0', multi: '0,1', shared: true };
}

/**
 * Ports and the work folder change on every run; the report names them instead
 * ($UPSTREAM, $UPSTREAM_B, $PORT, $ADMIN_PORT, $WORK) so reruns diff only in numbers.
 */
export function scrub(text: string, work: string, [upA, upB]: [number, number], port: number | undefined): string {
  let out = text.replaceAll(work, '$WORK').replaceAll(`127.0.0.1:${upA}`, '127.0.0.1:$UPSTREAM').replaceAll(`127.0.0.1:${upB}`, '127.0.0.1:$UPSTREAM_B');
  if (port !== undefined) out = out.replaceAll(`127.0.0.1:${port}`, '127.0.0.1:$PORT').replaceAll(` ${port} `, ' $PORT ');
  return out.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:$ADMIN_PORT');
}

/** A pseudo-random 1 MiB body (not compressible, not all zeros). */
export function bigBody(): Buffer {
  const b = Buffer.allocUnsafe(BIG_BYTES);
  let x = 0x2545f491;
  for (let i = 0; i < b.length; i += 4) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    b.writeUInt32LE(x >>> 0, i);
  }
  return b;
}

/** Every target must answer both paths correctly before it is measured. */
export async function checkTarget(t: Target): Promise<void> {
  const small = await fetch(`http://127.0.0.1:${t.port}/`);
  const text = await small.text();
  if (small.status !== 200 || text !== SMALL_BODY) throw new Error(`${t.id}: GET / answered ${small.status} "${text.slice(0, 200)}"`);
  const big = await fetch(`http://127.0.0.1:${t.port}/big`);
  const len = (await big.arrayBuffer()).byteLength;
  if (big.status !== 200 || len !== BIG_BYTES) throw new Error(`${t.id}: GET /big answered ${big.status} with ${len} bytes`);
}

export function supportsWorkers(repo: string): boolean {
  const r = spawnSync(process.execPath, [join(repo, 'dist/cli/main.js'), 'help'], { encoding: 'utf8', timeout: 20_000 });
  return `${r.stdout}${r.stderr}`.includes('--workers');
}

export function clientSize(repo: string): string {
  const script = join(repo, 'scripts/client-size.mjs');
  if (!existsSync(script)) return '`scripts/client-size.mjs` does not exist yet in this checkout: skipped.';
  try {
    const out = execFileSync(process.execPath, [script], { cwd: repo, encoding: 'utf8', timeout: 120_000 });
    return `Output of \`node scripts/client-size.mjs\`:\n\n\`\`\`\n${out.trimEnd()}\n\`\`\``;
  } catch (err) {
    return `\`node scripts/client-size.mjs\` failed: ${(err as Error).message.split('\n')[0]}`;
  }
}
