/**
 * DNS failover controller: one desired state (records with health-checked pools) pushed
 * to several DNS providers that share the zone's NS set, each converging on its own.
 *
 *   const feature = new DnsFeature(cfg.dns, { logger });        // inside `detour start`
 *   const outcomes = await runOnce(cfg.dns, providers, desired, { apply: false, ... }); // plan
 */
export type { DnsProvider, RecordSet, RecordType, Change, ProviderLimits } from './provider.js';
export { DnsController, type DnsControllerOptions, type DnsStatus } from './controller.js';
export { DnsFeature, dnsFeatures, type DnsFeatureOptions, type DnsHost } from './feature.js';
export { ProviderReconciler, type DesiredState, type ProviderStatus, type ProviderState } from './reconciler.js';
export { planChanges, clampTtl, type Plan, type DesiredRecord, type Conflict } from './planner.js';
export { assessSafety, type SafetyLimits, type SafetyVerdict } from './safety.js';
export { chooseAnswer, type Answer } from './answer.js';
export { decide, tally, ObservationStore, type Observation, type QuorumRule, type ValueState } from './quorum.js';
export { JsonlAudit, type AuditEntry, type AuditSink } from './audit.js';
export { backoffDelay } from './backoff.js';
export { markerName, markerValue, markerOwner } from './names.js';
export { runOnce, type ProviderOutcome, type OneShotOptions } from './oneshot.js';
export { formatOutcomes, formatChange } from './format.js';
export { createProvider, createProviders, createRfc2136Provider, type Rfc2136Options } from './providers/index.js';
