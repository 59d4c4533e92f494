/**
 * Which endpoints make up which pool and service: what the in-memory history needs to roll
 * levels up. One definition, shared with the SLA arithmetic (src/sla/levels.ts), so the bars
 * on the page and the monthly report read the same topology.
 */
export { topologyOf, type TopologyPool, type TopologyService } from '../sla/levels.js';
