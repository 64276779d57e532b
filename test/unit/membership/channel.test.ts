// The SWIM channel over one stream: requests both ways on the same stream, replies matched per
// end, a reply already waiting when the timer fires still counts, closing settles at once, and
// waiting for a connection attempt does not cancel it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Stream } from '@libp2p/interface';
import type { SwimReply, SwimRequest } from '../../../src/core/membership/wire.js';
import { SwimChannel } from '../../../src/gossip/channel.js';
import { within } from '../../../src/gossip/deadline.js';
import { encodeFrame } from '../../../src/gossip/frames.js';

/** One end of an in-memory duplex byte stream: what it sends, the other end reads. */
class MemoryEnd {
  peer: MemoryEnd | undefined;
  aborted = false;
  /** After its next send, this end's whole process stalls this long (a GC pause, a busy start). */
  stallAfterSendMs = 0;
  private readonly queue: Uint8Array[] = [];
  private wake: (() => void) | undefined;
  private ended = false;

  send(bytes: Uint8Array): boolean {
    if (this.aborted) throw new Error('stream aborted');
    const peer = this.peer;
    setImmediate(() => peer?.receive(bytes));
    if (this.stallAfterSendMs > 0) {
      const until = Date.now() + this.stallAfterSendMs;
      this.stallAfterSendMs = 0;
      while (Date.now() < until) {
        // busy: nothing else runs in this process
      }
    }
    return true;
  }

  abort(): void {
    this.aborted = true;
    this.end();
    this.peer?.end();
  }

  receive(bytes: Uint8Array): void {
    this.queue.push(bytes);
    this.wake?.();
  }

  private end(): void {
    this.ended = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (;;) {
      const next = this.queue.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}

function pair(): [MemoryEnd, MemoryEnd] {
  const a = new MemoryEnd();
  const b = new MemoryEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

const asStream = (end: MemoryEnd) => end as unknown as Stream;
const ack = (node: string, request: SwimRequest, incarnation = 1): SwimReply => ({
  type: 'ack',
  from: node,
  seq: request.type === 'push-pull' ? 0 : request.seq,
  incarnation,
});

describe('SWIM channel', () => {
  it('carries requests both ways on one stream, each end matching its own replies', async () => {
    const [a, b] = pair();
    const served = { a: [] as string[], b: [] as string[] };
    const left = new SwimChannel(
      asStream(a),
      (r) => (served.a.push(r.from), Promise.resolve(ack('a', r, 1))),
      () => undefined,
    );
    const right = new SwimChannel(
      asStream(b),
      (r) => (served.b.push(r.from), Promise.resolve(ack('b', r, 2))),
      () => undefined,
    );
    // Both ends number their first request 0: the ids must not get mixed up.
    const [fromRight, fromLeft] = await Promise.all([
      left.request({ type: 'ping', from: 'a', seq: 10 }, 1000),
      right.request({ type: 'ping', from: 'b', seq: 20 }, 1000),
    ]);
    assert.deepEqual(fromRight, { type: 'ack', from: 'b', seq: 10, incarnation: 2 });
    assert.deepEqual(fromLeft, { type: 'ack', from: 'a', seq: 20, incarnation: 1 });
    assert.deepEqual(served, { a: ['b'], b: ['a'] });
    left.close();
    assert.equal(right.closed || b.aborted || a.aborted, true);
  });

  it('a reply already waiting when the timer fires after a stall still counts', async () => {
    const [a, b] = pair();
    const timeoutMs = 30;
    const left = new SwimChannel(
      asStream(a),
      () => Promise.reject(new Error('unused')),
      () => undefined,
    );
    new SwimChannel(
      asStream(b),
      (r) => Promise.resolve(ack('b', r)),
      () => undefined,
    );
    // The reply goes out, then the process stalls past the timeout: when it runs again, the
    // timer and the waiting reply are both due, and the timer's phase comes first.
    b.stallAfterSendMs = timeoutMs * 2;
    const reply = await left.request({ type: 'ping', from: 'a', seq: 1 }, timeoutMs);
    assert.equal(reply?.type, 'ack');
  });

  it('times out when no reply comes, and closing settles pending requests at once', async () => {
    const [a, b] = pair();
    const left = new SwimChannel(
      asStream(a),
      () => Promise.reject(new Error('unused')),
      () => undefined,
    );
    // The other end reads but never answers (a frozen process keeps its connection).
    let closedCalls = 0;
    new SwimChannel(
      asStream(b),
      () => new Promise<SwimReply>(() => undefined),
      () => closedCalls++,
    );
    assert.equal(await left.request({ type: 'ping', from: 'a', seq: 1 }, 20), undefined);
    const pending = left.request({ type: 'ping', from: 'a', seq: 2 }, 60_000);
    const started = Date.now();
    left.close();
    assert.equal(await pending, undefined);
    assert.ok(Date.now() - started < 1000, 'settled by the close, not by the timeout');
    assert.equal(left.closed, true);
    assert.equal(await left.request({ type: 'ping', from: 'a', seq: 3 }, 60_000), undefined);
  });

  it('skips a garbled frame and keeps serving', async () => {
    const [a, b] = pair();
    const left = new SwimChannel(
      asStream(a),
      () => Promise.reject(new Error('unused')),
      () => undefined,
    );
    new SwimChannel(
      asStream(b),
      (r) => Promise.resolve(ack('b', r)),
      () => undefined,
    );
    a.send(encodeFrame(new TextEncoder().encode('{"id":1,"req":{"type":"nonsense"}}')));
    a.send(encodeFrame(new Uint8Array([0xff, 0x00])));
    const reply = await left.request({ type: 'ping', from: 'a', seq: 5 }, 1000);
    assert.equal(reply?.type === 'ack' && reply.seq, 5);
  });
});

describe('within (waiting without cancelling)', () => {
  it('gives the value when it comes in time, undefined on failure or when time runs out', async () => {
    assert.equal(await within(Promise.resolve(3), 50), 3);
    assert.equal(await within(Promise.reject(new Error('refused')), 50), undefined);
    let settle: (v: string) => void = () => undefined;
    const slow = new Promise<string>((resolve) => (settle = resolve));
    assert.equal(await within(slow, 10), undefined);
    // The attempt itself ran on: a later waiter gets its result at once.
    settle('connected');
    assert.equal(await within(slow, 10), 'connected');
  });
});
