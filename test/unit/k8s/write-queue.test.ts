// The controller's write queue: priorities, coalescing per key, one write per key at a time,
// retries that lose to newer writes, permanent failures dropped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeApiError } from '../../../src/k8s/rest.js';
import { WriteQueue } from '../../../src/k8s/write-queue.js';

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** A write that does `effect` and succeeds. */
const settle = (effect: () => unknown): Promise<void> => {
  effect();
  return Promise.resolve();
};

describe('WriteQueue', () => {
  it('runs higher priorities first and coalesces writes waiting under one key', async () => {
    const ran: string[] = [];
    const q = new WriteQueue({ concurrency: 1 });
    let release!: () => void;
    q.put('blocker', 0, () => new Promise<void>((r) => (release = r)));
    q.put('event:a', 2, () => settle(() => ran.push('event a')));
    q.put('status:a', 0, () => settle(() => ran.push('status a v1')));
    q.put('annotation:a', 1, () => settle(() => ran.push('annotation a')));
    q.put('status:a', 0, () => settle(() => ran.push('status a v2')));
    assert.equal(q.size(), 4);
    release();
    await q.idle();
    assert.deepEqual(ran, ['status a v2', 'annotation a', 'event a']);
  });

  it('never runs one key twice at once; a write put meanwhile runs after', async () => {
    const q = new WriteQueue({ concurrency: 4 });
    let running = 0;
    let most = 0;
    const ran: number[] = [];
    const write = (n: number) => async () => {
      running += 1;
      most = Math.max(most, running);
      await tick(5);
      ran.push(n);
      running -= 1;
    };
    q.put('k', 0, write(1));
    await tick(1);
    q.put('k', 0, write(2));
    q.put('k', 0, write(3));
    await q.idle();
    assert.equal(most, 1);
    assert.deepEqual(ran, [1, 3]);
  });

  it('retries a failed write with backoff, unless a newer write replaced it', async () => {
    const errors: boolean[] = [];
    const q = new WriteQueue({
      concurrency: 2,
      initialRetryMs: 10,
      onError: (_k, _e, retry) => errors.push(retry),
    });
    let attempts = 0;
    q.put('flaky', 0, async () => {
      await tick();
      attempts += 1;
      if (attempts < 3) throw new KubeApiError('PATCH', '/x', 0, 'ECONNREFUSED', 'connect ECONNREFUSED');
    });
    await q.idle();
    assert.equal(attempts, 3);
    assert.deepEqual(errors, [true, true]);

    let old = 0;
    const ran: string[] = [];
    q.put('replaced', 0, async () => {
      await tick();
      old += 1;
      throw new KubeApiError('PATCH', '/y', 503, 'ServiceUnavailable', 'down');
    });
    await tick(2);
    q.put('replaced', 0, () => settle(() => ran.push('new')));
    await q.idle();
    assert.equal(old, 1);
    assert.deepEqual(ran, ['new']);
  });

  it('drops a write that can never succeed', async () => {
    const errors: boolean[] = [];
    const q = new WriteQueue({
      concurrency: 1,
      initialRetryMs: 5,
      onError: (_k, _e, retry) => errors.push(retry),
    });
    let attempts = 0;
    q.put('gone', 0, async () => {
      await tick();
      attempts += 1;
      throw new KubeApiError('PATCH', '/services/gone/status', 404, 'NotFound', 'not found');
    });
    await q.idle();
    await tick(20);
    assert.equal(attempts, 1);
    assert.deepEqual(errors, [false]);
  });

  it('clear() drops everything waiting, including retries', async () => {
    const q = new WriteQueue({ concurrency: 1, initialRetryMs: 1000 });
    q.put('a', 0, async () => {
      await tick();
      throw new KubeApiError('PATCH', '/a', 0, 'ECONNRESET', 'reset');
    });
    await tick(5);
    assert.equal(q.size(), 1);
    q.clear();
    assert.equal(q.size(), 0);
    await q.idle();
  });
});
