export { loadOverrides, saveOverrides, emptyOverrides, type OverrideState, type LoadResult } from './store.js';
