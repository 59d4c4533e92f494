import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

// The classifiers are the gateway's own module (src/classify); an app that passes [tencent] must not
// ship the others. Markers are strings only one provider's table holds.
const entry = fileURLToPath(new URL('./index.ts', import.meta.url));
const MARKERS = { tencent: 'RequestLimitExceeded', aliyun: 'ServiceUnavailableTemporary', aws: 'ThrottlingException', huawei: 'APIGW.0308' };

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
