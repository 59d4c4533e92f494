import type { Logger } from '../common/index.js';
import type { DetourConfig } from '../config/index.js';
import type { Feature } from '../gateway/index.js';
import { statusFeatures } from '../status/index.js';

/**
 * The features `detour start` runs beside the gateway, chosen from the config.
 * Each feature adds one line here (and nowhere else in the CLI).
 */
export async function createFeatures(cfg: DetourConfig, log: Logger): Promise<Feature[]> {
  const features: Feature[] = [];
  features.push(new (await import('../incidents/index.js')).RecordFeature(cfg, log)); // first: other features read recordOf(gw)
  features.push(...statusFeatures(cfg, log));
  // Loaded only when configured: the DNS providers' SDKs are large and slow to import.
  if (cfg.dns) features.push(...(await import('../dns/index.js')).dnsFeatures(cfg, log));
  return features;
}
