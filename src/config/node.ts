import { isAlias, isMap, isScalar, isSeq, type Node } from 'yaml';
import { parseDuration } from '../common/duration.js';
import { restoreReferences, substitute } from './env.js';
import { report, type Ctx } from './ctx.js';
import { didYouMean } from './suggest.js';
import { parseSize } from './values.js';

type Primitive = string | number | boolean | null;

/**
 * A cursor on one YAML node and its field path. Every reader returns the value or
 * undefined: undefined when the field is absent (caller applies the default) or invalid
 * (an issue was recorded and `failed` is set, so cross-field checks can skip it).
 */
export class At {
  failed = false;
  readonly node: Node | undefined;

  constructor(
    readonly ctx: Ctx,
    node: Node | null | undefined,
    readonly path: string,
    private readonly fallbackOffset: number,
  ) {
    this.node = isAlias(node) ? node.resolve(ctx.doc) : (node ?? undefined);
  }

  /** Present and not an explicit `null` / empty value: `key:` alone means "use the default". */
  get present(): boolean {
    return this.node !== undefined && !(isScalar(this.node) && this.node.value === null);
  }

  /** A literal true/false, for the `active: true` / `passive: false` shorthands. */
  get isBoolean(): boolean {
    return isScalar(this.node) && typeof this.node.value === 'boolean';
  }

  get isMapping(): boolean {
    return isMap(this.node);
  }

  get offset(): number {
    return this.node?.range?.[0] ?? this.fallbackOffset;
  }

  error(message: string): undefined {
    this.failed = true;
    report(this.ctx, this.offset, this.path, message);
    return undefined;
  }

  child(key: string | number, node: Node | null | undefined, offset = this.offset): At {
    const path = typeof key === 'number' ? `${this.path}[${key}]` : this.path === '' ? key : `${this.path}.${key}`;
    return new At(this.ctx, node, path, offset);
  }

  /** A field of a mapping without validating the mapping (for positions of cross-item errors). */
  peek(key: string): At | undefined {
    if (!isMap(this.node)) return undefined;
    const pair = this.node.items.find((p) => isScalar(p.key) && p.key.value === key);
    return pair === undefined ? undefined : this.child(key, (pair.value ?? null) as Node | null);
  }

  /**
   * The scalar's value after `${VAR}` substitution. Substitution problems are reported here
   * and yield undefined with `failed` set, so readers add no second, noisier message.
   */
  private scalar(): Primitive | undefined {
    if (!isScalar(this.node)) return undefined;
    const raw: unknown = this.node.value;
    if (typeof raw !== 'string') return typeof raw === 'number' || typeof raw === 'boolean' || raw === null ? raw : undefined;
    const cached = this.ctx.substituted.get(this.node);
    if (cached !== undefined) {
      // Reached again through an alias: its problems were reported the first time.
      if (cached.failed) this.failed = true;
      return cached.failed ? undefined : cached.value;
    }
    const { value, problems } = substitute(raw, this.ctx.env);
    if (value === raw && problems.length === 0) return raw;
    this.ctx.substituted.set(this.node, { value, failed: problems.length > 0 });
    // Point each problem at its own reference inside the scalar when the source shows it verbatim.
    const [start, end] = this.node.range ?? [this.offset, this.offset];
    const source = this.ctx.text.slice(start, end);
    let from = 0;
    for (const p of problems) {
      const i = source.indexOf(p.needle, from);
      if (i !== -1) from = i + p.needle.length;
      this.failed = true;
      report(this.ctx, i === -1 ? start : start + i, this.path, p.message);
    }
    return problems.length > 0 ? undefined : value;
  }

  private get fromEnv(): boolean {
    return isScalar(this.node) && this.ctx.substituted.has(this.node);
  }

  /** How to show the value in a message: quoted, or only its `${...}` source if it came from the environment. */
  shown(): string {
    const n = this.node;
    if (isMap(n)) return 'a mapping';
    if (isSeq(n)) return 'a list';
    if (!isScalar(n)) return 'nothing';
    if (this.fromEnv) return `${JSON.stringify(restoreReferences(String(n.value)))} [value hidden]`;
    return typeof n.value === 'string' ? JSON.stringify(n.value) : String(n.value);
  }

  /** A mapping with only `keys` allowed; unknown keys are reported with a suggestion. */
  object(keys: readonly string[]): Fields | undefined {
    if (!this.present) return undefined;
    if (!isMap(this.node)) return this.error(`expected a mapping, got ${this.shown()}`);
    const fields = new Map<string, Node | null>();
    for (const pair of this.node.items) {
      const k: unknown = pair.key;
      const keyNode = isScalar(k) ? k : undefined;
      const name = keyNode === undefined ? undefined : String(keyNode.value);
      const keyAt = this.child(name === undefined ? '?' : restoreReferences(name), null, keyNode?.range?.[0] ?? this.offset);
      if (name === undefined) keyAt.error('keys must be plain strings');
      else if (!keys.includes(name)) keyAt.error(`unknown key "${restoreReferences(name)}"${didYouMean(name, keys)}`);
      else fields.set(name, (pair.value ?? null) as Node | null);
    }
    return new Fields(this, fields);
  }

  list(): At[] | undefined {
    if (!this.present) return undefined;
    if (!isSeq(this.node)) return this.error(`expected a list, got ${this.shown()}`);
    return this.node.items.map((item, i) => this.child(i, item as Node | null));
  }

  /** A list, or a single item standing for a one-item list (`hosts: a.com`). */
  listOrOne(): At[] | undefined {
    if (!this.present) return undefined;
    return isSeq(this.node) ? this.list() : [this];
  }

  str(opts: { allowEmpty?: boolean } = {}): string | undefined {
    if (!this.present) return undefined;
    const v = this.scalar();
    if (this.failed) return undefined;
    if (typeof v !== 'string') return this.error(`expected a string, got ${this.shown()}`);
    if (v === '' && opts.allowEmpty !== true) return this.error('must not be empty');
    return v;
  }

  /** Like str() but numbers and booleans are taken as their text (`equals: [500]`). */
  text(opts: { allowEmpty?: boolean } = {}): string | undefined {
    if (!this.present) return undefined;
    const v = this.scalar();
    if (this.failed) return undefined;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return this.str(opts);
  }

  num(): number | undefined {
    if (!this.present) return undefined;
    const v = this.scalar();
    if (this.failed) return undefined;
    // A value from the environment is always text; accept it when it reads as a number.
    const n = typeof v === 'string' && this.fromEnv && /^[-+]?(\d+\.?\d*|\.\d+)$/.test(v.trim()) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) return this.error(`expected a number, got ${this.shown()}`);
    return n;
  }

  int(min: number, max: number): number | undefined {
    const n = this.num();
    if (n === undefined) return undefined;
    if (!Number.isInteger(n) || n < min || n > max) return this.error(`must be an integer from ${min} to ${max} (got ${this.shown()})`);
    return n;
  }

  /** A number within [min, max], or (min, max] when `minExclusive`. */
  range(min: number, max: number, opts: { minExclusive?: boolean; maxExclusive?: boolean } = {}): number | undefined {
    const n = this.num();
    if (n === undefined) return undefined;
    const lowOk = opts.minExclusive === true ? n > min : n >= min;
    const highOk = opts.maxExclusive === true ? n < max : n <= max;
    if (!lowOk || !highOk) {
      const l = opts.minExclusive === true ? '(' : '[';
      const h = opts.maxExclusive === true ? ')' : ']';
      return this.error(`must be in ${l}${min}, ${max}${h} (got ${this.shown()})`);
    }
    return n;
  }

  bool(): boolean | undefined {
    if (!this.present) return undefined;
    const v = this.scalar();
    if (this.failed) return undefined;
    if (typeof v === 'boolean') return v;
    if (this.fromEnv && (v === 'true' || v === 'false')) return v === 'true';
    return this.error(`expected true or false, got ${this.shown()}`);
  }

  oneOf<T extends string>(values: readonly T[]): T | undefined {
    const v = this.str();
    if (v === undefined) return undefined;
    if ((values as readonly string[]).includes(v)) return v as T;
    return this.error(`must be one of ${values.join(', ')} (got ${this.shown()})${didYouMean(v, values)}`);
  }

  /**
   * A duration in milliseconds: "250ms", "2s", "1.5m". A bare number is refused (except 0)
   * because `interval: 2` is ambiguous — two seconds or two milliseconds?
   */
  duration(opts: { positive?: boolean } = {}): number | undefined {
    if (!this.present) return undefined;
    const v = this.scalar();
    if (this.failed) return undefined;
    let ms: number | undefined;
    if (typeof v === 'number') {
      if (v !== 0) return this.error(`duration ${this.shown()} needs a unit, e.g. "${v}s" or "${v}ms"`);
      ms = 0;
    } else if (typeof v === 'string') {
      ms = parseDuration(v);
    }
    if (ms === undefined) return this.error(`invalid duration ${this.shown()} (expected e.g. "500ms", "2s", "1m", "1h")`);
    if (opts.positive === true && ms <= 0) return this.error('duration must be greater than 0');
    return ms;
  }

  /** A byte size: an integer or "64KiB", "1MiB", "512B", "8KB". */
  size(min: number, max: number): number | undefined {
    if (!this.present) return undefined;
    const v = this.scalar();
    if (this.failed) return undefined;
    const n = typeof v === 'number' ? v : typeof v === 'string' ? parseSize(v) : undefined;
    if (n === undefined || !Number.isInteger(n)) return this.error(`invalid size ${this.shown()} (expected bytes or e.g. "64KiB", "1MiB")`);
    if (n < min || n > max) return this.error(`size must be from ${min} to ${max} bytes (got ${this.shown()})`);
    return n;
  }
}

/** The allowed fields of a mapping. */
export class Fields {
  private readonly cache = new Map<string, At>();

  constructor(
    readonly at: At,
    private readonly fields: ReadonlyMap<string, Node | null>,
  ) {}

  has(key: string): boolean {
    return this.get(key).present;
  }

  /** The field's cursor (the same one on every call, so `failed` sticks); absent fields point at the mapping. */
  get(key: string): At {
    let at = this.cache.get(key);
    if (at === undefined) {
      at = this.at.child(key, this.fields.get(key));
      this.cache.set(key, at);
    }
    return at;
  }
}
