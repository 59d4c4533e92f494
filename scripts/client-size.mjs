// Measures what detour/client costs a browser app: esbuild (bundle, minify, ESM, browser, es2020) then
// gzip -9 (zlib), for the combinations an app can import. The classifiers are the gateway's own
// module and tree-shake: an app pays only for the providers it passes to `classify`.
// The budget (issue #5: ≤ 5 kB min+gzip for the browser build) is checked on the full browser bundle:
// every export of src/client/index.ts, as scripts/build-client.mjs ships it in dist-client/detour-client.js
// (built from the entry itself, so an export added later is counted too). 1 kB = 1024 bytes.
// Usage: node scripts/client-size.mjs [--json] [--check]   (--check: exit code 1 when over budget)
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../src/client/index.ts', import.meta.url));
const BUDGET = 5 * 1024;
const FULL = 'every export (dist-client/detour-client.js)';
/** [row name, the names an app imports; undefined = the entry itself, every export]. */
const cases = [
  ['createClient only', 'createClient'],
  ['createClient + tencent', 'createClient, tencent'],
  ['createClient + tencent, aliyun, aws (the issue example)', 'createClient, tencent, aliyun, aws'],
  [FULL, undefined],
];

async function measure(names) {
  const r = await build({
    ...(names === undefined
      ? { entryPoints: [entry] }
      : { stdin: { contents: `export { ${names} } from ${JSON.stringify(entry)};`, resolveDir: process.cwd(), loader: 'ts' } }),
    bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2020', write: false, legalComments: 'none',
  });
  const code = r.outputFiles[0].contents;
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

const rows = [];
for (const [name, names] of cases) rows.push({ name, ...(await measure(names)) });
const budgeted = rows.find((r) => r.name === FULL);
const over = budgeted.gzip > BUDGET;
if (process.argv.includes('--json')) console.log(JSON.stringify({ budget: BUDGET, budgeted: FULL, rows }, null, 2));
else {
  console.log('detour/client browser size (esbuild --minify, gzip -9)');
  for (const r of rows) console.log(`  ${(r.gzip / 1024).toFixed(2).padStart(5)} kB gz  ${(r.min / 1024).toFixed(1).padStart(5)} kB min  ${r.name}`);
  const margin = BUDGET - budgeted.gzip;
  console.log(`budget ${BUDGET / 1024} kB on "${FULL}": ${over ? `OVER by ${-margin} bytes` : `ok (${margin} bytes to spare)`}`);
}
if (process.argv.includes('--check') && over) process.exit(1);
