export { Gateway, type GatewayOptions } from './gateway.js';
export { buildRuntime, type Runtime, type ServiceState } from './runtime.js';
export { statusDocument } from './status.js';
export type { Feature } from './feature.js';
