/**
 * The errors this library throws: DetourError's contract (src/errors) without its table of every
 * code's summary, which alone is ~1.1 kB of the 5 kB min+gzip budget. Same name, same stable codes
 * (typed from ERROR_CODES), same status/retryable/source (error.test.ts compares them with the
 * table), and the same brand, so `isDetourError()` of the gateway's module recognises them.
 */
import type { ErrorCode, ErrorSource } from '../errors/index.js';

const BRAND = Symbol.for('detour.error');

/** The codes the client throws: [status, retryable, source] as in src/errors/codes.ts. */
export const CLIENT_CODES = {
  DETOUR_UPSTREAM_CONNECT: [502, true, 'upstream'],
  DETOUR_UPSTREAM_RESET: [502, true, 'upstream'],
  DETOUR_UPSTREAM_TIMEOUT: [504, true, 'upstream'],
  DETOUR_TOTAL_TIMEOUT: [504, false, 'gateway'],
  DETOUR_RETRY_BUDGET_EXHAUSTED: [503, false, 'gateway'],
  DETOUR_CONFIG_INVALID: [500, false, 'config'],
} as const satisfies { [K in ErrorCode]?: readonly [number, boolean, ErrorSource] };

export type ClientErrorCode = keyof typeof CLIENT_CODES;

export class DetourError extends Error {
  // `declare`: assigned in the constructor, no field initialisers to emit (they cost bytes in the bundle).
  declare readonly code: ClientErrorCode;
  declare readonly status: number;
  declare readonly retryable: boolean;
  declare readonly source: ErrorSource;

  constructor(code: ClientErrorCode, message: string) {
    super(message);
    this.name = 'DetourError';
    this.code = code;
    [this.status, this.retryable, this.source] = CLIENT_CODES[code];
    (this as unknown as Record<symbol, boolean>)[BRAND] = true;
  }
}

export const isDetourError = (e: unknown): e is DetourError => (e as Record<symbol, unknown> | null | undefined)?.[BRAND] === true;
