import { isIP } from 'node:net';
import type { At } from './node.js';
import { isHostname } from './values.js';

/** Shared by the readers of the `dns:` section (dns.ts, dns-providers.ts, dns-records.ts). */
export type DnsRecordType = 'A' | 'AAAA' | 'CNAME' | 'TXT' | 'NS';
export const DNS_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'TXT', 'NS'] as const satisfies readonly DnsRecordType[];
export const DNS_PROVIDER_TYPES = ['cloudflare', 'tencent-dnspod', 'alibaba', 'route53', 'rfc2136'] as const;
export type DnsProviderType = (typeof DNS_PROVIDER_TYPES)[number];
/** Names end up in status documents, logs and TXT markers: keep them to a safe alphabet. */
export const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
export const MAX_TTL = 2_147_483_647; // RFC 2181 §8

export const DNS_DEFAULTS = {
  ttl: 60,
  owner: 'detour',
  quorum: 1,
  safety: { maxChangeShare: 0.3, minExisting: 10 },
  auditPath: './detour-dns-audit.jsonl',
  reconcile: { interval: 60_000, timeout: 30_000, backoff: 1_000, maxBackoff: 60_000 },
  providerTimeout: 10_000,
  // Interval 5 s, timeout 2 s, 2 failures down, 3 passes up: the example.
  health: { interval: 5_000, timeout: 2_000, unhealthyThreshold: 2, healthyThreshold: 3, jitter: 0.1 },
  recordLine: '默认', // DNSPod's default line ("default"); RecordLine is required by its API
  route53Region: 'us-east-1',
} as const;


/** A zone name: lower case, no trailing dot. */
export function readZone(at: At): string | undefined {
  const raw = at.str();
  if (raw === undefined) return undefined;
  const zone = raw.toLowerCase().replace(/\.$/, '');
  if (!isHostname(zone) || isIP(zone) !== 0) return at.error(`invalid zone ${at.shown()} (expected a domain name such as example.com)`);
  return zone;
}
