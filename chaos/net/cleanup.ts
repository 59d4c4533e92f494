/**
 * The safety net: every namespace, veth, firewall rule and child process the suite
 * creates is registered here with a SYNCHRONOUS undo, so it is removed even when the
 * run dies (exception, SIGINT/SIGTERM/SIGHUP, `process.exit`). The normal path undoes
 * things gracefully first and unregisters them; whatever is left runs here, last
 * registered first.
 */
type Undo = { label: string; fn: () => void };

const undos = new Map<number, Undo>();
let nextId = 0;
let installed = false;

/** Registers an undo; call the returned function once the thing is gone. */
export function onCleanup(label: string, fn: () => void): () => void {
  installHandlers();
  const id = ++nextId;
  undos.set(id, { label, fn });
  return () => {
    undos.delete(id);
  };
}

/** Runs every registered undo now (newest first); failures are reported, never thrown. */
export function cleanupNow(log: (line: string) => void = (l) => process.stderr.write(l + '\n')): void {
  const ids = [...undos.keys()].sort((a, b) => b - a);
  for (const id of ids) {
    const u = undos.get(id);
    undos.delete(id);
    if (!u) continue;
    try {
      u.fn();
    } catch (err) {
      log(`chaos: cleanup of ${u.label} failed: ${(err as Error).message}`);
    }
  }
}

/** How many undos are still pending (the suite asserts 0 at the end). */
export function pendingCleanups(): string[] {
  return [...undos.values()].map((u) => u.label);
}

function installHandlers(): void {
  if (installed) return;
  installed = true;
  process.once('exit', () => cleanupNow());
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      process.stderr.write(`\nchaos: ${sig}: removing namespaces, firewall rules and processes…\n`);
      cleanupNow();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}
