import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DetourError } from '../errors/index.js';
import { FAVICON, STYLES } from './styles.js';

export interface Asset {
  type: string;
  body: Buffer;
  etag: string;
}

export interface Assets {
  /** Content hash of all assets: the `?v=` that busts browser caches after an upgrade. */
  version: string;
  get(name: string): Asset | undefined;
}

/**
 * The page's static files. The client script is src/status/client/app.ts: from a build it
 * is the compiled dist/status/client/app.js beside this module; when Detour runs from
 * source (tsx, tests) it is transpiled once with esbuild, which tsx itself runs on.
 */
export async function loadAssets(): Promise<Assets> {
  const js = await clientScript();
  const files = new Map<string, Asset>();
  const add = (name: string, type: string, text: string) => {
    const body = Buffer.from(text);
    files.set(name, { type, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  };
  add('app.js', 'text/javascript; charset=utf-8', js);
  add('status.css', 'text/css; charset=utf-8', STYLES);
  add('favicon.svg', 'image/svg+xml', FAVICON);
  const version = createHash('sha256').update([...files.values()].map((f) => f.etag).join()).digest('hex').slice(0, 12);
  return { version, get: (name) => files.get(name) };
}

async function clientScript(): Promise<string> {
  const built = new URL('./client/app.js', import.meta.url);
  try {
    return await readFile(built, 'utf8');
  } catch {
    // Not built: running from source.
  }
  const source = await readFile(new URL('./client/app.ts', import.meta.url), 'utf8').catch((err: unknown) => {
    throw new DetourError('DETOUR_INTERNAL', 'the status page client script is missing (neither client/app.js nor client/app.ts beside src/status/assets)', { cause: err });
  });
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch (err) {
    throw new DetourError('DETOUR_INTERNAL', 'running from source needs esbuild to serve the status page script; run `npm run build` or install dev dependencies', { cause: err });
  }
  const out = await esbuild.transform(source, { loader: 'ts', format: 'esm', target: 'es2020' });
  return out.code;
}
