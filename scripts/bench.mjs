// `npm run bench`: makes sure wrk, nginx and HAProxy are installed (Debian packages),
// builds dist/ (the bench measures the built gateway, as it runs in production), then
// runs the TypeScript runner bench/run.ts. Options: see `npm run bench -- --help`.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;

if (!args.includes('--help')) {
  const missing = ['wrk', 'nginx', 'haproxy', 'taskset'].filter((b) => !has(b));
  if (missing.length > 0) {
    if (process.getuid?.() !== 0) {
      console.error(`bench: missing ${missing.join(', ')}; install them (apt-get install -y wrk nginx haproxy util-linux) or run as root`);
      process.exit(1);
    }
    console.error(`bench: installing ${missing.join(', ')} from Debian packages`);
    const apt = (a) => spawnSync('apt-get', a, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    // A lock timeout, because other jobs on the machine may be installing packages too.
    const install = ['-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '-qq', '--no-install-recommends', 'wrk', 'nginx', 'haproxy', 'util-linux'];
    if (apt(install).status !== 0 && (apt(['-o', 'DPkg::Lock::Timeout=300', 'update', '-qq']).status !== 0 || apt(install).status !== 0)) {
      console.error('bench: apt-get install wrk nginx haproxy failed');
      process.exit(1);
    }
  }
  if (!args.includes('--no-build')) {
    console.error('bench: npm run build');
    const b = spawnSync('npm', ['run', 'build', '--silent'], { cwd: repo, stdio: 'inherit' });
    if (b.status !== 0) {
      console.error('bench: npm run build failed; fix it, or pass --no-build to measure the dist/ already built');
      process.exit(b.status ?? 1);
    }
  }
}

const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'bench/run.ts'), ...args], { cwd: repo, stdio: 'inherit' });
// Ctrl-C reaches both processes (same foreground group); a SIGTERM sent to this one is passed on.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
