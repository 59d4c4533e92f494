/**
 * Configuration: YAML file → validated, normalized DetourConfig.
 *
 *   const cfg = await loadConfig('detour.yaml');          // throws ConfigError
 *   console.log(JSON.stringify(describeConfig(cfg)));     // token redacted
 */
export { parseConfig, loadConfig, type Env, type ParseOptions } from './load.js';
export { ConfigError, isConfigError, formatIssue, type ConfigIssue } from './issues.js';
export { describeConfig, type JsonValue } from './describe.js';
export { DEFAULTS, PROVIDERS, RETRY_ON } from './defaults.js';
export type {
  DetourConfig,
  ListenerConfig,
  AdminConfig,
  ServiceConfig,
  PoolConfig,
  EndpointConfig,
  ActiveHealthConfig,
  PassiveHealthConfig,
  ClassifyConfig,
  CustomClassifyRule,
  RetryOn,
  RetryConfig,
} from './types.js';
