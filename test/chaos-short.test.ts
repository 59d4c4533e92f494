/**
 * The short chaos subset inside `npm test`: Detour alone, real faults, real processes.
 * Kill, gray (Tencent InternalError in HTTP 200) and black hole, each under a steady
 * load of idempotent GETs; the build fails if a client sees a single error. Runs in
 * network namespaces when root (CI: required, no fallback); otherwise on loopback,
 * where the black hole cannot be made and is skipped with a loud note.
 * The full comparison with nginx and HAProxy is `npm run chaos` (chaos/README.md).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Clouds } from '../chaos/clouds.js';
import { analyze } from '../chaos/metrics.js';
import { runOne } from '../chaos/runner.js';
import { scenarios, SHORT, type ScenarioName } from '../chaos/scenarios.js';
import { TIMING } from '../chaos/settings.js';

const root = typeof process.getuid === 'function' && process.getuid() === 0;
const LOAD = { rate: 100, clientTimeoutMs: 10_000 };

describe('Detour under real faults (short chaos subset)', { timeout: 120_000 }, () => {
  let clouds: Clouds | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'detour-chaos-short-'));

  before(async () => {
    clouds = await Clouds.start(dir, { requireNetns: root });
    if (clouds.lab.mode === 'loopback') {
      process.stderr.write(`\n!!! chaos-short: NO NETWORK NAMESPACES (${clouds.lab.why}): running on 127.0.0.1, black hole skipped. CI must run this as root.\n\n`);
    }
  });

  after(async () => {
    await clouds?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const cases: Array<[ScenarioName, string]> = [
    ['kill', 'shows no client-visible error when both primary upstream processes are SIGKILLed'],
    ['gray-tencent', 'shows no client-visible error when the primary cloud answers InternalError inside HTTP 200'],
    ['blackhole', 'shows no client-visible error when the primary cloud is black-holed by iptables'],
  ];
  for (const [name, title] of cases) {
    it(title, async (t) => {
      assert.ok(clouds, 'clouds started');
      if (name === 'blackhole' && clouds.lab.mode !== 'netns') {
        t.skip('a black hole needs network namespaces (run as root)');
        return;
      }
      const scenario = scenarios(SHORT).find((s) => s.name === name)!;
      const rec = await runOne({ clouds, scenario, proxy: 'detour', method: 'GET', dir, timing: TIMING, load: LOAD });
      const r = analyze(rec, TIMING);
      const detail = JSON.stringify({ errorKinds: r.errorKinds, detectMs: r.detectMs, fullSwitchMs: r.fullSwitchMs, p99Ms: r.p99Ms, steps: r.steps });
      // The fault was real: Detour saw it, and the backup cloud answered afterwards.
      assert.ok(r.detectMs !== null, `Detour never reported a faulted endpoint out: ${detail}`);
      assert.ok(rec.samples.some((s) => s.start >= rec.faultAt && s.ok && s.servedBy === 'b1'), `the backup never answered after the fault: ${detail}`);
      if (name === 'gray-tencent') assert.ok((r.failingTotal ?? 0) > 0, 'the primary endpoints never sent an InternalError envelope');
      assert.equal(r.errors, 0, `client-visible errors of ${r.requests} requests: ${detail}`);
    });
  }
});
