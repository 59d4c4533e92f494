/**
 * One emulated cloud plus a factory for its adapter, the same shape for all four providers, so
 * that a test can run one behaviour against every cloud (test/dns-providers.test.ts) or push one
 * desired state to all of them (test/dns-providers-failover.test.ts).
 */
import type { DnsProvider } from '../../src/dns/provider.js';
import { createCloudflareProvider } from '../../src/dns/providers/cloudflare.js';
import { createDnspodProvider } from '../../src/dns/providers/tencent-dnspod.js';
import { createAlidnsProvider } from '../../src/dns/providers/alibaba.js';
import { createRoute53Provider } from '../../src/dns/providers/route53.js';
import { startCloudflareEmulator, type CloudflareEmulator } from './cloudflare.js';
import { startDnspodEmulator, type DnspodEmulator } from './dnspod.js';
import { startAlidnsEmulator, type AlidnsEmulator } from './alidns.js';
import { startRoute53Emulator, type Route53Emulator } from './route53.js';
import type { HttpEmulator } from './server.js';
import type { SnapshotSet } from './snapshot.js';

export type CloudType = 'cloudflare' | 'tencent-dnspod' | 'alibaba' | 'route53';
export const CLOUD_TYPES: readonly CloudType[] = ['cloudflare', 'tencent-dnspod', 'alibaba', 'route53'];

export interface ProviderOverrides {
  timeoutMs?: number;
  pageSize?: number;
  /** Sign with a wrong secret (the key id stays valid). */
  wrongSecret?: boolean;
  name?: string;
  /** Another API endpoint (a proxy in front of the emulator). */
  endpoint?: string;
}

export interface Cloud {
  type: CloudType;
  zone: string;
  /** The credential that must never show up in errors. */
  secret: string;
  emulator: HttpEmulator;
  /** What the emulated zone holds, provider-neutral. */
  rrsets(): SnapshotSet[];
  /** A plain A record set straight into the emulator (for paging tests). */
  seedA(name: string, value: string, ttl: number): void;
  provider(o?: ProviderOverrides): DnsProvider;
  /** The API action names of a listing and of writes, as the emulator logs them. */
  listAction: string;
  writeActions: readonly string[];
  /** The smallest TTL the emulated plan accepts. */
  minTtl: number;
}

export const ZONE = 'example.com';
/** The emulated accounts' credentials and zone ids (made up; shaped like the real ones). */
export const CREDS = {
  CF_ZONE_ID: '023e105f4ecef8ad9ca31a8372d0c353',
  CF_TOKEN: 'Yr5tKq0vW3xZ8nB1mC4dE7fG2hJ6kL9pQsTuVwX0',
  TC_ID: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
  TC_KEY: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLEKEY',
  ALI_ID: 'LTAI5tExampleAccessKeyId',
  ALI_KEY: 'ExampleAccessKeySecret0123456789ab',
  AWS_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  R53_ZONE_ID: 'Z1D633PJN98FT9',
  WRONG: 'ThisIsNotTheSecretKey0123456789abcdefXYZ',
} as const;
const { CF_ZONE_ID, CF_TOKEN, TC_ID, TC_KEY, ALI_ID, ALI_KEY, AWS_ID, AWS_KEY, R53_ZONE_ID, WRONG } = CREDS;

export async function startCloud(type: CloudType): Promise<Cloud> {
  switch (type) {
    case 'cloudflare': {
      const emu: CloudflareEmulator = await startCloudflareEmulator({ tokens: { [CF_TOKEN]: [CF_ZONE_ID] }, zones: { [CF_ZONE_ID]: ZONE } });
      return {
        type, zone: ZONE, secret: CF_TOKEN, emulator: emu, minTtl: 60,
        rrsets: () => emu.rrsets(CF_ZONE_ID),
        seedA: (name, value, ttl) => void emu.seed(CF_ZONE_ID, { name, type: 'A', content: value, ttl }),
        provider: (o = {}) =>
          createCloudflareProvider({
            name: o.name ?? 'cf', apiToken: o.wrongSecret ? WRONG : CF_TOKEN, zoneId: CF_ZONE_ID, baseURL: o.endpoint === undefined ? emu.baseURL : `${o.endpoint}/client/v4`,
            timeoutMs: o.timeoutMs, pageSize: o.pageSize,
          }),
        listAction: 'ListDNSRecords', writeActions: ['BatchDNSRecords'],
      };
    }
    case 'tencent-dnspod': {
      const emu: DnspodEmulator = await startDnspodEmulator({ credentials: { [TC_ID]: TC_KEY }, zones: [ZONE] });
      return {
        type, zone: ZONE, secret: TC_KEY, emulator: emu, minTtl: 600,
        rrsets: () => emu.rrsets(ZONE),
        seedA: (name, value, ttl) => void emu.seed(ZONE, { name: name === ZONE ? '@' : name.slice(0, -ZONE.length - 1), type: 'A', value, ttl }),
        provider: (o = {}) =>
          createDnspodProvider({
            name: o.name ?? 'dnspod', secretId: TC_ID, secretKey: o.wrongSecret ? WRONG : TC_KEY, endpoint: o.endpoint ?? emu.url,
            timeoutMs: o.timeoutMs, pageSize: o.pageSize,
          }),
        listAction: 'DescribeRecordList', writeActions: ['CreateRecord', 'ModifyRecord', 'DeleteRecord'],
      };
    }
    case 'alibaba': {
      const emu: AlidnsEmulator = await startAlidnsEmulator({ credentials: { [ALI_ID]: ALI_KEY }, zones: [ZONE] });
      return {
        type, zone: ZONE, secret: ALI_KEY, emulator: emu, minTtl: 600,
        rrsets: () => emu.rrsets(ZONE),
        seedA: (name, value, ttl) => void emu.seed(ZONE, { rr: name === ZONE ? '@' : name.slice(0, -ZONE.length - 1), type: 'A', value, ttl }),
        provider: (o = {}) =>
          createAlidnsProvider({
            name: o.name ?? 'alidns', accessKeyId: ALI_ID, accessKeySecret: o.wrongSecret ? WRONG : ALI_KEY, endpoint: o.endpoint ?? emu.url,
            timeoutMs: o.timeoutMs, pageSize: o.pageSize,
          }),
        listAction: 'DescribeDomainRecords', writeActions: ['AddDomainRecord', 'UpdateDomainRecord', 'DeleteDomainRecord'],
      };
    }
    case 'route53': {
      const emu: Route53Emulator = await startRoute53Emulator({ credentials: { [AWS_ID]: AWS_KEY }, zones: { [R53_ZONE_ID]: ZONE } });
      return {
        type, zone: ZONE, secret: AWS_KEY, emulator: emu, minTtl: 0,
        rrsets: () => emu.rrsets(R53_ZONE_ID),
        seedA: (name, value, ttl) => emu.seed(R53_ZONE_ID, { Name: `${name}.`, Type: 'A', TTL: ttl, ResourceRecords: [value] }),
        provider: (o = {}) =>
          createRoute53Provider({
            name: o.name ?? 'r53', hostedZoneId: R53_ZONE_ID, endpoint: o.endpoint ?? emu.url,
            credentials: { accessKeyId: AWS_ID, secretAccessKey: o.wrongSecret ? WRONG : AWS_KEY },
            timeoutMs: o.timeoutMs, pageSize: o.pageSize,
          }),
        listAction: 'ListResourceRecordSets', writeActions: ['ChangeResourceRecordSets'],
      };
    }
    default: {
      const never: never = type;
      throw new Error(`unknown cloud ${String(never)}`);
    }
  }
}

/** The record sets of a snapshot that Detour manages in these tests (leaves the providers' own NS/SOA out). */
export function managed(sets: readonly SnapshotSet[]): SnapshotSet[] {
  return sets.filter((s) => s.type !== 'SOA' && !(s.type === 'NS' && s.name === ZONE));
}
