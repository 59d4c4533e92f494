import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DetourError, ERROR_CODES, detourError, isDetourError, type ErrorCode } from './index.js';

interface DocRow {
  code: string;
  status: number;
  retryable: boolean;
  source: string;
  meaning: string;
}

/** Rows of the codes table in docs/errors.md: | `CODE` | status | yes/no | source | meaning | */
function documentedCodes(): DocRow[] {
  const text = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const rows: DocRow[] = [];
  for (const line of text.split('\n')) {
    const m = /^\|\s*`(DETOUR_[A-Z0-9_]+)`\s*\|(.*)\|\s*$/.exec(line);
    if (!m) continue;
    const cells = m[2]!.split('|').map((c) => c.trim());
    assert.equal(cells.length, 4, `docs/errors.md row for ${m[1]} should have 5 cells: ${line}`);
    const [status, retryable, source, meaning] = cells as [string, string, string, string];
    assert.match(retryable, /^(yes|no)$/, `retryable of ${m[1]} must be yes or no`);
    rows.push({ code: m[1]!, status: Number(status), retryable: retryable === 'yes', source, meaning });
  }
  return rows;
}

const exported = Object.keys(ERROR_CODES) as ErrorCode[];

describe('docs/errors.md', () => {
  const rows = documentedCodes();
  const documented = new Set(rows.map((r) => r.code));

  it('documents every exported error code', () => {
    const missing = exported.filter((c) => !documented.has(c));
    assert.deepEqual(missing, [], `add these codes to docs/errors.md: ${missing.join(', ')}`);
  });

  it('documents no code that is not exported', () => {
    const extra = [...documented].filter((c) => !(c in ERROR_CODES));
    assert.deepEqual(extra, [], `these codes in docs/errors.md are not in ERROR_CODES: ${extra.join(', ')}`);
  });

  it('documents each code once', () => {
    assert.equal(rows.length, documented.size, 'a code is listed twice');
  });

  it('gives each code the status, retryability and source of the code table, and a meaning', () => {
    for (const row of rows) {
      const spec = ERROR_CODES[row.code as ErrorCode];
      if (!spec) continue; // reported by the test above
      assert.deepEqual(
        { status: row.status, retryable: row.retryable, source: row.source },
        { status: spec.status, retryable: spec.retryable, source: spec.source },
        `docs/errors.md row for ${row.code}`,
      );
      assert.ok(row.meaning.length > 0, `meaning of ${row.code} is empty`);
    }
  });

  it('describes the x-detour-error header and the JSON error body', () => {
    const text = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    assert.ok(text.includes('x-detour-error'));
    for (const field of ['"code"', '"message"', '"requestId"', '"attempts"']) assert.ok(text.includes(field), field);
  });
});

describe('ERROR_CODES', () => {
  it('names every code DETOUR_ in upper snake case with a plausible HTTP status', () => {
    for (const [code, spec] of Object.entries(ERROR_CODES)) {
      assert.match(code, /^DETOUR_[A-Z0-9]+(_[A-Z0-9]+)*$/);
      assert.ok(spec.status >= 400 && spec.status <= 599, `${code}: ${spec.status}`);
      assert.ok(spec.summary.length > 0);
    }
  });

  it('marks only upstream failures as retryable', () => {
    for (const [code, spec] of Object.entries(ERROR_CODES)) if (spec.retryable) assert.equal(spec.source, 'upstream', code);
  });
});

describe('DetourError', () => {
  it('takes status, source, retryability and a default message from the code table', () => {
    const e = new DetourError('DETOUR_UPSTREAM_TIMEOUT');
    assert.equal(e.code, 'DETOUR_UPSTREAM_TIMEOUT');
    assert.equal(e.status, 504);
    assert.equal(e.source, 'upstream');
    assert.equal(e.retryable, true);
    assert.equal(e.message, ERROR_CODES.DETOUR_UPSTREAM_TIMEOUT.summary);
    assert.equal(e.name, 'DetourError');
    assert.ok(e instanceof Error);
  });

  it('keeps a custom message and cause, and lets a call override retryability', () => {
    const cause = new Error('ECONNREFUSED');
    const e = new DetourError('DETOUR_UPSTREAM_CONNECT', 'connect to 10.0.0.1:80 refused', { cause, retryable: false });
    assert.equal(e.message, 'connect to 10.0.0.1:80 refused');
    assert.equal(e.cause, cause);
    assert.equal(e.retryable, false);
  });

  it('has no cause property when none is given', () => {
    assert.equal('cause' in new DetourError('DETOUR_INTERNAL'), false);
    assert.equal('cause' in detourError('DETOUR_INTERNAL', 'x'), false);
  });

  it('detourError builds the same error for use in expression position', () => {
    const cause = new Error('inner');
    const e = detourError('DETOUR_NO_ROUTE', 'no route', cause);
    assert.ok(e instanceof DetourError);
    assert.equal(e.code, 'DETOUR_NO_ROUTE');
    assert.equal(e.status, 404);
    assert.equal(e.cause, cause);
  });
});

describe('isDetourError', () => {
  it('is true for a DetourError', () => {
    assert.equal(isDetourError(new DetourError('DETOUR_INTERNAL')), true);
    assert.equal(isDetourError(detourError('DETOUR_NO_ROUTE')), true);
  });

  it('is true for a spread copy of a DetourError, whose brand is an own enumerable field', () => {
    assert.equal(isDetourError({ ...new DetourError('DETOUR_INTERNAL') }), true);
  });

  it('is false for plain errors, look-alike objects and non-objects', () => {
    assert.equal(isDetourError(new Error('x')), false);
    assert.equal(isDetourError({ name: 'DetourError', code: 'DETOUR_INTERNAL', status: 500, retryable: false }), false);
    for (const v of [null, undefined, 'DETOUR_INTERNAL', 42]) assert.equal(isDetourError(v), false, String(v));
  });

  it('recognises the brand from another copy of the library (Symbol.for), not by instanceof', () => {
    const foreign = Object.assign(new Error('from another bundle'), { [Symbol.for('detour.error')]: true, code: 'DETOUR_INTERNAL' });
    assert.equal(isDetourError(foreign), true);
    assert.equal(isDetourError({ [Symbol('detour.error')]: true }), false);
  });
});
