import { DetourError, isDetourError } from '../errors/index.js';

/** One problem found in a config file. line/column are 1-based; 0 means "no position" (e.g. unreadable file). */
export interface ConfigIssue {
  line: number;
  column: number;
  /** Field path such as `services[0].pools[1].endpoints[0]`; '' for the document itself. */
  path: string;
  message: string;
}

/**
 * Every problem of a config file at once, so a user fixes them in one round trip instead
 * of one per run. The message has one `file:line:column: path: message` line per issue;
 * `issues` keeps them structured for tools (and tests).
 */
export class ConfigError extends DetourError {
  readonly file: string;
  readonly issues: readonly ConfigIssue[];

  constructor(file: string, issues: readonly ConfigIssue[], options?: { cause?: unknown }) {
    const sorted = [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
    super('DETOUR_CONFIG_INVALID', sorted.map((i) => formatIssue(file, i)).join('\n'), options);
    this.name = 'ConfigError';
    this.file = file;
    this.issues = sorted;
  }
}

export function isConfigError(e: unknown): e is ConfigError {
  // Structural rather than instanceof, like isDetourError: the module may be loaded twice.
  return isDetourError(e) && e.code === 'DETOUR_CONFIG_INVALID' && Array.isArray((e as { issues?: unknown }).issues);
}

export function formatIssue(file: string, issue: ConfigIssue): string {
  const where = issue.line > 0 ? `${file}:${issue.line}:${issue.column}` : file;
  return issue.path === '' ? `${where}: ${issue.message}` : `${where}: ${issue.path}: ${issue.message}`;
}
