import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DetourError } from '../errors/index.js';

/**
 * Operator overrides (Route 53 ARC-style routing controls): drained pools/endpoints
 * and forced priorities. They persist across restarts in a small JSON file written
 * atomically (write temp, fsync, rename), so a crash never leaves half a file.
 */
export interface OverrideState {
  version: 1;
  /** Drains: "service", "service/pool" or "service/pool/endpoint-url". */
  drained: string[];
  /** service → forced priority. */
  forcedPriority: Record<string, number>;
}

export const emptyOverrides = (): OverrideState => ({ version: 1, drained: [], forcedPriority: {} });

export type LoadResult = { state: OverrideState; problem: string | undefined };

/**
 * Reads the state file. A missing file is an empty state. A corrupt one is moved
 * aside (never deleted: nothing stored is lost) and reported, and the gateway starts
 * with no overrides rather than not at all.
 */
export async function loadOverrides(path: string): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: emptyOverrides(), problem: undefined };
    throw new DetourError('DETOUR_STATE_IO', `cannot read override state ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return { state: validate(JSON.parse(text)), problem: undefined };
  } catch (err) {
    const aside = `${path}.corrupt-${Date.now()}`;
    await rename(path, aside);
    return { state: emptyOverrides(), problem: `override state ${path} is invalid (${(err as Error).message}); moved to ${aside}, starting with no overrides` };
  }
}

function validate(v: unknown): OverrideState {
  const o = v as Partial<OverrideState> | null;
  if (!o || o.version !== 1) throw new Error('expected {"version": 1, ...}');
  if (!Array.isArray(o.drained) || !o.drained.every((d) => typeof d === 'string')) throw new Error('"drained" must be a list of strings');
  const fp = o.forcedPriority ?? {};
  if (typeof fp !== 'object' || Object.values(fp).some((p) => !Number.isInteger(p))) throw new Error('"forcedPriority" must map service names to integers');
  return { version: 1, drained: [...new Set(o.drained)], forcedPriority: { ...fp } };
}

export async function saveOverrides(path: string, state: OverrideState): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}`;
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(JSON.stringify(state, null, 2) + '\n');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    throw new DetourError('DETOUR_STATE_IO', `cannot write override state ${path}: ${(err as Error).message}`, { cause: err });
  }
}
