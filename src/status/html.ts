/**
 * The one place HTML is produced. `html` is a tagged template whose interpolations are
 * escaped unless they are already `Html` (built by this same template), so every name,
 * reason and URL that reaches a page goes through `escapeHtml` exactly once. Templates
 * always quote attribute values, so escaping `"` and `'` is enough inside attributes too
 * (OWASP XSS Prevention Cheat Sheet, rules #1 and #2).
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function part(v: HtmlValue): string {
  if (v instanceof Html) return v.value;
  if (v === null || v === undefined || v === false || v === true) return '';
  if (Array.isArray(v)) return v.map(part).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += part(values[i]) + (strings[i + 1] ?? '');
  return new Html(out);
}

/** Trusted markup that is not from a template (only for constants such as inline SVG icons). */
export function raw(text: string): Html {
  return new Html(text);
}

/** A space-separated class list from conditional parts. */
export function cls(...names: Array<string | false | undefined>): string {
  return names.filter((n): n is string => typeof n === 'string' && n !== '').join(' ');
}
