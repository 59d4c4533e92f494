import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from './index.js';

type Ev = { type: 'a'; n: number } | { type: 'b'; s: string };

describe('EventBus', () => {
  it('delivers an event to the subscribers of its type, in subscription order', () => {
    const bus = new EventBus<Ev>();
    const log: string[] = [];
    bus.on('a', (e) => log.push(`a1:${e.n}`));
    bus.on('b', (e) => log.push(`b1:${e.s}`));
    bus.on('a', (e) => log.push(`a2:${e.n}`));
    bus.emit({ type: 'a', n: 1 });
    bus.emit({ type: 'b', s: 'x' });
    assert.deepEqual(log, ['a1:1', 'a2:1', 'b1:x']);
  });

  it('runs catch-all subscribers before typed ones, even when they subscribed later', () => {
    const bus = new EventBus<Ev>();
    const log: string[] = [];
    bus.on('a', () => log.push('typed'));
    bus.onAny((e) => log.push(`any1:${e.type}`));
    bus.onAny((e) => log.push(`any2:${e.type}`));
    bus.emit({ type: 'a', n: 1 });
    assert.deepEqual(log, ['any1:a', 'any2:a', 'typed']);
  });

  it('delivers synchronously: an event is seen before emit returns', () => {
    const bus = new EventBus<Ev>();
    let seen = 0;
    bus.on('a', (e) => (seen = e.n));
    bus.emit({ type: 'a', n: 42 });
    assert.equal(seen, 42);
  });

  it('isolates a throwing subscriber, reports it to onError, and still runs the others', () => {
    const bus = new EventBus<Ev>();
    const log: string[] = [];
    const errors: Array<[unknown, Ev]> = [];
    bus.onError((err, ev) => errors.push([err, ev]));
    const boom = new Error('boom');
    bus.onAny(() => {
      throw boom;
    });
    bus.on('a', () => {
      throw new Error('typed boom');
    });
    bus.on('a', () => log.push('after'));
    const ev: Ev = { type: 'a', n: 1 };
    assert.doesNotThrow(() => bus.emit(ev));
    assert.deepEqual(log, ['after']);
    assert.equal(errors.length, 2);
    assert.equal(errors[0]?.[0], boom);
    assert.equal(errors[0]?.[1], ev);
    assert.match(String(errors[1]?.[0]), /typed boom/);
  });

  it('swallows subscriber errors by default', () => {
    const bus = new EventBus<Ev>();
    bus.onAny(() => {
      throw new Error('x');
    });
    assert.doesNotThrow(() => bus.emit({ type: 'b', s: '' }));
  });

  it('stops delivering to a subscriber once disposed', () => {
    const bus = new EventBus<Ev>();
    const log: string[] = [];
    const typed = bus.on('a', () => log.push('typed'));
    const any = bus.onAny(() => log.push('any'));
    bus.emit({ type: 'a', n: 1 });
    typed.dispose();
    any.dispose();
    bus.emit({ type: 'a', n: 2 });
    assert.deepEqual(log, ['any', 'typed']);
    assert.doesNotThrow(() => typed.dispose()); // twice is harmless
  });

  it('lets a subscriber dispose itself while an event is being delivered', () => {
    const bus = new EventBus<Ev>();
    const log: string[] = [];
    const once = bus.on('a', () => {
      log.push('once');
      once.dispose();
    });
    bus.on('a', () => log.push('always'));
    bus.emit({ type: 'a', n: 1 });
    bus.emit({ type: 'a', n: 2 });
    assert.deepEqual(log, ['once', 'always', 'always']);
  });

  it('delivers an event emitted by a subscriber in full before continuing the outer one', () => {
    const bus = new EventBus<Ev>();
    const log: string[] = [];
    bus.onAny((e) => log.push(`any:${e.type}`));
    bus.on('a', () => {
      log.push('a');
      bus.emit({ type: 'b', s: 'caused' });
    });
    bus.on('b', () => log.push('b'));
    bus.emit({ type: 'a', n: 1 });
    assert.deepEqual(log, ['any:a', 'a', 'any:b', 'b']);
  });
});
