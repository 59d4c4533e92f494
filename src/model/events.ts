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
  | { type: 'config.reload'; at: number; observer: string; ok: boolean; source: string; error?: string };

export type DetourEventType = DetourEvent['type'];
