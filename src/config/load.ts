import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import { protectReferences, restoreReferences } from './env.js';
import { ConfigError, type ConfigIssue } from './issues.js';
import type { Ctx } from './ctx.js';
import { At } from './node.js';
import { readRoot } from './root.js';
import type { DetourConfig } from './types.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ParseOptions {
  /** Folder that relative paths (tls cert/key, admin.stateFile) are resolved against. Default: keep them as written. */
  baseDir?: string;
  /** Name used in messages (`detour.yaml:12:9: ...`). Default: `source`. */
  displayName?: string;
  /** Reads files the config names (pool tls.ca). Default: fs.readFileSync as UTF-8. */
  readFile?: (absolutePath: string) => string;
}

/**
 * YAML text → validated, normalized config. Throws one ConfigError listing every problem
 * found, each with line:column and field path. The environment is passed in; the only file
 * it reads is a pool's `tls.ca`, if one is named (see ParseOptions.readFile).
 */
export function parseConfig(text: string, source: string, env: Env, options: ParseOptions = {}): DetourConfig {
  const file = options.displayName ?? source;
  const protectedText = protectReferences(text);
  const lineCounter = new LineCounter();
  // prettyErrors off: our messages carry their own position, not yaml's code frame.
  const doc = parseDocument(protectedText, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const issues: ConfigIssue[] = doc.errors.map((e) => {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    return { line, column: col, path: '', message: yamlMessage(e, protectedText) };
  });
  // A duplicate key still leaves a usable tree, so keep validating to report everything at once;
  // after a real syntax error the tree is guesswork and further messages would mislead.
  if (issues.length > 0 && doc.errors.some((e) => e.code !== 'DUPLICATE_KEY')) throw new ConfigError(file, issues);

  const { baseDir } = options;
  const ctx: Ctx = {
    text: protectedText, doc, lineCounter, env, issues, substituted: new Map(),
    resolvePath: (p) => (baseDir === undefined || isAbsolute(p) ? p : resolve(baseDir, p)),
    readFile: options.readFile ?? ((p) => readFileSync(p, 'utf8')),
  };
  const config = readRoot(new At(ctx, doc.contents, '', 0), source);
  if (issues.length > 0 || config === undefined) {
    throw new ConfigError(file, issues.length > 0 ? issues : [{ line: 1, column: 1, path: '', message: 'expected a mapping' }]);
  }
  return config;
}

/** yaml's wording, except where it talks about its own API or can name the key. */
function yamlMessage(e: YAMLError, text: string): string {
  if (e.code === 'DUPLICATE_KEY') {
    // yaml points at the key's first character; read the key up to its colon.
    const key = /^("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^:,{}[\]\n]+)/.exec(text.slice(e.pos[0]))?.[1]?.trim() ?? '';
    const name = /^["']/.test(key) ? key : JSON.stringify(restoreReferences(key));
    return `duplicate key ${name} (each key may appear once per mapping)`;
  }
  if (e.code === 'MULTIPLE_DOCS') return 'the file holds more than one YAML document ("---"); Detour reads exactly one';
  return restoreReferences(e.message);
}

/**
 * Reads and parses a config file. `source` in the result is the absolute path; relative
 * paths inside the file are resolved against the file's folder, not the working directory,
 * so `detour start -c /etc/detour/detour.yaml` works from anywhere.
 */
export async function loadConfig(path: string, env: Env = process.env): Promise<DetourConfig> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'read error';
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : code;
    throw new ConfigError(path, [{ line: 0, column: 0, path: '', message: `cannot read config file: ${reason}` }], { cause: e });
  }
  return parseConfig(text, absolute, env, { baseDir: dirname(absolute), displayName: path });
}
