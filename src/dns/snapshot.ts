import type { Change, RecordSet } from './provider.js';
import { setKey } from './names.js';

/** What a provider holds after `changes` were applied to `current` (for the pending diff). */
export function applyToSnapshot(current: readonly RecordSet[], changes: readonly Change[]): RecordSet[] {
  const m = new Map(current.map((s) => [setKey(s), s]));
  for (const c of changes) {
    switch (c.op) {
      case 'create':
      case 'update':
        m.set(setKey(c.after), c.after);
        break;
      case 'delete':
        m.delete(setKey(c.before));
        break;
      default: {
        const never: never = c;
        return never;
      }
    }
  }
  return [...m.values()];
}
