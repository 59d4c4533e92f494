#!/usr/bin/env -S node --max-semi-space-size=32
// Thin launcher: the CLI lives in src/cli (compiled to dist by `npm run build`, also run by `prepare` on npm ci).
// --max-semi-space-size=32 (MiB; V8's default is 16): with the default young generation a busy
// proxy promotes most of each request's short-lived objects and pays for them in old-space GC;
// docs/benchmarks.md measures the difference. `node bin/detour.js` without the flag still works.
import '../dist/cli/main.js';
