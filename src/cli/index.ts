import { isConfigError, loadConfig, describeConfig } from '../config/index.js';
import { parseArgs } from './args.js';
import { start } from './start.js';

const HELP = `detour: a failover gateway for multi-cloud services

usage:
  detour start [--config detour.yaml] [--demo]   run the gateway (--demo: built-in example with two simulated clouds)
  detour check --config detour.yaml               validate, print the normalized plan, exit 1 on error
  detour help

The config reference is in README.md.`;

const KNOWN = new Set(['config', 'demo', 'help', 'json']);
const BOOLEAN = new Set(['demo', 'help', 'json']);

/** Entry point of the `detour` command; returns the exit code. */
export async function main(argv: readonly string[], out: (s: string) => void = (s) => console.log(s)): Promise<number> {
  let args;
  try {
    args = parseArgs(argv, KNOWN, BOOLEAN);
  } catch (err) {
    out((err as Error).message);
    return 2;
  }
  const config = args.flags.get('config');
  const configPath = typeof config === 'string' ? config : undefined;
  switch (args.command) {
    case 'start':
      return start(configPath, args.flags.get('demo') === true, out);
    case 'check':
      return check(configPath ?? 'detour.yaml', out);
    case undefined:
    case 'help':
      out(HELP);
      return args.command === undefined && !args.flags.has('help') ? 2 : 0;
    default:
      out(`unknown command "${args.command}"\n\n${HELP}`);
      return 2;
  }
}

async function check(path: string, out: (s: string) => void): Promise<number> {
  try {
    const cfg = await loadConfig(path);
    out(JSON.stringify(describeConfig(cfg), null, 2));
    out(`${path}: OK (${cfg.services.length} service(s), ${cfg.services.reduce((n, s) => n + s.pools.length, 0)} pool(s))`);
    return 0;
  } catch (err) {
    out(isConfigError(err) ? err.message : `cannot load ${path}: ${(err as Error).message}`);
    return 1;
  }
}
