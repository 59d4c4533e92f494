import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { capProcess, capsAvailable, removeCaps } from './cpu-caps.js';

const caps = capsAvailable();

/** The cgroup directories of this test process's caps, under either hierarchy. */
function capDirs(): string[] {
  const root = existsSync('/sys/fs/cgroup/cpu/cpu.cfs_quota_us') ? '/sys/fs/cgroup/cpu' : '/sys/fs/cgroup';
  return readdirSync(root).filter((d) => d.startsWith(`detour-bench-${process.pid}-`)).map((d) => `${root}/${d}`);
}

test('a capped process is pinned, held to its share in its own cgroup, and let go again', { skip: caps.ok ? false : caps.why }, async () => {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await new Promise((r) => child.once('spawn', r));
    capProcess('test', child.pid!, '0', 0.25);
    const [dir] = capDirs();
    assert.ok(dir, 'a cgroup was made');
    assert.deepEqual(readFileSync(`${dir}/cgroup.procs`, 'utf8').trim().split('\n'), [String(child.pid)]);
    const quota = existsSync(`${dir}/cpu.max`)
      ? readFileSync(`${dir}/cpu.max`, 'utf8').trim()
      : `${readFileSync(`${dir}/cpu.cfs_quota_us`, 'utf8').trim()} ${readFileSync(`${dir}/cpu.cfs_period_us`, 'utf8').trim()}`;
    assert.equal(quota, '2500 10000');
    assert.match(readFileSync(`/proc/${child.pid}/status`, 'utf8'), /^Cpus_allowed_list:\s+0$/m);
    removeCaps();
    assert.deepEqual(capDirs(), [], 'the cgroup is removed although its process still runs');
  } finally {
    child.kill();
    removeCaps();
  }
});
