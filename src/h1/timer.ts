/**
 * A re-armable timer that keeps one `Timeout` per purpose and calls `refresh()` on it,
 * instead of allocating a timer per chunk or per request (the connection's hot path arms
 * and disarms it constantly). Disarming only drops a flag: a stale expiry is ignored.
 */
export class RefreshTimer {
  #timeout: NodeJS.Timeout | undefined;
  #delay = 0;
  #armed = false;
  readonly #fire: () => void;

  constructor(fire: () => void) {
    this.#fire = fire;
  }

  /** Starts (or restarts) the countdown; a delay ≤ 0 means "no timeout". */
  arm(delay: number): void {
    if (delay <= 0) {
      this.#armed = false;
      return;
    }
    this.#armed = true;
    if (this.#timeout !== undefined && delay === this.#delay) {
      this.#timeout.refresh();
      return;
    }
    clearTimeout(this.#timeout);
    this.#delay = delay;
    this.#timeout = setTimeout(this.#onTimeout, delay).unref();
  }

  disarm(): void {
    this.#armed = false;
  }

  /** Frees the underlying timer (the owner is going away). */
  clear(): void {
    this.#armed = false;
    clearTimeout(this.#timeout);
    this.#timeout = undefined;
  }

  readonly #onTimeout = (): void => {
    if (!this.#armed) return;
    this.#armed = false;
    this.#fire();
  };
}
