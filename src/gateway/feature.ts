import type { AdminRoute } from '../admin/index.js';
import type { DetourConfig } from '../config/types.js';
import type { Gateway } from './gateway.js';

/**
 * A part of Detour that runs beside the data plane and reads the same bus and health
 * model: the DNS controller, the incident store, the status page, notifications.
 * Features are started before any listener opens, so they see every event.
 */
export interface Feature {
  readonly name: string;
  /** Subscribe to gw.bus, open stores, start loops. */
  start(gw: Gateway): Promise<void>;
  /** Admin routes this feature serves (asked once, after start). */
  routes?(): AdminRoute[];
  /** A new, validated config was applied. */
  reload?(cfg: DetourConfig): Promise<void>;
  /** Graceful stop (after the proxy has drained). */
  stop(): Promise<void>;
}
