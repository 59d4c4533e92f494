import { isConfigError, loadConfig, describeConfig } from '../config/index.js';
import { parseArgs } from './args.js';
import { start } from './start.js';
import { DNS_HELP, dnsCommand } from './dns.js';
import { REPORT_HELP, reportCommand } from './report.js';
import { INCIDENT_HELP, incidentCommand } from './incident.js';

const HELP = `detour: a failover gateway for multi-cloud services

usage:
  detour start [--config detour.yaml] [--demo] [--workers N]
                                                  run the gateway (--demo: built-in example with two simulated clouds;
                                                  --workers: N processes sharing the listen port)
  detour check --config detour.yaml               validate, print the normalized plan, exit 1 on error
${DNS_HELP}
${REPORT_HELP}
${INCIDENT_HELP}
  detour help

The config reference is in README.md.`;

const KNOWN = new Set(['config', 'demo', 'help', 'json', 'workers', 'force', 'month', 'format', 'out']);
const BOOLEAN = new Set(['demo', 'help', 'json', 'force']);

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
    case 'start': {
      const w = args.flags.get('workers');
      const workers = w === undefined ? 1 : Number(w);
      if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
        out(`--workers takes a whole number from 1 to 64, got "${String(w)}"`);
        return 2;
      }
      return start(configPath, args.flags.get('demo') === true, out, workers);
    }
    case 'check':
      return check(configPath ?? 'detour.yaml', out);
    case 'dns':
      return dnsCommand(args.positional[0], configPath ?? 'detour.yaml', { force: args.flags.get('force') === true, json: args.flags.get('json') === true }, out);
    case 'report':
      return reportCommand(args.flags, out);
    case 'incident':
      return incidentCommand(args.positional, args.flags, out);
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
