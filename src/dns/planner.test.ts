import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { planChanges, type DesiredRecord } from './planner.js';
import type { RecordSet } from './provider.js';
import { markerName, markerValue } from './names.js';

const limits = { minTtl: 60, maxTtl: 86_400 };
const set = (name: string, type: RecordSet['type'], values: string[], ttl = 60): RecordSet => ({ name, type, ttl, values });
const want = (s: RecordSet, adopt = false, allowed = s.values): DesiredRecord => ({ set: s, allowed, adopt });
const mark = (name: string, type: RecordSet['type'], owner = 'me'): RecordSet => set(markerName(name, type), 'TXT', [markerValue(owner)]);
const ops = (changes: ReturnType<typeof planChanges>['changes']) => changes.map((c) => `${c.op} ${(c.op === 'create' ? c.after : c.before).name} ${(c.op === 'create' ? c.after : c.before).type}`);

describe('planChanges', () => {
  const api = set('api.example.com', 'A', ['192.0.2.1']);

  it('creates a new set after claiming it with an ownership marker', () => {
    const p = planChanges({ owner: 'me', limits, desired: [want(api)], current: [] });
    assert.deepEqual(ops(p.changes), ['create _detour-a.api.example.com TXT', 'create api.example.com A']);
    assert.deepEqual(p.changes[0], { op: 'create', after: mark('api.example.com', 'A') });
  });

  it('updates a set it owns and leaves one that already matches', () => {
    const current = [set('api.example.com', 'A', ['192.0.2.9']), mark('api.example.com', 'A')];
    const p = planChanges({ owner: 'me', limits, desired: [want(api)], current });
    assert.deepEqual(p.changes, [{ op: 'update', before: current[0], after: api }]);
    assert.deepEqual(planChanges({ owner: 'me', limits, desired: [want(api)], current: [api, mark('api.example.com', 'A')] }).changes, []);
  });

  it('leaves alone a set that exists without a marker, and reports it', () => {
    const p = planChanges({ owner: 'me', limits, desired: [want(api)], current: [set('api.example.com', 'A', ['10.0.0.1'])] });
    assert.deepEqual(p.changes, []);
    assert.equal(p.conflicts[0]?.reason, 'unowned');
    assert.match(p.conflicts[0]!.message, /adopt: true/);
  });

  it('adopts an unmarked set when the record says adopt: true', () => {
    const old = set('api.example.com', 'A', ['10.0.0.1']);
    const p = planChanges({ owner: 'me', limits, desired: [want(api, true)], current: [old] });
    assert.deepEqual(ops(p.changes), ['create _detour-a.api.example.com TXT', 'update api.example.com A']);
  });

  it('never touches a set owned by another owner, even with adopt', () => {
    const current = [set('api.example.com', 'A', ['10.0.0.1']), mark('api.example.com', 'A', 'other')];
    const p = planChanges({ owner: 'me', limits, desired: [want(api, true)], current });
    assert.deepEqual(p.changes, []);
    assert.equal(p.conflicts[0]?.reason, 'foreign-owner');
  });

  it('replaces its own A with a CNAME: delete the A and its marker, create the CNAME and its marker', () => {
    const cname = set('api.example.com', 'CNAME', ['lb.example.net']);
    const current = [api, mark('api.example.com', 'A')];
    const p = planChanges({ owner: 'me', limits, desired: [want(cname)], current });
    assert.deepEqual(ops(p.changes), [
      'create _detour-cname.api.example.com TXT', 'delete api.example.com A', 'create api.example.com CNAME', 'delete _detour-a.api.example.com TXT',
    ]);
  });

  it('refuses a CNAME next to data it does not own (RFC 1034 §3.6.2)', () => {
    const p = planChanges({ owner: 'me', limits, desired: [want(set('api.example.com', 'CNAME', ['lb.example.net']))], current: [set('api.example.com', 'TXT', ['v=spf1 -all'])] });
    assert.deepEqual(p.changes, []);
    assert.equal(p.conflicts[0]?.reason, 'cname-clash');
  });

  it('raises a TTL below the provider minimum and notes it', () => {
    const p = planChanges({ owner: 'me', limits: { minTtl: 600, maxTtl: 604_800 }, desired: [want(set('api.example.com', 'A', ['192.0.2.1'], 30))], current: [] });
    assert.deepEqual(p.changes.map((c) => (c.op === 'create' ? c.after.ttl : 0)), [600, 600]);
    assert.match(p.notes[0]!, /TTL 30 → 600/);
  });

  it('counts existing record sets without markers, as the base of the change share', () => {
    const p = planChanges({ owner: 'me', limits, desired: [want(api)], current: [api, mark('api.example.com', 'A'), set('www.example.com', 'A', ['192.0.2.5'])] });
    assert.equal(p.existing, 2);
  });
});
