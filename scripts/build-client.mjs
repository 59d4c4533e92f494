// Builds the browser bundle of detour/client with esbuild: one minified ES module with every export
// of src/client/index.ts (createClient, the classifiers, stores, compose, DetourError), for pages
// that load it with <script type="module"> and no bundler. Apps that bundle import 'detour/client'
// instead and keep only what they use (the classifiers are tree-shaken).
// Usage: node scripts/build-client.mjs [--outdir dist-client]
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const i = process.argv.indexOf('--outdir');
const outdir = i > 0 ? process.argv[i + 1] : join(root, 'dist-client');

// es2020 + AbortSignal.any/randomUUID feature checks: Chrome 80+, Firefox 74+, Safari 14+ (older ones
// lack optional chaining). The library checks for newer APIs it can do without.
const common = {
  entryPoints: [join(root, 'src/client/index.ts')],
  bundle: true,
  minify: true,
  sourcemap: true,
  platform: 'browser',
  target: 'es2020',
  legalComments: 'none',
  logLevel: 'warning',
};
await build({ ...common, format: 'esm', outfile: join(outdir, 'detour-client.js') });
await build({ ...common, format: 'iife', globalName: 'DetourClient', outfile: join(outdir, 'detour-client.iife.js') });
console.log(`built ${join(outdir, 'detour-client.js')} (ESM) and detour-client.iife.js (window.DetourClient)`);
