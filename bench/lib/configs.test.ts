import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseConfig } from '../../src/config/index.js';
import * as C from './configs.js';

const work = mkdtempSync(join(tmpdir(), 'bench-configs-'));
after(() => rmSync(work, { recursive: true, force: true }));
const dirs = { work, docroot: work };

/** The bench installs these itself; a test run without them must say so, not hang or pass. */
function need(bin: string): void {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`]);
  assert.equal(r.status, 0, `${bin} is not installed (apt-get install -y wrk nginx haproxy)`);
}

function check(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} rejected the config:\n${r.stdout}${r.stderr}`);
}

describe('the configurations under test', () => {
  it('are accepted by the installed nginx (upstream and proxy)', () => {
    need('nginx');
    const up = join(work, 'up.conf');
    writeFileSync(up, C.nginxUpstreamConf(dirs, 'up', [18081, 18082]));
    check('nginx', ['-t', '-q', '-e', join(work, 'early.log'), '-c', up]);
    const px = join(work, 'px.conf');
    writeFileSync(px, C.nginxProxyConf(dirs, 'px', 18083, 18081));
    check('nginx', ['-t', '-q', '-e', join(work, 'early.log'), '-c', px]);
  });

  it('are accepted by the installed HAProxy', () => {
    need('haproxy');
    const f = join(work, 'h.cfg');
    writeFileSync(f, C.haproxyConf(18084, 18081));
    check('haproxy', ['-c', '-q', '-f', f]);
  });

  it('load in Detour: the minimal one without the machinery, the full one with all of it', () => {
    const min = parseConfig(C.detourMinimalYaml(18085, 18081), 'min.yaml', {});
    const s = min.services[0]!;
    assert.equal(s.health.active, undefined);
    assert.equal(s.health.passive.enabled, false);
    assert.deepEqual(s.classify.providers, []);
    const full = parseConfig(C.detourFullYaml(18086, 18087, 18081, 18082, join(work, 'state.json')), 'full.yaml', {});
    const f = full.services[0]!;
    assert.deepEqual([...f.classify.providers].sort(), ['aliyun', 'aws', 'huawei', 'tencent']);
    assert.notEqual(f.health.active, undefined);
    assert.equal(f.health.passive.enabled, true);
    assert.equal(f.pools.length, 2);
    assert.notEqual(full.admin, undefined);
  });
});
