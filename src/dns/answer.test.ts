import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DnsRecordConfig } from '../config/dns.js';
import { DEFAULTS } from '../config/index.js';
import { chooseAnswer } from './answer.js';
import type { ValueState } from './quorum.js';

const health = { url: 'http://{value}:8080/healthz', check: { ...DEFAULTS.active, status: [[200, 399]] as Array<[number, number]>, unhealthyInterval: 2000, expect: { status: [[200, 399]] as Array<[number, number]>, bodyContains: undefined, bodyNotContains: undefined }, host: undefined } };
const rec = (type: DnsRecordConfig['type'], pools: Array<[number, string[]]>, withHealth = true): DnsRecordConfig => ({
  name: 'api.example.com', type, ttl: undefined, adopt: false, health: withHealth ? health : undefined,
  pools: pools.map(([priority, values]) => ({ priority, values })),
});
const states = (m: Record<string, ValueState>) => (v: string): ValueState => m[v] ?? 'unknown';

describe('chooseAnswer', () => {
  const a = rec('A', [[0, ['203.0.113.10', '203.0.113.11']], [1, ['198.51.100.7']]]);

  it('answers with the usable values of the best pool', () => {
    assert.deepEqual(chooseAnswer(a, states({}), undefined).values, ['203.0.113.10', '203.0.113.11']);
    const one = chooseAnswer(a, states({ '203.0.113.10': 'down' }), undefined);
    assert.deepEqual(one.values, ['203.0.113.11']);
    assert.equal(one.priority, 0);
    assert.match(one.reason, /down 203\.0\.113\.10/);
  });

  it('moves to the next pool when every value of the best one is down', () => {
    const r = chooseAnswer(a, states({ '203.0.113.10': 'down', '203.0.113.11': 'down' }), undefined);
    assert.deepEqual(r.values, ['198.51.100.7']);
    assert.equal(r.priority, 1);
    assert.equal(r.degraded, false);
  });

  it('never publishes an empty answer: keeps the last one and marks it degraded', () => {
    const last = chooseAnswer(a, states({ '203.0.113.10': 'down', '203.0.113.11': 'down' }), undefined);
    const r = chooseAnswer(a, states({ '203.0.113.10': 'down', '203.0.113.11': 'down', '198.51.100.7': 'down' }), last);
    assert.deepEqual(r.values, ['198.51.100.7']);
    assert.equal(r.degraded, true);
    assert.equal(r.priority, null);
  });

  it('publishes the best pool as configured when everything is down from the very start', () => {
    const r = chooseAnswer(a, () => 'down', undefined);
    assert.deepEqual(r.values, ['203.0.113.10', '203.0.113.11']);
    assert.equal(r.degraded, true);
  });

  it('merges pools that share a priority', () => {
    const r = chooseAnswer(rec('A', [[0, ['192.0.2.1']], [0, ['192.0.2.2']], [1, ['192.0.2.3']]]), states({}), undefined);
    assert.deepEqual(r.values, ['192.0.2.1', '192.0.2.2']);
  });

  it('gives a CNAME exactly one target: the first usable in configured order', () => {
    const c = rec('CNAME', [[0, ['cdn-a.example.net', 'cdn-b.example.net']], [1, ['cdn-c.example.net']]]);
    assert.deepEqual(chooseAnswer(c, states({}), undefined).values, ['cdn-a.example.net']);
    assert.deepEqual(chooseAnswer(c, states({ 'cdn-a.example.net': 'down' }), undefined).values, ['cdn-b.example.net']);
    assert.deepEqual(chooseAnswer(c, () => 'down', undefined).values, ['cdn-a.example.net']);
  });

  it('publishes the first pool of a record without health checks as it is', () => {
    const r = chooseAnswer(rec('TXT', [[0, ['v=spf1 -all']]], false), () => 'down', undefined);
    assert.deepEqual(r.values, ['v=spf1 -all']);
    assert.equal(r.degraded, false);
  });
});
