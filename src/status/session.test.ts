import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LoginThrottle, Sessions } from './session.js';

const TOKEN = 'admin-token-with-entropy-123';

describe('dashboard sessions', () => {
  it('issues a cookie value that never contains the token and verifies it until it expires', () => {
    let now = 1_000_000;
    const s = new Sessions(TOKEN, () => now, 60_000);
    const { value, session } = s.issue();
    assert.ok(!value.includes(TOKEN));
    assert.match(value, /^v1\.[0-9a-z]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    assert.deepEqual(s.verify(value), session);
    now += 60_000;
    assert.equal(s.verify(value), undefined, 'expired');
  });

  it('refuses tampered values, values signed with another token, and revoked sessions', () => {
    const s = new Sessions(TOKEN, () => 0);
    const { value, session } = s.issue();
    const [v, exp, nonce, mac] = value.split('.');
    assert.equal(s.verify(`${v}.${(parseInt(exp!, 36) + 1000).toString(36)}.${nonce}.${mac}`), undefined, 'longer expiry');
    assert.equal(s.verify(`${v}.${exp}.${nonce}x.${mac}`), undefined, 'other nonce');
    assert.equal(s.verify(value + 'A'), undefined);
    assert.equal(s.verify('garbage'), undefined);
    assert.equal(new Sessions('another-token', () => 0).verify(value), undefined, 'rotating the token ends every session');
    s.revoke(session);
    assert.equal(s.verify(value), undefined);
  });

  it('binds the CSRF token to the session', () => {
    const s = new Sessions(TOKEN, () => 0);
    const a = s.issue().session;
    const b = s.issue().session;
    assert.equal(s.csrfMatches(a, s.csrf(a)), true);
    assert.equal(s.csrfMatches(a, s.csrf(b)), false);
    assert.equal(s.csrfMatches(a, null), false);
    assert.equal(s.csrfMatches(a, ''), false);
  });

  it('compares the login token exactly, and has nothing to compare without one', () => {
    const s = new Sessions(TOKEN, () => 0);
    assert.equal(s.tokenMatches(TOKEN), true);
    assert.equal(s.tokenMatches(TOKEN + ' '), false);
    assert.equal(s.tokenMatches(''), false);
    const off = new Sessions(undefined, () => 0);
    assert.equal(off.enabled, false);
    assert.equal(off.tokenMatches(''), false);
    assert.equal(off.verify(s.issue().value), undefined);
  });

  it('throttles an address after 10 failed logins for the window, and forgets it on success', () => {
    let now = 0;
    const t = new LoginThrottle(() => now);
    for (let i = 0; i < 9; i++) t.failed('10.0.0.1');
    assert.equal(t.blocked('10.0.0.1'), false);
    t.failed('10.0.0.1');
    assert.equal(t.blocked('10.0.0.1'), true);
    assert.equal(t.blocked('10.0.0.2'), false);
    now += 5 * 60_000;
    assert.equal(t.blocked('10.0.0.1'), false);
    t.failed('10.0.0.3');
    t.succeeded('10.0.0.3');
    assert.equal(t.blocked('10.0.0.3'), false);
  });
});
