/**
 * The contract between the DNS controller (desired state, planning, reconcile loops)
 * and each DNS provider adapter (Cloudflare, DNSPod, Alidns, Route 53, RFC 2136).
 * Adapters translate record sets to and from one provider's API; they hold no policy.
 */
export type RecordType = 'A' | 'AAAA' | 'CNAME' | 'TXT';

/** One name+type with all its values, as DNS defines an RRset (RFC 2181 §5). */
export interface RecordSet {
  /** Fully qualified, lower case, no trailing dot: "api.example.com". */
  name: string;
  type: RecordType;
  ttl: number;
  /** Sorted; A/AAAA addresses, CNAME target (no trailing dot), TXT text (unquoted). */
  values: string[];
}

export type Change =
  | { op: 'create'; after: RecordSet }
  | { op: 'update'; before: RecordSet; after: RecordSet }
  | { op: 'delete'; before: RecordSet };

export interface ProviderLimits {
  /** Smallest TTL the provider (or plan) accepts; the planner raises lower TTLs to it. */
  minTtl: number;
  maxTtl: number;
}

export interface DnsProvider {
  /** The configured name, e.g. "dnspod". */
  readonly name: string;
  /** The adapter kind: cloudflare | tencent-dnspod | alibaba | route53 | rfc2136. */
  readonly type: string;
  readonly limits: ProviderLimits;
  /**
   * Current record sets of the zone for the given names (owned records and their
   * ownership markers). Throws a DetourError with `retryable` set for API failures
   * (timeouts, 5xx, InternalError envelopes) so the reconcile loop backs off.
   */
  list(zone: string, names: readonly string[], signal: AbortSignal): Promise<RecordSet[]>;
  /** Applies the changes, in order. Throws like `list`; a partial apply is caught up next round. */
  apply(zone: string, changes: readonly Change[], signal: AbortSignal): Promise<void>;
}
