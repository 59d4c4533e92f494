import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_CODES, isDetourError as gatewayIsDetourError } from '../errors/index.js';
import { CLIENT_CODES, DetourError, isDetourError } from './error.js';

describe('client errors', () => {
  it('carry the same status, retryable and source as the gateway\'s table for every code they use', () => {
    for (const [code, [status, retryable, source]] of Object.entries(CLIENT_CODES)) {
      const spec = ERROR_CODES[code as keyof typeof CLIENT_CODES];
      assert.deepEqual({ status, retryable, source }, { status: spec.status, retryable: spec.retryable, source: spec.source }, code);
    }
  });

  it('are recognised by the gateway\'s isDetourError and look like DetourError', () => {
    const e = new DetourError('DETOUR_TOTAL_TIMEOUT', 'late');
    assert.equal(gatewayIsDetourError(e), true);
    assert.equal(isDetourError(e), true);
    assert.equal(isDetourError(new Error('x')), false);
    assert.equal(e.name, 'DetourError');
    assert.equal(e.code, 'DETOUR_TOTAL_TIMEOUT');
    assert.equal(e.status, 504);
    assert.ok(e instanceof Error);
  });
});
