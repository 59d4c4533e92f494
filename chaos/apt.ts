import { spawn } from 'node:child_process';
import { have } from './net/exec.js';

export interface Need {
  bin: string;
  pkg: string;
}

/**
 * Makes sure the Debian packages the suite drives are installed, installing the missing
 * ones with apt-get when running as root (the suite must work from a clean clone).
 * Without root it fails with the exact command to run.
 */
export async function ensurePackages(needs: readonly Need[], log: (line: string) => void): Promise<void> {
  const missing: Need[] = [];
  for (const n of needs) if (!(await have(n.bin))) missing.push(n);
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((m) => m.pkg))];
  const cmd = `apt-get install -y --no-install-recommends ${pkgs.join(' ')}`;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !(await have('apt-get'))) {
    throw new Error(`chaos: missing ${missing.map((m) => m.bin).join(', ')}; install them first (as root: ${cmd})`);
  }
  log(`chaos: installing Debian packages: ${pkgs.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Another apt (unattended upgrades, a parallel job) may hold the lock: wait for it.
  const lock = ['-o', 'DPkg::Lock::Timeout=300'];
  await step('apt-get', [...lock, 'update', '-qq'], env);
  await step('apt-get', [...lock, 'install', '-y', '-qq', '--no-install-recommends', ...pkgs], env);
  for (const n of missing) if (!(await have(n.bin))) throw new Error(`chaos: ${n.bin} still missing after installing ${n.pkg}`);
}

function step(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr!.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-4000); });
    const timer = setTimeout(() => c.kill('SIGTERM'), 300_000);
    c.on('error', reject);
    c.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`chaos: ${cmd} ${args.join(' ')} failed (${code}): ${err.trim()}`));
    });
  });
}
