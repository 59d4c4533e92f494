/**
 * Every event on the bus. Later features (incident timeline, DNS controller,
 * notifications, cluster mode) subscribe to these, so they carry enough context to be
 * stored on their own: who observed it (`observer`, this instance's vantage point),
 * where (service/pool/provider/region/endpoint), why (`reason`) and the evidence.
 */
export type EffectiveHealth = 'healthy' | 'unhealthy' | 'ejected' | 'drained';

export interface EndpointRef {
  service: string;
  pool: string;
  provider: string | undefined;
  region: string | undefined;
  endpoint: string; // origin URL
}

/** What a failed check or request looked like: enough to write a postmortem from. */
export interface Evidence {
  status?: number;
  errorCode?: string; // DETOUR_* code or a cloud code such as InternalError
  cloudProvider?: string;
  message?: string;
  /** The cloud's id for the failed call (Tencent/Aliyun `RequestId`, EC2 `RequestID`...): what a support ticket or SLA claim asks for. */
  requestId?: string;
}

export type DetourEvent =
  | ({ type: 'endpoint.health'; at: number; observer: string; from: EffectiveHealth; to: EffectiveHealth;
      source: 'active' | 'passive' | 'admin' | 'config'; reason: string; evidence?: Evidence } & EndpointRef)
  | ({ type: 'outlier.ejection'; at: number; observer: string; enforced: boolean; ejections: number;
      durationMs: number; reason: string; evidence?: Evidence } & EndpointRef)
  | { type: 'pool.active'; at: number; observer: string; service: string;
      from: { pool: string; priority: number } | null; to: { pool: string; priority: number } | null; reason: string }
  | { type: 'service.all-down'; at: number; observer: string; service: string; policy: 'fail-open' | 'fail-closed' }
  | { type: 'override.changed'; at: number; observer: string; service: string; pool?: string; endpoint?: string;
      action: 'drain' | 'undrain' | 'force-priority' | 'clear-priority'; priority?: number }
  | { type: 'config.reload'; at: number; observer: string; ok: boolean; source: string; error?: string }
  // DNS controller (src/dns). `record` is the FQDN; `rrtype` A/AAAA/CNAME/TXT/NS.
  | { type: 'dns.observation'; at: number; observer: string; record: string; value: string; healthy: boolean; reason: string }
  | { type: 'dns.answer'; at: number; observer: string; record: string; rrtype: string; from: string[]; to: string[];
      priority: number | null; reason: string }
  | { type: 'dns.provider'; at: number; observer: string; provider: string; ok: boolean; changes: number;
      attempt: number; error?: string; code?: string; nextRetryMs?: number }
  | { type: 'dns.alert'; at: number; observer: string; kind: 'all-down' | 'unsafe-plan' | 'not-owned';
      message: string; record?: string; provider?: string }
  // The honest record (src/incidents, src/sla). `store.health`: the event store stopped (ok false) or resumed
  // (ok true) committing; `pending` events wait in memory, `dropped` were lost to the memory bound.
  | { type: 'store.health'; at: number; observer: string; ok: boolean; path: string; op: 'open' | 'write' | 'prune';
      error?: string; pending: number; dropped: number }
  | { type: 'incident.changed'; at: number; observer: string; id: string; change: 'opened' | 'updated' | 'note';
      status: 'detected' | 'mitigated' | 'monitoring' | 'resolved'; service: string; provider: string | null;
      region: string | null; text: string; actor?: string }
  | { type: 'slo.burn'; at: number; observer: string; state: 'firing' | 'resolved'; alert: 'fast' | 'medium' | 'slow';
      severity: 'page' | 'ticket'; service: string; pool?: string; provider?: string; region?: string;
      objective: number; threshold: number; longWindowMs: number; shortWindowMs: number; longBurn: number; shortBurn: number };

export type DetourEventType = DetourEvent['type'];
