/**
 * `${VAR}` / `${VAR:-default}` substitution.
 *
 * Why the sentinels: YAML forbids `{` and `}` in plain scalars inside flow collections, so
 * `admin: { token: ${TOKEN} }` would be a syntax error. Before parsing, the braces of every
 * `${...}` are swapped for two private-use characters of the same length (U+E000/U+E001),
 * which keeps every offset — and so every line:column — intact. After parsing, each scalar
 * is substituted on its own when it is read, so errors point at that scalar.
 *
 * Values are never re-parsed as YAML and never re-expanded (an env value containing `${X}`
 * stays literal), and no message ever contains a variable's value, only its name.
 */
export const OPEN = '\uE000';
export const CLOSE = '\uE001';

const RAW_REF = /\$\{([^{}\r\n]*)\}/g;
const PROTECTED_REF = /\$(\$?)\uE000([^\uE001]*)\uE001/g;
const INNER = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/** Swaps the braces of each `${...}` for sentinels; same length as the input. */
export function protectReferences(text: string): string {
  return text.replace(RAW_REF, (_m, inner: string) => `$${OPEN}${inner}${CLOSE}`);
}

/** Turns sentinels back into braces, for showing source text to humans. */
export function restoreReferences(text: string): string {
  return text.replaceAll(OPEN, '{').replaceAll(CLOSE, '}');
}

export function hasReferences(text: string): boolean {
  return text.includes(OPEN) || text.includes('${');
}

export interface SubstitutionProblem {
  /** The reference as written (protected form), to locate it in the source. */
  needle: string;
  message: string;
}

export interface Substitution {
  value: string;
  problems: SubstitutionProblem[];
}

/**
 * Substitutes the references of one (protected) scalar value. `$${X}` is the escape for a
 * literal `${X}`. Follows the shell: `:-` also applies when the variable is set but empty.
 */
export function substitute(text: string, env: Readonly<Record<string, string | undefined>>): Substitution {
  const problems: SubstitutionProblem[] = [];
  // A `${` left unprotected had no closing brace on its line.
  const open = text.indexOf('${');
  if (open !== -1 && text[open - 1] !== '$') {
    problems.push({ needle: '${', message: 'unterminated "${" (close it with "}", or write "$${" for a literal "${")' });
  }
  const value = text.replace(PROTECTED_REF, (whole: string, escape: string, inner: string) => {
    if (escape === '$') return '${' + inner + '}';
    const m = INNER.exec(inner);
    if (!m) {
      problems.push({ needle: whole, message: `invalid reference "\${${inner}}" (expected \${NAME} or \${NAME:-default})` });
      return '';
    }
    const name = m[1] ?? '';
    const fallback = m[2];
    const set = env[name];
    if (fallback !== undefined) return set === undefined || set === '' ? fallback : set;
    if (set === undefined) {
      problems.push({
        needle: `$${OPEN}${name}${CLOSE}`,
        message: `environment variable ${name} is not set (use \${${name}:-default} to make it optional)`,
      });
      return '';
    }
    return set;
  });
  return { value, problems };
}
