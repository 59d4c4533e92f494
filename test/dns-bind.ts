/**
 * A real BIND 9 for the RFC 2136 tests: its own named.conf, zone and TSIG key in a temp dir,
 * on 127.0.0.1 and a free high port, run in the foreground (`named -g`) as root (`-u root`).
 * Installs Debian's bind9 + bind9-dnsutils with apt-get when `named`/`dig` are missing and we
 * are root; otherwise fails with the install line instead of hanging.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const INSTALL_HINT = 'apt-get install -y bind9 bind9-dnsutils';

export function ensureBind(): void {
  const have = (): boolean => existsSync('/usr/sbin/named') && spawnSync('sh', ['-c', 'command -v dig']).status === 0;
  if (have()) return;
  if (process.getuid?.() === 0) {
    const opts = { stdio: 'ignore' as const, timeout: 240_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
    spawnSync('apt-get', ['update', '-qq'], opts);
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'bind9', 'bind9-dnsutils'], opts);
  }
  if (!have()) throw new Error(`BIND 9 (named) and dig are required for this test: ${INSTALL_HINT}`);
}

export interface Bind {
  port: number;
  zone: string;
  key: { name: string; algorithm: 'hmac-sha256'; secret: string };
  /** A second key with HMAC-SHA512, also allowed to update. */
  key512: { name: string; algorithm: 'hmac-sha512'; secret: string };
  dir: string;
  /** `dig +short` answer values, sorted (TXT without quotes). */
  dig(name: string, type: string): Promise<string[]>;
  /** `<type> <rdata>` of the answer and authority sections of that type (a delegation's NS is in the latter). */
  digSections(name: string, type: string): Promise<string[]>;
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

export interface BindOptions {
  zone?: string;
  /** Extra zone-file lines ($ORIGIN is the zone). */
  records?: string[];
}

export async function startBind(opts: BindOptions = {}): Promise<Bind> {
  ensureBind();
  const zone = opts.zone ?? 'example.test';
  const dir = await mkdtemp(join(tmpdir(), 'detour-bind-'));
  const port = await freePort();
  const key = { name: 'detour-key', algorithm: 'hmac-sha256' as const, secret: randomBytes(32).toString('base64') };
  const key512 = { name: 'detour-key-512', algorithm: 'hmac-sha512' as const, secret: randomBytes(64).toString('base64') };
  const conf = `options {
  directory "${dir}"; pid-file "${dir}/named.pid"; session-keyfile "${dir}/session.key"; managed-keys-directory "${dir}";
  listen-on port ${port} { 127.0.0.1; }; listen-on-v6 { none; };
  recursion no; dnssec-validation no; notify no;
};
controls { };
key "${key.name}" { algorithm ${key.algorithm}; secret "${key.secret}"; };
key "${key512.name}" { algorithm ${key512.algorithm}; secret "${key512.secret}"; };
zone "${zone}" { type primary; file "${dir}/${zone}.zone"; allow-update { key "${key.name}"; key "${key512.name}"; }; };
`;
  const zoneFile = [
    '$TTL 300',
    `@ IN SOA ns1.${zone}. hostmaster.${zone}. 1 3600 600 86400 60`,
    `@ IN NS ns1.${zone}.`,
    'ns1 IN A 127.0.0.1',
    ...(opts.records ?? []),
  ].join('\n') + '\n';
  await writeFile(join(dir, 'named.conf'), conf);
  await writeFile(join(dir, `${zone}.zone`), zoneFile);
  const child = spawn('/usr/sbin/named', ['-g', '-c', join(dir, 'named.conf'), '-u', 'root'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const dig = async (name: string, type: string): Promise<string[]> => {
    const { stdout } = await run('dig', [`@127.0.0.1`, '-p', String(port), '+short', '+time=2', '+tries=1', name, type]);
    return stdout.split('\n').map((l) => l.trim().replace(/^"(.*)"$/, '$1')).filter((l) => l !== '').sort();
  };
  const digSections = async (name: string, type: string): Promise<string[]> => {
    const { stdout } = await run('dig', [`@127.0.0.1`, '-p', String(port), '+norecurse', '+noall', '+answer', '+authority', '+time=2', '+tries=1', name, type]);
    return stdout.split('\n').map((l) => l.split(/\s+/)).filter((f) => f[3] === type).map((f) => f.slice(3).join(' ')).sort();
  };
  await waitUntilServing(child, () => dig(zone, 'SOA'), () => log);
  return {
    port, zone, key, key512, dir, dig, digSections,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await once(child, 'exit');
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitUntilServing(child: ChildProcess, probe: () => Promise<string[]>, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`named exited with ${child.exitCode}:\n${log()}`);
    try {
      if ((await probe()).length > 0) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`named did not answer within 20 s:\n${log()}`);
}

/** A port free for both TCP and UDP on 127.0.0.1. */
async function freePort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    const port = (srv.address() as net.AddressInfo).port;
    const sock = dgram.createSocket('udp4');
    const ok = await new Promise<boolean>((resolve) => {
      sock.once('error', () => resolve(false));
      sock.bind(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) sock.close();
    await new Promise((r) => srv.close(r));
    if (ok) return port;
  }
  throw new Error('no free port for named');
}
