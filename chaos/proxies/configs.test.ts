import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/config/index.js';
import type { Target } from '../clouds.js';
import { TIMING } from '../settings.js';
import { detourConfig } from './detour.js';
import { haproxyConfig } from './haproxy.js';
import { nginxConfig } from './nginx.js';

const primary: Target[] = [{ name: 'a1', host: '10.200.0.2', port: 8001 }, { name: 'a2', host: '10.200.0.2', port: 8002 }];
const backup: Target[] = [{ name: 'b1', host: '10.200.0.6', port: 8001 }];

describe('generated proxy configs', () => {
  it('give Detour a config its own loader accepts, with the suite timing', () => {
    const cfg = parseConfig(detourConfig(primary, backup, TIMING), 'chaos.yaml', {});
    const s = cfg.services[0]!;
    assert.deepEqual(s.pools.map((p) => p.endpoints.map((e) => e.url)), [['http://10.200.0.2:8001', 'http://10.200.0.2:8002'], ['http://10.200.0.6:8001']]);
    assert.equal(s.timeouts.perTry, TIMING.perTryMs);
    assert.equal(s.health.passive.baseEjection, TIMING.ejectMs);
    assert.equal(s.health.active?.interval, TIMING.checkIntervalMs);
  });

  it('mark the backup as backup in nginx and HAProxy and never let nginx retry a sent POST', () => {
    const n = nginxConfig('/tmp/x', 1234, primary, backup, TIMING);
    assert.match(n, /server 10\.200\.0\.6:8001 backup;/);
    assert.match(n, /proxy_next_upstream error timeout http_500 http_502 http_503 http_504;/);
    assert.doesNotMatch(n, /^\s*proxy_next_upstream [^\n#]*non_idempotent/m);
    assert.match(n, /fail_timeout=5s/);
    const h = haproxyConfig('/tmp/x', 1234, primary, backup, TIMING);
    assert.match(h, /server b1 10\.200\.0\.6:8001 check backup/);
    assert.match(h, /http-request disable-l7-retry if METH_POST/);
    assert.match(h, /observe layer7 error-limit 5 on-error mark-down/);
  });
});

describe('nginx observations', () => {
  it('date a failed attempt at its own end, from the request start plus the upstream times so far', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { NginxProxy } = await import('./nginx.js');
    const dir = mkdtempSync(join(tmpdir(), 'chaos-nginx-log-'));
    try {
      writeFileSync(join(dir, 'access.log'), [
        '1000.600 0.600 id-1 GET 200 "10.200.0.2:8001" "200" "0.002"',
        '1001.600 0.600 id-2 GET 200 "10.200.0.2:8001, 10.200.0.6:8001" "504, 200" "0.500, 0.003"',
        '1002.000 0.010 id-3 GET 200 "10.200.0.6:8001" "200" "0.010"',
      ].join('\n') + '\n');
      const nginx = new NginxProxy({ dir, primary, backup, timing: TIMING });
      const o = await nginx.observations();
      assert.equal(o.detections.length, 1);
      assert.equal(o.detections[0]!.endpoint, 'a1');
      assert.equal(Math.round(o.detections[0]!.at), 1_001_500);
      assert.equal(o.tierChanges, null);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
