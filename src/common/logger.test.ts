import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, redact, silentLogger } from './index.js';

describe('redact', () => {
  it('replaces token, secret, password and authorization fields at any depth it walks', () => {
    const input = {
      service: 'api',
      token: 'top',
      nested: {
        Authorization: 'Bearer abc',
        inner: { clientSecret: 's', dbPassword: 'p', list: [{ accessToken: 't', keep: 1 }] },
      },
      credentials: { user: 'u' },
      accessKeyId: 'AKIA',
    };
    assert.deepEqual(redact(input), {
      service: 'api',
      token: '[redacted]',
      nested: {
        Authorization: '[redacted]',
        inner: { clientSecret: '[redacted]', dbPassword: '[redacted]', list: [{ accessToken: '[redacted]', keep: 1 }] },
      },
      credentials: '[redacted]',
      accessKeyId: '[redacted]',
    });
  });

  it('does not modify its input', () => {
    const input = { password: 'p', inner: { secret: 's' } };
    redact(input);
    assert.deepEqual(input, { password: 'p', inner: { secret: 's' } });
  });

  it('leaves empty or absent secret fields as they are, so logs show they were unset', () => {
    assert.deepEqual(redact({ token: '', password: undefined }), { token: '', password: undefined });
  });

  it('passes primitives and null through', () => {
    for (const v of [null, undefined, 1, 'token', true]) assert.equal(redact(v), v);
  });

  it('does not recurse forever on a cyclic object', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a['self'] = a;
    assert.doesNotThrow(() => redact(a));
  });

  it('redacts secrets nested deeper than its depth limit', () => {
    const deep = { a: { b: { c: { d: { e: { f: { g: { token: 'LEAK' } } } } } } } };
    assert.ok(!JSON.stringify(redact(deep)).includes('LEAK'));
  });
});

describe('createLogger', () => {
  it('writes one JSON object per line with time, level, message and redacted fields', () => {
    const out: string[] = [];
    const log = createLogger({ write: (l) => out.push(l), now: () => Date.UTC(2024, 0, 2, 3, 4, 5) });
    log.info('config reloaded', { source: 'detour.yaml', admin: { token: 'hunter2' } });
    assert.equal(out.length, 1);
    assert.deepEqual(JSON.parse(out[0]!), {
      time: '2024-01-02T03:04:05.000Z', level: 'info', msg: 'config reloaded', source: 'detour.yaml', admin: { token: '[redacted]' },
    });
    assert.ok(!out[0]!.includes('hunter2'));
  });

  it('drops messages below the configured level', () => {
    const out: string[] = [];
    const log = createLogger({ level: 'warn', write: (l) => out.push(l), now: () => 0 });
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    assert.deepEqual(out.map((l) => (JSON.parse(l) as { level: string }).level), ['warn', 'error']);
  });

  it('defaults to info', () => {
    const out: string[] = [];
    const log = createLogger({ write: (l) => out.push(l), now: () => 0 });
    log.debug('d');
    log.info('i');
    assert.equal(out.length, 1);
  });

  it('silentLogger accepts every call and writes nothing', () => {
    assert.doesNotThrow(() => {
      silentLogger.debug('x');
      silentLogger.info('x', { a: 1 });
      silentLogger.warn('x');
      silentLogger.error('x');
    });
  });
});
