/**
 * createClient(): the composition root of the client library. One client = one host list, its
 * retry budget, its latency samples and its listeners; host state lives in the store, which may be
 * shared (localStorage across tabs and reloads, or one store per Node process).
 */
import { hostBook } from './hosts.js';
import { normalize } from './options.js';
import { requester } from './request.js';
import type { Client, ClientEvent, ClientOptions } from './types.js';

export function createClient(options: ClientOptions): Client {
  const o = normalize(options);
  const listeners = new Set<(e: ClientEvent) => void>();
  const emit = (e: ClientEvent): void => {
    for (const l of listeners) {
      try {
        l(e);
      } catch {
        // a listener's bug never breaks a request
      }
    }
  };
  const book = hostBook(o, emit);
  return {
    fetch: requester(o, book, emit),
    on(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    hosts: book.snapshot,
  };
}
