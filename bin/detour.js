#!/usr/bin/env node
// Thin launcher: the CLI lives in src/cli (compiled to dist by `npm run build` / `prepare`).
import { main } from '../dist/cli/index.js';

main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => { console.error(err instanceof Error ? err.message : String(err)); process.exitCode = 1; },
);
