import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The classifiers are the gateway's own module (src/classify); an app that passes [tencent] must not
// ship the others. Markers are strings only one provider's table holds.
const entry = fileURLToPath(new URL('./index.ts', import.meta.url));
const MARKERS = { tencent: 'RequestLimitExceeded', aliyun: 'ServiceUnavailableTemporary', aws: 'ThrottlingException', huawei: 'APIGW' };

async function bundle(names: string): Promise<string> {
  const r = await build({
    stdin: { contents: `export { ${names} } from ${JSON.stringify(entry)};`, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2020', write: false,
  });
  return r.outputFiles[0]!.text;
}

describe('browser bundle', () => {
  it('holds only the classifiers the app imports, and no Node.js modules', async () => {
    const code = await bundle('createClient, tencent');
    assert.ok(code.includes(MARKERS.tencent));
    for (const other of [MARKERS.aliyun, MARKERS.aws, MARKERS.huawei]) assert.ok(!code.includes(other), other);
    assert.doesNotMatch(code, /node:|require\(/);
    const all = await bundle('createClient, tencent, aliyun, aws, huawei');
    for (const m of Object.values(MARKERS)) assert.ok(all.includes(m), m);
  });
});

describe('size budget', () => {
  it('keeps the full browser bundle (every export) within issue #5\'s 5 kB min+gzip', () => {
    const script = fileURLToPath(new URL('../../scripts/client-size.mjs', import.meta.url));
    const run = spawnSync(process.execPath, [script, '--json', '--check'], { encoding: 'utf8' });
    const out = JSON.parse(run.stdout) as { budget: number; budgeted: string; rows: Array<{ name: string; gzip: number }> };
    const full = out.rows.find((r) => r.name === out.budgeted);
    assert.match(out.budgeted, /every export/);
    assert.ok(full && full.gzip <= out.budget, `${full?.gzip} bytes gz > ${out.budget}`);
    assert.equal(run.status, 0, run.stderr);
  });
});
