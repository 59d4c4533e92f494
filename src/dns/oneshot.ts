import type { DnsConfig } from '../config/dns.js';
import { auditEntries, type AuditSink } from './audit.js';
import { planChanges, type Plan } from './planner.js';
import type { DnsProvider } from './provider.js';
import type { DesiredState } from './reconciler.js';
import { describe } from './reconciler.js';
import { assessSafety, type SafetyVerdict } from './safety.js';

export type ProviderOutcome =
  | { provider: string; type: string; zone: string; status: 'planned' | 'applied' | 'refused'; plan: Plan; verdict: SafetyVerdict }
  | { provider: string; type: string; zone: string; status: 'failed'; plan: Plan | undefined; error: { code: string; message: string } };

export interface OneShotOptions {
  apply: boolean;
  force: boolean;
  audit: AuditSink;
  actor: string;
  now: () => number;
}

/**
 * `detour dns plan` / `apply`: every provider in parallel, each with its own deadline, so a
 * provider whose API hangs or fails is reported while the others are planned and applied
 * (octoDNS aborts the remaining targets on the first exception; users asked for
 * `--continue`, octodns#618). Every plan and safety check of a provider runs before its write.
 */
export async function runOnce(cfg: DnsConfig, providers: readonly DnsProvider[], desired: DesiredState, o: OneShotOptions): Promise<ProviderOutcome[]> {
  const zoneOf = new Map(cfg.providers.map((p) => [p.name, p.zone]));
  return Promise.all(providers.map(async (p): Promise<ProviderOutcome> => {
    const zone = zoneOf.get(p.name) ?? cfg.zone;
    const base = { provider: p.name, type: p.type, zone };
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error(`timed out after ${cfg.reconcile.timeout}ms`)), cfg.reconcile.timeout);
    let plan: Plan | undefined;
    try {
      const current = await p.list(zone, desired.names, abort.signal);
      plan = planChanges({ owner: cfg.owner, limits: p.limits, desired: desired.records, current });
      const verdict = assessSafety(plan, desired.records, cfg.safety);
      if (!o.apply || plan.changes.length === 0) return { ...base, status: 'planned', plan, verdict };
      const ctx = { at: o.now(), actor: o.actor, provider: p.name, zone, reasonFor: (n: string) => `${desired.reasonFor(n)}${o.force ? ' (--force)' : ''}` };
      if (!verdict.safe && !o.force) {
        await o.audit.write(auditEntries(plan.changes, ctx, 'refused', verdict.reasons.join('; ')));
        return { ...base, status: 'refused', plan, verdict };
      }
      try {
        await p.apply(zone, plan.changes, abort.signal);
      } catch (err) {
        await o.audit.write(auditEntries(plan.changes, ctx, 'failed', describe(err).message));
        throw err;
      }
      await o.audit.write(auditEntries(plan.changes, { ...ctx, at: o.now() }, 'ok'));
      return { ...base, status: 'applied', plan, verdict };
    } catch (err) {
      const { code, message } = describe(err);
      return { ...base, status: 'failed', plan, error: { code, message } };
    } finally {
      clearTimeout(timer);
    }
  }));
}
