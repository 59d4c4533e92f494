/**
 * Time is injected so that state machines can be unit-tested on fake timers
 * (node:test `mock.timers` replaces Date.now and setTimeout together).
 */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };
