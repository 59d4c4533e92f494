import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { ReplayableBody } from './body.js';

const chunks = (...parts: string[]) => parts.map((p) => Buffer.from(p));

async function collect(it: AsyncIterable<Buffer>): Promise<string> {
  const out: Buffer[] = [];
  for await (const c of it) out.push(c);
  return Buffer.concat(out).toString();
}

describe('ReplayableBody', () => {
  it('delivers every chunk of the source, in order, to the first reader', async () => {
    const body = new ReplayableBody(Readable.from(chunks('ab', 'cd', 'ef')), 1024);
    assert.equal(await collect(body.reader()), 'abcdef');
    assert.equal(body.replayable, true);
  });

  it('replays the whole body to a second reader once the first has finished', async () => {
    const body = new ReplayableBody(Readable.from(chunks('ab', 'cd', 'ef')), 1024);
    assert.equal(await collect(body.reader()), 'abcdef');
    assert.equal(await collect(body.reader()), 'abcdef');
    assert.equal(await collect(body.reader()), 'abcdef');
  });

  it('replays kept chunks to a second reader, then continues from the source', async () => {
    const body = new ReplayableBody(Readable.from(chunks('ab', 'cd', 'ef', 'gh')), 1024);
    const first = body.reader();
    assert.equal((await first.next()).value?.toString(), 'ab');
    assert.equal((await first.next()).value?.toString(), 'cd');
    await first.return(undefined); // the attempt failed after sending two chunks
    const second = body.reader();
    const got: string[] = [];
    for await (const c of second) got.push(c.toString());
    assert.deepEqual(got, ['ab', 'cd', 'ef', 'gh']);
  });

  it('does not lose a chunk pulled by an abandoned reader', async () => {
    const body = new ReplayableBody(Readable.from(chunks('one', 'two', 'three')), 1024);
    const first = body.reader();
    const r = await first.next();
    assert.equal(r.value?.toString(), 'one');
    // reader 1 is simply dropped (no return()), as an aborted attempt would be
    assert.equal(await collect(body.reader()), 'onetwothree');
  });

  it('does not lose a chunk whose pull was still pending when its reader was abandoned', async () => {
    const source = new PassThrough({ objectMode: true }); // one chunk per write
    const body = new ReplayableBody(source, 1024);
    const first = body.reader();
    const pending = first.next(); // pull in flight, nothing written yet
    const second = body.reader();
    const secondDone = collect(second);
    source.write(Buffer.from('x1'));
    source.write(Buffer.from('x2'));
    source.end(Buffer.from('x3'));
    // The abandoned reader ends with an error (its attempt is gone); the chunk it pulled is not lost.
    await assert.rejects(pending, /superseded/);
    assert.equal(await secondDone, 'x1x2x3');
  });

  it('stays replayable when the body is exactly the limit', async () => {
    const body = new ReplayableBody(Readable.from(chunks('1234', '5678')), 8);
    assert.equal(await collect(body.reader()), '12345678');
    assert.equal(body.replayable, true);
    assert.equal(await collect(body.reader()), '12345678');
  });

  it('stops being replayable past the limit but still streams every byte to the current reader', async () => {
    const parts = chunks('aaaa', 'bbbb', 'cccc', 'dddd', 'eeee');
    const body = new ReplayableBody(Readable.from(parts), 10);
    const reader = body.reader();
    const got: string[] = [];
    for await (const c of reader) {
      got.push(c.toString());
      if (got.length === 2) assert.equal(body.replayable, true, 'still within the limit after 8 bytes');
    }
    assert.deepEqual(got, ['aaaa', 'bbbb', 'cccc', 'dddd', 'eeee']);
    assert.equal(body.replayable, false);
  });

  it('lets a retry that started within the limit finish the body after the limit is passed', async () => {
    const body = new ReplayableBody(Readable.from(chunks('aaaa', 'bbbb', 'cccc', 'dddd')), 10);
    const first = body.reader();
    assert.equal((await first.next()).value?.toString(), 'aaaa');
    await first.return(undefined);
    assert.equal(body.replayable, true);
    assert.equal(await collect(body.reader()), 'aaaabbbbccccdddd');
    assert.equal(body.replayable, false);
  });

  it('marks started only once a byte has been handed to a reader', async () => {
    const body = new ReplayableBody(Readable.from(chunks('a')), 10);
    const reader = body.reader();
    assert.equal(body.started, false);
    await reader.next();
    assert.equal(body.started, true);
  });

  it('ends at once for an empty body, and again on replay', async () => {
    const body = new ReplayableBody(Readable.from([] as Buffer[]), 10);
    assert.equal(await collect(body.reader()), '');
    assert.equal(await collect(body.reader()), '');
    assert.equal(body.started, false);
  });

  it('passes a source error to the reader', async () => {
    const source = new PassThrough();
    const body = new ReplayableBody(source, 1024);
    const done = collect(body.reader());
    source.write(Buffer.from('a'));
    source.destroy(new Error('client reset'));
    await assert.rejects(done, /client reset/);
  });

  it(
    'never hands a retry a truncated body when the limit is passed by a pull started for an abandoned attempt',
    async () => {
      const source = new PassThrough({ objectMode: true });
      const body = new ReplayableBody(source, 10);
      const first = body.reader();
      source.write(Buffer.from('aaaa'));
      source.write(Buffer.from('bbbb'));
      await first.next();
      await first.next();
      const pending = first.next(); // attempt 1 waits for the client's next chunk, then fails
      assert.equal(body.replayable, true); // so the pipeline decides a retry is possible
      const second = body.reader(); // attempt 2 created; not consumed yet (still connecting)
      source.write(Buffer.from('cccc')); // the client's chunk arrives and passes the limit
      await pending;
      source.end(Buffer.from('dddd'));
      // Either the whole body or an error; a silently shortened body is never acceptable.
      let got: string | undefined;
      try {
        got = await collect(second);
      } catch {
        return;
      }
      assert.equal(got, 'aaaabbbbccccdddd');
    },
  );
});
