import type { At } from './node.js';

/**
 * The `dns:` section (DNS failover controller). Owned by the DNS feature: this file
 * reads and validates it; src/dns consumes the normalized result.
 */
export interface DnsConfig {
  zone: string;
}

export function readDns(at: At): DnsConfig | undefined {
  if (!at.present) return undefined;
  const f = at.object(['zone']);
  const zone = f?.get('zone').str();
  return zone === undefined ? undefined : { zone };
}
