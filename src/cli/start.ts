import { watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, type Logger } from '../common/index.js';
import { isConfigError, loadConfig, type DetourConfig } from '../config/index.js';
import { DemoCloud, startDemoControl } from '../demo/index.js';
import { Gateway } from '../gateway/index.js';
import { createFeatures } from './features.js';
import { runPrimary, sendToPrimary, workerIndex, type ClusterMessage } from './cluster.js';

export const DEMO_CONFIG = fileURLToPath(new URL('../../examples/demo.yaml', import.meta.url));

/**
 * `detour start`: runs the gateway until SIGTERM/SIGINT. SIGHUP or a change of the
 * config file reloads it; a bad new config is refused and the old one stays (logged).
 */
export async function start(configPath: string | undefined, demo: boolean, out: (s: string) => void, workers = 1): Promise<number> {
  const path = configPath ?? (demo ? DEMO_CONFIG : 'detour.yaml');
  let cfg: DetourConfig;
  try {
    cfg = await loadConfig(path);
  } catch (err) {
    out(isConfigError(err) ? err.message : `cannot load ${path}: ${(err as Error).message}`);
    return 1;
  }
  const log = createLogger({ level: cfg.log.level });
  const index = workerIndex();
  if (workers > 1 && index === undefined) {
    const clouds = demo ? await startDemo(log) : [];
    out(`detour: starting ${workers} workers`);
    return runPrimary(path, workers, log, async () => {
      for (const c of clouds) await c.stop();
    });
  }
  // Worker 0 (or the only process) runs the admin API and the features.
  const lead = index === undefined || index === 0;
  const clouds = demo && index === undefined ? await startDemo(log) : [];
  const gw = await Gateway.start(cfg, { logger: log, features: lead ? await createFeatures(cfg, log) : [], serveAdmin: lead });
  if (index !== undefined) {
    gw.bus.on('override.changed', () => sendToPrimary({ type: 'overrides' }));
    process.on('message', (m: ClusterMessage) => {
      if (m.type === 'reload') reload('primary asked');
      else if (m.type === 'overrides') void gw.reloadOverrides();
      else if (m.type === 'shutdown') process.kill(process.pid, 'SIGTERM');
    });
    sendToPrimary({ type: 'ready', index });
    if (!lead) out = () => {};
  }
  // Reload triggers are in place before the "serving" line: whoever reacts to that line (a test,
  // a deploy script) may send SIGHUP or save the file at once.
  let reloading = Promise.resolve();
  const reload = (why: string) => {
    reloading = reloading.then(async () => {
      try {
        const next = await loadConfig(path);
        await gw.reload(next);
        log.info('config reloaded', { source: path, why });
      } catch (err) {
        const msg = isConfigError(err) ? err.message : (err as Error).message;
        log.error('config reload refused; the previous config stays in force', { source: path, why, error: msg });
        gw.reloadFailed(path, msg);
      }
    });
  };
  process.on('SIGHUP', () => reload('SIGHUP'));
  let debounce: NodeJS.Timeout | undefined;
  // Watch the folder, not the file: editors save by writing a new file and renaming it
  // over the old one, after which a watch on the old inode would never fire again.
  const watcher = watch(dirname(resolve(path)), (_event, name) => {
    if (name !== null && name.toString() !== basename(path)) return;
    clearTimeout(debounce);
    debounce = setTimeout(() => reload('file changed'), 200);
  });

  const stopped = new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      log.info('shutting down: draining requests in flight', { signal: sig });
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });

  if (!youngGenerationSet()) log.info('node started without --max-semi-space-size: throughput is lower (bin/detour.js sets 32; see README, Running it)');
  const { proxy, admin } = gw.addresses();
  const proxyUrl = proxy.map((a) => `${a.tls ? 'https' : 'http'}://${fmt(a.address)}:${a.port}/`).join(' ');
  out(`detour: serving ${cfg.services.length} service(s) on ${proxyUrl}`);
  if (admin) {
    out(`detour: admin status at http://${fmt(admin.address)}:${admin.port}/api/status (Authorization: Bearer <admin token>)`);
    out(`detour: dashboard at http://${fmt(admin.address)}:${admin.port}/dashboard (sign in with the admin token)`);
  }
  if (demo) {
    out('detour: demo clouds: tencent (127.0.0.1:9001, :9002, priority 0) and aliyun (127.0.0.1:9101, priority 1)');
    out('detour: try   curl -s http://127.0.0.1:8080/hello');
    out('detour: break curl -s -XPOST http://127.0.0.1:9900/clouds/tencent/internal-error   (or down, slow, ok)');
    out('detour: watch curl -s -H "Authorization: Bearer demo-token" http://127.0.0.1:9901/api/status');
  }

  await stopped;
  watcher?.close();
  clearTimeout(debounce);
  await reloading;
  await gw.stop();
  for (const c of clouds) await c.stop();
  log.info('stopped', {});
  // A worker's IPC channel would keep it alive after everything else has closed.
  if (index !== undefined) process.disconnect?.();
  return 0;
}

async function startDemo(log: Logger): Promise<DemoCloud[]> {
  const clouds = [
    new DemoCloud({ name: 'tencent', region: 'ap-guangzhou', ports: [9001, 9002] }),
    new DemoCloud({ name: 'aliyun', region: 'cn-hangzhou', ports: [9101] }),
  ];
  for (const c of clouds) await c.start();
  const control = await startDemoControl(clouds, '127.0.0.1', 9900);
  control.unref();
  log.info('demo clouds started', { control: 'http://127.0.0.1:9900/clouds' });
  return clouds;
}

function fmt(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** Whether node was given a young-generation size (bin/detour.js's shebang or NODE_OPTIONS does). */
function youngGenerationSet(): boolean {
  const flag = (a: string) => a.startsWith('--max-semi-space-size');
  return process.execArgv.some(flag) || (process.env.NODE_OPTIONS ?? '').split(/\s+/).some(flag);
}
