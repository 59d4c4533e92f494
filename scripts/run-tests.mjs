// Runs every *.test.ts under src/ and test/ with node:test through the tsx loader.
// Node 20's `--test` does not take globs, so the file list is collected here.
// Usage: node scripts/run-tests.mjs [substring-filter]
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const filter = process.argv[2] ?? '';
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.test.ts') && p.includes(filter)) files.push(p);
  }
}
for (const root of ['src', 'test', 'bench', 'chaos']) if (existsSync(root)) walk(root);
files.sort();
if (files.length === 0) {
  console.error(`no test files match "${filter}"`);
  process.exit(1);
}
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=60000', ...files],
  { stdio: 'inherit' },
);
process.exit(r.status ?? 1);
