import type { Document, LineCounter, Scalar } from 'yaml';
import type { ConfigIssue } from './issues.js';

/** Shared state of one parse: where issues go and how offsets become line:column. */
export interface Ctx {
  readonly text: string; // protected source text (see env.ts); offsets match the original
  readonly doc: Document;
  readonly lineCounter: LineCounter;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly issues: ConfigIssue[];
  /** Relative paths in the file are relative to the file, not to the working directory. */
  readonly resolvePath: (path: string) => string;
  /** Reads a file named by the config (a CA bundle); throws like fs.readFileSync. */
  readonly readFile: (absolutePath: string) => string;
  /** Substituted value per scalar; also marks it as coming from the environment (never shown). */
  readonly substituted: Map<Scalar, { value: string; failed: boolean }>;
}

export function report(ctx: Ctx, offset: number, path: string, message: string): void {
  const { line, col } = ctx.lineCounter.linePos(offset);
  ctx.issues.push({ line, column: col, path, message });
}
