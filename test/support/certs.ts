import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Paths of a throwaway PKI made with the openssl CLI (all PEM files in `dir`). */
export interface TestPki {
  dir: string;
  /** The CA certificate that signed both leaves. */
  ca: string;
  /** Leaf for DNS:backup.example.net (an upstream answering under its own name). */
  backup: { cert: string; key: string };
  /** Leaf for DNS:localhost and IP:127.0.0.1 (the gateway's own TLS listener). */
  local: { cert: string; key: string };
  remove(): Promise<void>;
}

async function openssl(args: string[]): Promise<void> {
  await run('openssl', args, { timeout: 30_000 });
}

async function leaf(dir: string, name: string, san: string, ca: string, caKey: string): Promise<{ cert: string; key: string }> {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.pem`);
  const ext = join(dir, `${name}.ext`);
  await writeFile(ext, [
    `subjectAltName=${san}`,
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
  ].join('\n') + '\n');
  await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', csr, '-subj', `/CN=${name}`]);
  await openssl(['x509', '-req', '-in', csr, '-CA', ca, '-CAkey', caKey, '-CAcreateserial',
    '-days', '2', '-sha256', '-extfile', ext, '-out', cert]);
  return { cert, key };
}

/** Creates a CA and two leaves it signed, in a fresh temp dir. */
export async function makePki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'detour-tls-'));
  const ca = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca.key');
  await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', caKey, '-out', ca, '-days', '2', '-sha256', '-subj', '/CN=Detour Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  const backup = await leaf(dir, 'backup', 'DNS:backup.example.net', ca, caKey);
  const local = await leaf(dir, 'localhost', 'DNS:localhost,IP:127.0.0.1', ca, caKey);
  return { dir, ca, backup, local, remove: () => rm(dir, { recursive: true, force: true }) };
}
