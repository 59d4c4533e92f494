/**
 * The contract between the DNS controller (desired state, planning, reconcile loops)
 * and each DNS provider adapter (Cloudflare, DNSPod, Alidns, Route 53, RFC 2136).
 * Adapters translate record sets to and from one provider's API; they hold no policy:
 * ownership, safety limits, TTL floors and retries live in the controller.
 */
export type RecordType = 'A' | 'AAAA' | 'CNAME' | 'TXT' | 'NS';

/** One name+type with all its values, as DNS defines an RRset (RFC 2181 §5). */
export interface RecordSet {
  /** Fully qualified, lower case, no trailing dot: "api.example.com". The apex is the zone name itself. */
  name: string;
  type: RecordType;
  ttl: number;
  /**
   * Sorted (plain string sort), no duplicates. A/AAAA addresses; CNAME/NS targets lower case
   * without trailing dot; TXT text unquoted (the adapter quotes/joins 255-byte strings).
   */
  values: string[];
}

export type Change =
  | { op: 'create'; after: RecordSet }
  | { op: 'update'; before: RecordSet; after: RecordSet }
  | { op: 'delete'; before: RecordSet };

export interface ProviderLimits {
  /** Smallest TTL the provider (or plan) accepts; the planner raises lower TTLs to it. */
  minTtl: number;
  /** Largest TTL accepted; the planner lowers higher TTLs to it. */
  maxTtl: number;
}

/**
 * Errors: throw a DetourError (src/errors) and never put credentials in its message.
 * - `DETOUR_DNS_PROVIDER_UNAVAILABLE` (retryable) for timeouts, connection failures, 5xx,
 *   throttling and server-side error envelopes (Tencent `InternalError` in a 200 body,
 *   Alidns `InternalError`/`ServiceUnavailable`, Route 53 `InternalFailure`/`Throttling`/
 *   `PriorRequestNotComplete`, Cloudflare 5xx): the reconcile loop backs off and retries.
 * - `DETOUR_DNS_PROVIDER_REJECTED` (not retryable) for authentication/permission errors and
 *   invalid requests (wrong token, BADSIG, record refused): retried only at the longest backoff.
 * The message names the provider action and the provider's own error code.
 */
export interface DnsProvider {
  /** The configured name, e.g. "dnspod". */
  readonly name: string;
  /** The adapter kind: cloudflare | tencent-dnspod | alibaba | route53 | rfc2136. */
  readonly type: string;
  readonly limits: ProviderLimits;
  /**
   * Current record sets of the zone at exactly the given names (the controller passes the
   * names it manages plus their ownership-marker TXT names), all types of RecordType found
   * there; other types (MX, SOA, SRV…) are left out. Values of one name+type that the provider
   * keeps as separate records (DNSPod, Alidns, Cloudflare) are merged into one RecordSet.
   * Throws as described above so the reconcile loop backs off.
   */
  list(zone: string, names: readonly string[], signal: AbortSignal): Promise<RecordSet[]>;
  /**
   * Applies the changes, in order (the planner puts deletes first, so a CNAME can replace an
   * A at the same name). Throws like `list`; a partial apply is fine: the controller lists
   * again and plans the rest in its next round.
   */
  apply(zone: string, changes: readonly Change[], signal: AbortSignal): Promise<void>;
}
