import { hostname, userInfo } from 'node:os';
import { EventBus, systemClock } from '../common/index.js';
import { isConfigError, loadConfig, type DetourConfig } from '../config/index.js';
import type { DnsProvider } from '../dns/index.js';
import type { DetourEvent } from '../model/index.js';

export const DNS_HELP = `  detour dns plan  --config detour.yaml [--json]  per DNS provider: what would change (checks every value once; writes nothing)
  detour dns apply --config detour.yaml [--force] write it; refuses unsafe plans (too many changes, NS/SOA) without --force`;

/**
 * `detour dns plan|apply`: probe every value once (same checks as the gateway), compute the
 * answers, then plan (and apply) every provider in parallel. Exit 0 when every provider was
 * planned/applied, 1 when any failed or was refused (or, for apply, left a record alone that
 * Detour does not own), 2 on usage errors.
 */
export async function dnsCommand(
  sub: string | undefined,
  configPath: string,
  opts: { force: boolean; json: boolean },
  out: (s: string) => void,
): Promise<number> {
  if (sub !== 'plan' && sub !== 'apply') {
    out(`usage:\n${DNS_HELP}`);
    return 2;
  }
  if (sub === 'plan' && opts.force) {
    out('--force only applies to "detour dns apply"');
    return 2;
  }
  let cfg: DetourConfig;
  try {
    cfg = await loadConfig(configPath);
  } catch (err) {
    out(isConfigError(err) ? err.message : `cannot load ${configPath}: ${(err as Error).message}`);
    return 1;
  }
  const dns = cfg.dns;
  if (dns === undefined) {
    out(`${configPath}: no "dns" section`);
    return 1;
  }
  // Imported here, not at the top: the providers' SDKs are large and every other command would pay for them.
  const { DnsController, formatOutcomes, JsonlAudit, runOnce, createProviders } = await import('../dns/index.js');
  let providers: DnsProvider[];
  try {
    providers = createProviders(dns);
  } catch (err) {
    out((err as Error).message);
    return 1;
  }
  const actor = `detour dns ${sub} (${safeUser()}@${hostname()})`;
  const audit = new JsonlAudit(dns.audit.path);
  const ctrl = new DnsController(dns, [], { bus: new EventBus<DetourEvent>(), observer: `${hostname()}:${process.pid}`, audit, actor, clock: systemClock });
  const desired = await ctrl.evaluateOnce();
  await ctrl.stop();
  const outcomes = await runOnce(dns, providers, desired, { apply: sub === 'apply', force: opts.force, audit, actor, now: () => Date.now() });
  if (opts.json) {
    out(JSON.stringify({ records: ctrl.status().records.map(({ name, type, answer, reason, degraded }) => ({ name, type, answer, reason, degraded })), providers: outcomes }, null, 2));
  } else {
    for (const r of ctrl.status().records) out(`answer ${r.name} ${r.type}: ${r.answer.join(' ')}  (${r.reason})`);
    out('');
    out(formatOutcomes(outcomes));
  }
  if (sub === 'apply' && outcomes.some((o) => o.status === 'refused')) out('\nsome providers were not changed: review "detour dns plan" and rerun with --force');
  // A record left alone for lack of ownership means apply did not reach the desired state.
  const conflicts = sub === 'apply' && outcomes.some((o) => o.status !== 'failed' && o.plan.conflicts.length > 0);
  return conflicts || outcomes.some((o) => o.status === 'failed' || o.status === 'refused') ? 1 : 0;
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
