import type { OverrideOp } from '../admin/index.js';
import { DetourError } from '../errors/index.js';
import type { HealthModel } from '../model/index.js';
import type { OverrideState } from '../overrides/index.js';
import type { Runtime } from './runtime.js';

/** Returns the new override state for an admin operation, after checking its target exists. */
export function applyOverrideOp(rt: Runtime, state: OverrideState, op: OverrideOp): OverrideState {
  const svc = rt.services.find((s) => s.name === op.service);
  if (!svc) throw new DetourError('DETOUR_ADMIN_NOT_FOUND', `no service "${op.service}"`);
  switch (op.action) {
    case 'drain':
    case 'undrain': {
      let key = op.service;
      if (op.pool !== undefined) {
        const pool = svc.pools.find((p) => p.name === op.pool);
        if (!pool) throw new DetourError('DETOUR_ADMIN_NOT_FOUND', `no pool "${op.pool}" in service "${op.service}"`);
        key += `/${op.pool}`;
        if (op.endpoint !== undefined) {
          const ep = pool.endpoints.find((e) => e.endpoint === op.endpoint || e.endpoint === safeOrigin(op.endpoint!));
          if (!ep) throw new DetourError('DETOUR_ADMIN_NOT_FOUND', `no endpoint "${op.endpoint}" in pool "${op.pool}"`);
          key += `/${ep.endpoint}`;
        }
      }
      const drained = state.drained.filter((d) => d !== key);
      if (op.action === 'drain') drained.push(key);
      return { ...state, drained };
    }
    case 'force-priority': {
      if (!svc.pools.some((p) => p.priority === op.priority)) {
        throw new DetourError('DETOUR_ADMIN_BAD_REQUEST', `service "${op.service}" has no pool with priority ${op.priority}`);
      }
      return { ...state, forcedPriority: { ...state.forcedPriority, [op.service]: op.priority } };
    }
    case 'clear-priority': {
      const { [op.service]: _gone, ...rest } = state.forcedPriority;
      return { ...state, forcedPriority: rest };
    }
    default: {
      const never: never = op;
      return never;
    }
  }
}

/** Makes the runtime reflect the override state (drains on endpoints, forced priorities on balancers). */
export function applyOverrides(rt: Runtime, state: OverrideState, model: HealthModel, actor: string): void {
  const drained = new Set(state.drained);
  for (const s of rt.services) {
    s.balancer.forcedPriority = state.forcedPriority[s.name];
    for (const p of s.pools) {
      for (const ep of p.endpoints) {
        const want = drained.has(s.name) || drained.has(`${s.name}/${p.name}`) || drained.has(ep.id);
        if (ep.drained === want) continue;
        ep.drained = want;
        model.settle(ep, 'admin', want ? `drained by ${actor}` : `undrained by ${actor}`);
      }
    }
  }
}

function safeOrigin(u: string): string {
  try {
    return new URL(u).origin;
  } catch {
    return u;
  }
}
