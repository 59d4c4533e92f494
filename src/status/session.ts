import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface Session {
  nonce: string;
  expires: number;
}

const DAY = 86_400_000;

/**
 * Dashboard sessions for a browser, which cannot send the admin bearer token on a page
 * navigation. After a login form posts the token, the browser gets a cookie
 * `v1.<expiry>.<nonce>.<HMAC>` keyed by HMAC(admin token, label): it never contains the
 * token, needs no server-side table, survives restarts, and every session ends when the
 * token is rotated. The CSRF token is HMAC(key, nonce), so it is bound to the session
 * (OWASP CSRF Prevention Cheat Sheet, "signed double-submit cookie").
 */
export class Sessions {
  readonly #key: Buffer | undefined;
  readonly #tokenHash: Buffer | undefined;
  readonly #revoked = new Map<string, number>();

  constructor(token: string | undefined, readonly now: () => number, readonly ttl = DAY / 2) {
    this.#key = token ? createHmac('sha256', token).update('detour dashboard session v1').digest() : undefined;
    this.#tokenHash = token ? sha256(token) : undefined;
  }

  get enabled(): boolean {
    return this.#key !== undefined;
  }

  /** Constant-time whatever the lengths: both sides are hashed first. */
  tokenMatches(given: string): boolean {
    return this.#tokenHash !== undefined && given !== '' && timingSafeEqual(sha256(given), this.#tokenHash);
  }

  issue(): { value: string; session: Session } {
    const expires = this.now() + this.ttl;
    const nonce = randomBytes(18).toString('base64url');
    const body = `v1.${expires.toString(36)}.${nonce}`;
    return { value: `${body}.${this.#mac(`session|${body}`)}`, session: { nonce, expires } };
  }

  verify(value: string | undefined): Session | undefined {
    if (this.#key === undefined || value === undefined) return undefined;
    const parts = value.split('.');
    if (parts.length !== 4 || parts[0] !== 'v1') return undefined;
    const [, exp, nonce, mac] = parts as [string, string, string, string];
    if (!equal(mac, this.#mac(`session|v1.${exp}.${nonce}`))) return undefined;
    const expires = parseInt(exp, 36);
    if (!Number.isFinite(expires) || expires <= this.now() || this.#revoked.has(nonce)) return undefined;
    return { nonce, expires };
  }

  csrf(s: Session): string {
    return this.#mac(`csrf|${s.nonce}`);
  }

  csrfMatches(s: Session, given: string | null): boolean {
    return given !== null && equal(given, this.csrf(s));
  }

  /** Logout: the cookie is cleared, and this session is refused until it would have expired anyway. */
  revoke(s: Session): void {
    const now = this.now();
    for (const [n, exp] of this.#revoked) if (exp <= now) this.#revoked.delete(n);
    this.#revoked.set(s.nonce, s.expires);
  }

  #mac(text: string): string {
    return createHmac('sha256', this.#key!).update(text).digest('base64url');
  }
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function equal(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

/**
 * Failed logins per client address: at most `max` in `window`, then 429 until the window
 * passes. The admin token is the only secret guarding drains, so guessing must be slow.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, { count: number; since: number }>();

  constructor(readonly now: () => number, readonly max = 10, readonly window = 5 * 60_000) {}

  blocked(client: string): boolean {
    const f = this.#failures.get(client);
    if (f && this.now() - f.since >= this.window) this.#failures.delete(client);
    return (this.#failures.get(client)?.count ?? 0) >= this.max;
  }

  failed(client: string): void {
    if (this.#failures.size > 10_000) this.#failures.clear(); // bounded memory under a spray of addresses
    const f = this.#failures.get(client);
    if (f) f.count++;
    else this.#failures.set(client, { count: 1, since: this.now() });
  }

  succeeded(client: string): void {
    this.#failures.delete(client);
  }
}
