export { Endpoint, effectiveHealth, type ActiveHealth, type OutlierState } from './endpoint.js';
export { HealthModel } from './health-model.js';
export type { DetourEvent, DetourEventType, EffectiveHealth, EndpointRef, Evidence } from './events.js';
