import type { Logger } from '../common/index.js';
import type { DetourConfig } from '../config/index.js';
import type { Feature } from '../gateway/index.js';

/**
 * The features `detour start` runs beside the gateway, chosen from the config.
 * Each feature adds one line here (and nowhere else in the CLI).
 */
export async function createFeatures(cfg: DetourConfig, log: Logger): Promise<Feature[]> {
  const features: Feature[] = [];
  void cfg;
  void log;
  return features;
}
