export { Balancer, type BalancerOptions, type Selection } from './balancer.js';
export { tiersOf, type Pool, type Tier } from './pool.js';
export { p2c, roundRobin, type Picker } from './pick.js';
export { effectiveWeight, SLOW_START_MIN_FACTOR } from './weight.js';
