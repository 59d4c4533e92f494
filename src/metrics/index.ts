export { Registry, Counter, Gauge, Histogram } from './registry.js';
export { createMetrics, type DetourMetrics, type MetricsView } from './detour-metrics.js';
