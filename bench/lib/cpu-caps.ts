import { appendFileSync, existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * CPU quotas (CFS bandwidth control, cgroup v1 `cpu.cfs_quota_us` or v2 `cpu.max`) for the
 * multi-core test. On a 2-CPU machine that also runs wrk and the upstream, `--workers 2`
 * cannot be given two whole cores; it can be given the same share of each of two cores as
 * one process gets of one. If the workers share the work, requests/s double; if one worker
 * ended up with all of it, they would not move, since that worker is held to its share.
 */
export const CAP_SHARE = 0.4;

/** A 10 ms period: a capped process waits at most ~6 ms for its next slice, not 60. */
const PERIOD_US = 10_000;

interface Flavour {
  name: 'cgroup v1' | 'cgroup v2';
  root: string;
  limit(dir: string, quotaUs: number): void;
}

const created: Array<{ root: string; dir: string }> = [];

function detect(): Flavour | undefined {
  const v1 = '/sys/fs/cgroup/cpu';
  if (existsSync(join(v1, 'cpu.cfs_quota_us'))) {
    return {
      name: 'cgroup v1', root: v1,
      limit(dir, quotaUs) {
        writeFileSync(join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
        writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(quotaUs));
      },
    };
  }
  const v2 = '/sys/fs/cgroup';
  if (existsSync(join(v2, 'cgroup.controllers')) && /\bcpu\b/.test(readFileSync(join(v2, 'cgroup.controllers'), 'utf8'))) {
    return {
      name: 'cgroup v2', root: v2,
      limit(dir, quotaUs) {
        writeFileSync(join(dir, 'cpu.max'), `${quotaUs} ${PERIOD_US}`);
      },
    };
  }
  return undefined;
}

/** Whether quotas can be set here (root, and a cgroup cpu controller); the reason if not. */
export function capsAvailable(): { ok: true; how: string } | { ok: false; why: string } {
  const f = detect();
  if (!f) return { ok: false, why: 'no cgroup cpu controller on this machine' };
  const probe = join(f.root, `detour-bench-probe-${process.pid}`);
  try {
    mkdirSync(probe);
    rmdirSync(probe);
    if (f.name === 'cgroup v2') appendFileSync(join(f.root, 'cgroup.subtree_control'), '+cpu');
    return { ok: true, how: f.name };
  } catch (err) {
    return { ok: false, why: `cannot create a cgroup under ${f.root} (${(err as NodeJS.ErrnoException).code ?? String(err)}): run as root` };
  }
}

/** Pins every thread of `pid` to `core` and holds the process to `share` of a core. */
export function capProcess(label: string, pid: number, core: string, share = CAP_SHARE): void {
  const f = detect();
  if (!f) throw new Error('no cgroup cpu controller');
  execFileSync('taskset', ['-a', '-p', '-c', core, String(pid)], { stdio: 'ignore' });
  const dir = join(f.root, `detour-bench-${process.pid}-${label}`);
  mkdirSync(dir);
  created.push({ root: f.root, dir });
  f.limit(dir, Math.round(share * PERIOD_US));
  writeFileSync(join(dir, 'cgroup.procs'), String(pid));
}

/** Removes the cgroups made here, moving any process still in one back to the root first. */
export function removeCaps(): void {
  for (const { root, dir } of created.splice(0)) {
    try {
      for (const pid of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
        writeFileSync(join(root, 'cgroup.procs'), pid);
      }
      rmdirSync(dir);
    } catch {
      // already gone
    }
  }
}
