/**
 * SLA accounting: availability (time- and request-based) per provider, region and
 * service; error budgets and multi-window multi-burn-rate alerts; published SLA tiers
 * and the credit they give; the monthly report.
 */
export { topologyOf, poolLevel, serviceLevel, groupLevel, selectPools, type Level, type TopologyPool, type TopologyService, type HealthOf, type PoolFilter } from './levels.js';
export { segments, totals, dailyUptime, type History, type RunSpan, type TopologyAt, type HealthChange, type Segment, type LevelOf } from './history.js';
export { BurnRates, WORKBOOK_RULES, errorBudget, type BurnRule, type BurnKey, type BurnTransition } from './burn.js';
export { unavailable, availability, pct, type UnavailableRule, type Outage } from './downtime.js';
export { parseMonth, formatOffset, type Month } from './month.js';
export { loadTiers, findProvider, findProduct, creditPercent, type Product, type ProviderTiers, type CreditBand } from './tiers.js';
export { buildReport, type MonthReport, type ProviderRow, type PoolRow, type ServiceRow, type ReportSource, type ReportIncident, type Measured } from './report.js';
export { formatReport, type ReportFormat } from './format.js';
export { BurnAlerts, type MinuteCounts } from './alerts.js';
export { FLAP_GAP_MS } from './downtime.js';
