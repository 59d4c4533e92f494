/**
 * The status page and dashboard (issue #6 "The honest record", item 3).
 *
 *   const status = new StatusFeature({ source: incidentStore });   // or the in-memory default
 *   await Gateway.start(cfg, { features: [status] });
 *   // admin listener: GET /dashboard (log in with admin.token), SSE /dashboard/events
 *   // statusPage.listen: the public read-only page, SSE /events, /api/status.json
 */
export { StatusFeature, statusFeatures, type StatusFeatureOptions } from './feature.js';
export { MemoryIncidentSource, type MemorySourceOptions } from './memory-source.js';
export { topologyOf, type TopologyPool, type TopologyService } from './topology.js';
export { componentKey } from './source.js';
export type {
  ComponentRef, DayUptime, Incident, IncidentSource, IncidentStatus, IncidentSummary, TimelineEntry, TimelineKind,
} from './source.js';
export { escapeHtml } from './html.js';
