/** Shared by the config tests. Named *.test.ts so the build (tsconfig.build.json) leaves it out of dist; it holds no tests. */
import assert from 'node:assert/strict';
import { isConfigError, type ConfigError, type ConfigIssue } from './issues.js';
import { parseConfig, type Env } from './load.js';

/** Joins lines so tests can count line numbers at a glance. */
export const yaml = (...lines: string[]): string => lines.join('\n') + '\n';

/** A valid pool block for services that only test something else. */
export const POOLS = ['    pools:', '      - name: a', '        endpoints: [http://127.0.0.1:9001]'];

export function rejects(text: string, env: Env = {}): ConfigError {
  try {
    parseConfig(text, 'detour.yaml', env);
  } catch (e) {
    if (isConfigError(e)) return e;
    throw e;
  }
  return assert.fail('expected a ConfigError');
}

/** The single issue at `path`, asserting there is exactly one. */
export function issueAt(err: ConfigError, path: string): ConfigIssue {
  const found = err.issues.filter((i) => i.path === path);
  assert.equal(found.length, 1, `expected one issue at ${path}, got:\n${err.message}`);
  return found[0] as ConfigIssue;
}

export function assertIssue(err: ConfigError, path: string, line: number, column: number, message: RegExp): void {
  const i = issueAt(err, path);
  assert.deepEqual([i.line, i.column], [line, column], `position of ${path}:\n${err.message}`);
  assert.match(i.message, message);
}

/** 1-based line and column of the first `needle` in `text` (optionally after `after`), to state positions readably. */
export function positionOf(text: string, needle: string, after = ''): { line: number; column: number } {
  const start = after === '' ? 0 : text.indexOf(after);
  const offset = text.indexOf(needle, start === -1 ? 0 : start);
  assert.notEqual(offset, -1, `${needle} not in the test text`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before[before.length - 1] ?? '').length + 1 };
}

/** Asserts exactly one issue at `path`, located where `needle` starts in `text`. */
export function assertIssueAt(err: ConfigError, text: string, path: string, needle: string, message: RegExp, after = ''): void {
  const { line, column } = positionOf(text, needle, after);
  assertIssue(err, path, line, column, message);
}
