#!/usr/bin/env node
// Thin launcher: the CLI lives in src/cli (compiled to dist by `npm run build`, also run by `prepare` on npm ci).
import '../dist/cli/main.js';
