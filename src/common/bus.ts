/**
 * The in-process event bus every feature reads: health, outlier, balancer and admin
 * publish typed events; logs, metrics, and later the incident store, DNS controller
 * and notifications subscribe. Delivery is synchronous and in order; a throwing
 * subscriber is isolated (reported to `onError`) so it can never break the request path.
 */
export interface Disposable {
  dispose(): void;
}

type Handler<E> = (event: E) => void;

export class EventBus<E extends { type: string }> {
  readonly #handlers = new Map<string, Set<Handler<E>>>();
  readonly #any = new Set<Handler<E>>();
  #onError: (err: unknown, event: E) => void = () => {};

  /** Called when a subscriber throws; the default swallows (set it to log). */
  onError(fn: (err: unknown, event: E) => void): void {
    this.#onError = fn;
  }

  on<T extends E['type']>(type: T, fn: Handler<Extract<E, { type: T }>>): Disposable {
    let set = this.#handlers.get(type);
    if (!set) this.#handlers.set(type, (set = new Set()));
    const h = fn as Handler<E>;
    set.add(h);
    return { dispose: () => set.delete(h) };
  }

  onAny(fn: Handler<E>): Disposable {
    this.#any.add(fn);
    return { dispose: () => this.#any.delete(fn) };
  }

  /** Catch-all subscribers (logs, stores) run first, so an event is recorded before any event it causes. */
  emit(event: E): void {
    for (const h of this.#any) this.#call(h, event);
    const set = this.#handlers.get(event.type);
    if (set) for (const h of set) this.#call(h, event);
  }

  #call(h: Handler<E>, event: E): void {
    try {
      h(event);
    } catch (err) {
      this.#onError(err, event);
    }
  }
}
