import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { ActiveHealthConfig } from '../config/types.js';
import type { ErrorCode } from '../errors/index.js';
import type { Evidence } from '../model/index.js';

/**
 * One active check against one target, independent of the proxy (the DNS controller
 * reuses it). Every probe opens a FRESH connection (`agent: false`), as Envoy does with
 * `reuse_connection: false`: a kept-alive connection can keep passing while new
 * connections are dropped by a firewall, a full SYN backlog or a dead L4 load balancer,
 * which is exactly the failure a client would see.
 */

/** Body bytes inspected at most (HAProxy's `tune.chksize` idea: checks stay cheap). */
export const MAX_PROBE_BODY_BYTES = 64 * 1024;

export interface ProbeTarget {
  url: URL;
  /** TLS SNI / certificate name; default the Host header's name, then the URL host. */
  servername?: string | undefined;
  /** Host header when `cfg.host` is unset (the pool's hostHeader); default the URL host. */
  host?: string | undefined;
  /** Extra trusted CA (PEM), added to Node's root store: the pool's `tls.ca`. */
  ca?: string | undefined;
  /** Skip certificate verification: the pool's `tls.insecureSkipVerify`. */
  insecure?: boolean | undefined;
}

/** Per-endpoint extras a caller adds to the URL (and servername) of a probe target. */
export type ProbeTargetExtras = Pick<ProbeTarget, 'host' | 'ca' | 'insecure'>;

export type ProbeResult =
  | { ok: true; status?: number; latencyMs: number }
  | { ok: false; reason: string; evidence: Evidence; latencyMs: number };

export type HttpProbeConfig = Pick<ActiveHealthConfig, 'path' | 'method' | 'timeout' | 'expect' | 'host'>;
export type TcpProbeConfig = Pick<ActiveHealthConfig, 'timeout'>;

/** Dispatches on `cfg.type`: the default probe of HealthChecker. */
export function probe(target: ProbeTarget, cfg: ActiveHealthConfig, signal?: AbortSignal): Promise<ProbeResult> {
  return cfg.type === 'tcp' ? probeTcp(target, cfg, signal) : probeHttp(target, cfg, signal);
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA']);
type Phase = 'connect' | 'tls' | 'response' | 'body';

export function probeHttp(target: ProbeTarget, cfg: HttpProbeConfig, signal?: AbortSignal): Promise<ProbeResult> {
  if (signal?.aborted) return Promise.resolve(aborted());
  const started = performance.now();
  const isHttps = target.url.protocol === 'https:';
  const hostHeader = cfg.host ?? target.host ?? target.url.host;
  return new Promise((resolve) => {
    let phase: Phase = 'connect';
    let done = false;
    const finish = (r: ProbeResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      req.destroy(); // Connection: close anyway; never leave a socket behind.
      resolve(r);
    };
    const fail = (reason: string, errorCode?: ErrorCode, status?: number): void =>
      finish({ ok: false, reason, evidence: evidence(reason, errorCode, status), latencyMs: since(started) });

    const opts: https.RequestOptions = {
      host: bare(target.url.hostname),
      port: target.url.port || (isHttps ? 443 : 80),
      method: cfg.method,
      path: cfg.path,
      agent: false,
      headers: { host: hostHeader, 'user-agent': 'detour-health-check', accept: '*/*', connection: 'close' },
    };
    if (isHttps) {
      opts.rejectUnauthorized = target.insecure !== true;
      if (target.ca !== undefined) opts.ca = [...tls.rootCertificates, target.ca];
      // Same name the proxy would present, so the check exercises the same certificate.
      const sni = target.servername ?? hostName(target.host ?? cfg.host) ?? bare(target.url.hostname);
      if (net.isIP(sni) === 0) opts.servername = sni; // SNI must not be an IP (RFC 6066 §3)
    }
    const req = (isHttps ? https : http).request(opts);
    const onAbort = (): void => fail('aborted');
    // One deadline for connect + TLS + headers + body, like Envoy's health check `timeout`.
    const timer = setTimeout(
      () => fail(`timeout after ${cfg.timeout}ms`, phase === 'connect' || phase === 'tls' ? 'DETOUR_UPSTREAM_CONNECT_TIMEOUT' : 'DETOUR_UPSTREAM_TIMEOUT'),
      cfg.timeout,
    );
    timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });

    req.on('socket', (s) => {
      s.once('connect', () => (phase = isHttps ? 'tls' : 'response'));
      if (isHttps) s.once('secureConnect', () => (phase = 'response'));
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? err.message;
      if (DNS_CODES.has(code)) return fail(`dns ${code}`, 'DETOUR_UPSTREAM_CONNECT');
      if (code.startsWith('HPE_')) return fail(`protocol ${code}`, 'DETOUR_UPSTREAM_PROTOCOL');
      if (phase === 'connect' || phase === 'tls') return fail(`${phase} ${code}`, 'DETOUR_UPSTREAM_CONNECT');
      return fail(`${phase} ${code}`, 'DETOUR_UPSTREAM_RESET');
    });
    req.on('response', (res) => {
      phase = 'body';
      const status = res.statusCode ?? 0;
      const ranges = cfg.expect.status.length > 0 ? cfg.expect.status : DEFAULT_STATUS;
      if (!ranges.some(([lo, hi]) => status >= lo && status <= hi)) {
        return fail(`status ${status} not in ${formatRanges(ranges)}`, undefined, status);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const evaluate = (): void => {
        const body = Buffer.concat(chunks, size).subarray(0, MAX_PROBE_BODY_BYTES);
        const { bodyContains, bodyNotContains } = cfg.expect;
        if (bodyNotContains !== undefined && body.includes(bodyNotContains)) {
          return fail(`body contains ${JSON.stringify(bodyNotContains)}`, 'DETOUR_UPSTREAM_CLOUD_ERROR', status);
        }
        if (bodyContains !== undefined && !body.includes(bodyContains)) {
          return fail(`body does not contain ${JSON.stringify(bodyContains)}`, undefined, status);
        }
        finish({ ok: true, status, latencyMs: since(started) });
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= MAX_PROBE_BODY_BYTES) evaluate(); // enough: the rest is never read
      });
      res.on('end', evaluate);
      res.on('error', (err: NodeJS.ErrnoException) => fail(`body ${err.code ?? err.message}`, 'DETOUR_UPSTREAM_RESET', status));
      res.on('close', () => fail('body ended early (connection closed)', 'DETOUR_UPSTREAM_RESET', status));
    });
    req.end();
  });
}

/** L4 check: a TCP connect that completes within the timeout passes (Envoy's TCP health check with no payload). */
export function probeTcp(target: ProbeTarget, cfg: TcpProbeConfig, signal?: AbortSignal): Promise<ProbeResult> {
  if (signal?.aborted) return Promise.resolve(aborted());
  const started = performance.now();
  const port = Number(target.url.port || (target.url.protocol === 'https:' ? 443 : 80));
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: ProbeResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(r);
    };
    const fail = (reason: string, errorCode?: ErrorCode): void =>
      finish({ ok: false, reason, evidence: evidence(reason, errorCode), latencyMs: since(started) });
    const socket = net.connect({ host: bare(target.url.hostname), port });
    const onAbort = (): void => fail('aborted');
    const timer = setTimeout(() => fail(`timeout after ${cfg.timeout}ms`, 'DETOUR_UPSTREAM_CONNECT_TIMEOUT'), cfg.timeout);
    timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish({ ok: true, latencyMs: since(started) }));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? err.message;
      fail(DNS_CODES.has(code) ? `dns ${code}` : `connect ${code}`, 'DETOUR_UPSTREAM_CONNECT');
    });
  });
}

/** HAProxy's and the config's default when no range is given: 2xx and 3xx. */
const DEFAULT_STATUS: Array<[number, number]> = [[200, 399]];

export function formatRanges(ranges: Array<[number, number]>): string {
  return ranges.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(',');
}

function evidence(message: string, errorCode?: ErrorCode, status?: number): Evidence {
  const e: Evidence = { message };
  if (errorCode !== undefined) e.errorCode = errorCode;
  if (status !== undefined) e.status = status;
  return e;
}

function aborted(): ProbeResult {
  return { ok: false, reason: 'aborted', evidence: { message: 'aborted' }, latencyMs: 0 };
}

function since(start: number): number {
  return Math.round((performance.now() - start) * 10) / 10;
}

/** URL.hostname keeps IPv6 brackets; sockets want them off. */
function bare(hostname: string): string {
  return hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
}

/** "example.com:8443" → "example.com", "[::1]:80" → "::1". */
function hostName(host: string | undefined): string | undefined {
  if (host === undefined) return undefined;
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  return host.split(':')[0] ?? host;
}
