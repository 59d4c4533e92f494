import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { areaOf, summariseProfile, type CpuProfile } from './profile.js';

const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber });

/** root → handleRequest (dist/proxy) and (idle) and (garbage collector). */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 3, 4] },
    { id: 2, callFrame: frame('handleRequest', 'file:///repo/dist/proxy/pipeline.js', 5) },
    { id: 3, callFrame: frame('(idle)', '') },
    { id: 4, callFrame: frame('(garbage collector)', '') },
  ],
  // timeDeltas[i + 1] is the time of samples[i]: handleRequest 300, idle 500, GC 100, handleRequest 100.
  samples: [2, 3, 4, 2, 2],
  timeDeltas: [0, 300, 500, 100, 100, 0],
};

describe('CPU profile summary', () => {
  it('ranks functions by self time as a share of non-idle time, with file and line', () => {
    const s = summariseProfile(profile);
    assert.equal(s.totalMs, 1);
    assert.equal(s.idlePct, 50);
    assert.deepEqual(s.top.map((r) => [r.name, r.where, r.pct]), [
      ['handleRequest', 'dist/proxy/pipeline.js:6', 80],
      ['(garbage collector)', '', 20],
    ]);
    assert.deepEqual(s.areas.map((r) => r.name), ['detour proxy/', '(garbage collector)']);
  });

  it('leaves out the samples before the warm-up ended', () => {
    // Samples are at t = 0, 300, 800, 900 and 1000 µs: skipping 850 µs keeps the last two.
    const s = summariseProfile(profile, 15, 850);
    assert.deepEqual(s.top.map((r) => [r.name, r.selfMs]), [['handleRequest', 0.1]]);
    assert.equal(s.idlePct, 0);
  });

  it('sorts frames into areas a reader recognises', () => {
    assert.equal(areaOf('onHeaders', 'file:///w/node_modules/undici/lib/dispatcher/client-h1.js'), 'undici');
    assert.equal(areaOf('write', 'node:_http_outgoing'), 'node http');
    assert.equal(areaOf('emit', 'node:events'), 'node events');
    assert.equal(areaOf('wrapSafe', 'node:internal/modules/cjs/loader'), 'node module loading (startup)');
    assert.equal(areaOf('writev', ''), '(native)');
    assert.equal(areaOf('route', 'file:///w/src/proxy/router.ts'), 'detour proxy/');
  });
});
