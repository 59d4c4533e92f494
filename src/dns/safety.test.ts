import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assessSafety } from './safety.js';
import type { DesiredRecord, Plan } from './planner.js';
import type { Change, RecordSet } from './provider.js';

const s = (name: string, values: string[], type: RecordSet['type'] = 'A', ttl = 60): RecordSet => ({ name, type, ttl, values });
const plan = (changes: Change[], existing: number): Plan => ({ changes, conflicts: [], notes: [], existing });
const limits = { maxChangeShare: 0.3, minExisting: 10 };

describe('assessSafety', () => {
  it('refuses more than maxChangeShare of the existing sets changed by config', () => {
    const changes: Change[] = Array.from({ length: 4 }, (_, i) => ({ op: 'update', before: s(`r${i}.x`, ['192.0.2.1']), after: s(`r${i}.x`, ['192.0.2.2']) }));
    const v = assessSafety(plan(changes, 10), [], limits);
    assert.equal(v.safe, false);
    assert.equal(v.counted, 4);
    assert.match(v.reasons[0]!, /4 of 10 .*40% > maxChangeShare 30%/);
    assert.equal(assessSafety(plan(changes.slice(0, 3), 10), [], limits).safe, true);
  });

  it('does not apply the share rule below minExisting sets (octoDNS: 10)', () => {
    const changes: Change[] = [{ op: 'delete', before: s('a.x', ['192.0.2.1']) }];
    assert.equal(assessSafety(plan(changes, 1), [], limits).safe, true);
    assert.equal(assessSafety(plan(changes, 1), [], { maxChangeShare: 0.3, minExisting: 0 }).safe, false);
  });

  it('never counts creates, markers or health-driven switches between configured values', () => {
    const desired: DesiredRecord[] = [{ set: s('api.x', ['198.51.100.7']), allowed: ['203.0.113.10', '198.51.100.7'], adopt: false }];
    const changes: Change[] = [
      { op: 'update', before: s('api.x', ['203.0.113.10']), after: s('api.x', ['198.51.100.7']) },
      { op: 'create', after: s('new.x', ['192.0.2.1']) },
      { op: 'delete', before: s('_detour-a.old.x', ['heritage=detour,detour/owner=me'], 'TXT') },
    ];
    const v = assessSafety(plan(changes, 1), desired, { maxChangeShare: 0, minExisting: 0 });
    assert.deepEqual(v, { safe: true, reasons: [], counted: 0 });
  });

  it('counts a switch that also changes the TTL, or to a value not in the config', () => {
    const desired: DesiredRecord[] = [{ set: s('api.x', ['198.51.100.7']), allowed: ['203.0.113.10', '198.51.100.7'], adopt: false }];
    const ttl: Change = { op: 'update', before: s('api.x', ['203.0.113.10'], 'A', 300), after: s('api.x', ['198.51.100.7']) };
    const foreign: Change = { op: 'update', before: s('api.x', ['10.9.9.9']), after: s('api.x', ['198.51.100.7']) };
    assert.equal(assessSafety(plan([ttl], 1), desired, { maxChangeShare: 0, minExisting: 0 }).counted, 1);
    assert.equal(assessSafety(plan([foreign], 1), desired, { maxChangeShare: 0, minExisting: 0 }).counted, 1);
  });

  it('refuses any NS change, whatever the share', () => {
    const v = assessSafety(plan([{ op: 'create', after: s('sub.x', ['ns1.other.net'], 'NS') }], 100), [], limits);
    assert.equal(v.safe, false);
    assert.match(v.reasons[0]!, /NS\/SOA changes need --force/);
  });
});
