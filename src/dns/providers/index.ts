/**
 * The provider registry: one `dns.providers[]` entry of the config → one DnsProvider.
 * Each adapter has its own options type; this is the only place that maps config onto them
 * (and the only place that reveals secrets, straight into the adapter).
 */
import type { DnsConfig, DnsProviderConfig } from '../../config/dns.js';
import type { DnsProvider } from '../provider.js';
import { createAlidnsProvider } from './alibaba.js';
import { createCloudflareProvider } from './cloudflare.js';
import { createRoute53Provider } from './route53.js';
import { createRfc2136Provider } from './rfc2136.js';
import { createDnspodProvider } from './tencent-dnspod.js';

export function createProvider(p: DnsProviderConfig): DnsProvider {
  const common = { name: p.name, minTtl: p.minTtl, maxTtl: p.maxTtl };
  switch (p.type) {
    case 'cloudflare':
      return createCloudflareProvider({ ...common, apiToken: p.token.reveal(), zoneId: p.zoneId, baseURL: p.baseUrl, timeoutMs: p.timeout });
    case 'tencent-dnspod':
      return createDnspodProvider({
        ...common, secretId: p.secretId.reveal(), secretKey: p.secretKey.reveal(), endpoint: p.endpoint, region: p.region,
        recordLine: p.recordLine, timeoutMs: p.timeout,
      });
    case 'alibaba':
      return createAlidnsProvider({
        ...common, accessKeyId: p.accessKeyId.reveal(), accessKeySecret: p.accessKeySecret.reveal(), endpoint: p.endpoint,
        regionId: p.regionId, timeoutMs: p.timeout,
      });
    case 'route53':
      return createRoute53Provider({
        ...common, hostedZoneId: p.hostedZoneId, region: p.region, endpoint: p.endpoint, timeoutMs: p.timeout,
        // Neither key given: the AWS SDK's default chain (environment, profile, instance/task role).
        credentials: p.accessKeyId && p.secretAccessKey && { accessKeyId: p.accessKeyId.reveal(), secretAccessKey: p.secretAccessKey.reveal() },
      });
    case 'rfc2136':
      return createRfc2136Provider({
        ...common, host: p.host, port: p.port, timeout: p.timeout,
        tsig: p.tsig && { name: p.tsig.name, algorithm: p.tsig.algorithm, secret: p.tsig.secret.reveal() },
      });
    default: {
      const never: never = p;
      return never;
    }
  }
}

export function createProviders(cfg: DnsConfig): DnsProvider[] {
  return cfg.providers.map(createProvider);
}

export { createRfc2136Provider, type Rfc2136Options } from './rfc2136.js';
