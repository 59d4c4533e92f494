/** Tiny argv parser: `command --flag value --bool`. Unknown flags are errors, not ignored. */
export interface Parsed {
  command: string | undefined;
  positional: string[];
  flags: Map<string, string | true>;
}

export function parseArgs(argv: readonly string[], known: ReadonlySet<string>, booleans: ReadonlySet<string>): Parsed {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (!known.has(name)) throw new Error(`unknown option --${name} (see "detour help")`);
    if (booleans.has(name)) flags.set(name, true);
    else {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`option --${name} needs a value`);
      flags.set(name, v);
    }
  }
  return { command: positional.shift(), positional, flags };
}
