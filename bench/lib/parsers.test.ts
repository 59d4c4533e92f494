import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { rotation } from './measure.js';
import { parseStat, processTree, treeUsage } from './procfs.js';
import { busyPct, median, parseProcStat } from './stats.js';
import { errorCount, parseWrkOutput } from './wrk.js';

describe('wrk output', () => {
  it('reads the counters and percentiles from the WRK_JSON line among wrk\'s own text', () => {
    const out = [
      'Running 1s test @ http://127.0.0.1:1/',
      'Requests/sec:  12529.64',
      'WRK_JSON {"requests":12882,"duration_us":1028122,"bytes":1597368,"errors":{"connect":0,"read":1,"write":0,"status":2,"timeout":3},' +
        '"latency_us":{"mean":4869.71,"p50":478,"p90":10236,"p99":74259,"p999":125854,"max":135399}}',
    ].join('\n');
    const r = parseWrkOutput(out);
    assert.equal(r.requests, 12882);
    assert.equal(r.durationUs, 1028122);
    assert.equal(r.latencyUs.p99, 74259);
    assert.equal(errorCount(r), 6);
  });

  it('refuses output without the report line, naming the Lua script', () => {
    assert.throws(() => parseWrkOutput('Requests/sec: 1\n'), /WRK_JSON.*wrk-report\.lua/);
  });
});

describe('procfs', () => {
  it('parses utime and stime even when the command name has spaces and parentheses', () => {
    const line = '42 (my (odd) proc) S 7 42 42 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 1 0 100 1000 10';
    assert.deepEqual(parseStat(line), { ppid: 7, utime: 1234, stime: 567 });
  });

  it('counts the CPU and memory of a child\'s own children as part of its tree', async () => {
    // sh starts a grandchild; the tree of sh must include it.
    const child = spawn('sh', ['-c', 'sleep 30 & wait'], { stdio: 'ignore', detached: true });
    try {
      let pids: number[] = [];
      for (let i = 0; i < 100 && pids.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 20));
        pids = processTree(child.pid!);
      }
      assert.ok(pids.some((p) => p !== child.pid && readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'sleep'), `no sleep in ${pids.join(',')}`);
      const u = treeUsage(child.pid!);
      assert.deepEqual(u.pids.sort(), pids.sort());
      assert.ok(u.rssBytes > 0);
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
    }
  });
});

describe('stats', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
  });

  it('starts each round at a different target and keeps every target once', () => {
    assert.deepEqual(rotation(['a', 'b', 'c'], 0), ['a', 'b', 'c']);
    assert.deepEqual(rotation(['a', 'b', 'c'], 4), ['b', 'c', 'a']);
  });

  it('computes a core\'s busy share from two /proc/stat snapshots, iowait counting as idle', () => {
    const before = parseProcStat('cpu  10 0 10 80 0 0 0 0 0 0\ncpu1 5 0 5 40 0 0 0 0 0 0\n');
    const after = parseProcStat('cpu  10 0 10 80 0 0 0 0 0 0\ncpu1 35 0 5 50 10 0 0 0 0 0\n');
    assert.equal(busyPct(before, after, 'cpu1'), 60);
  });
});
