// Informer supervision machine: restart with doubling backoff after failures, the watchdog for a
// silent watch, sync timeout, and no restart storm once synced — on a SimulatedClock with the
// start/stop effects recorded through machine.provide().
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createActor, SimulatedClock } from 'xstate';
import { informerMachine, restartDelay, type InformerInput } from '../../../src/machines/informer.machine.js';

const INPUT: InformerInput = {
  resource: 'v1/services',
  initialBackoffMs: 250,
  maxBackoffMs: 2000,
  syncTimeoutMs: 5000,
  watchdogMs: 10_000,
};

function run() {
  const clock = new SimulatedClock();
  const effects: { type: string; at: number }[] = [];
  const machine = informerMachine.provide({
    actions: {
      startInformer: () => effects.push({ type: 'start', at: clock.now() }),
      stopInformer: () => effects.push({ type: 'stop', at: clock.now() }),
    },
  });
  const actor = createActor(machine, { input: INPUT, clock }).start();
  return { clock, effects, actor };
}

describe('informer machine', () => {
  it('starts the informer and reaches synced when the list is done and the watch open', () => {
    const { actor, effects } = run();
    assert.equal(actor.getSnapshot().value, 'syncing');
    assert.deepEqual(effects, [{ type: 'start', at: 0 }]);
    actor.send({ type: 'informer.synced' });
    assert.equal(actor.getSnapshot().value, 'synced');
    assert.equal(actor.getSnapshot().context.reason, 'listed');
  });

  it('restarts after a failure with a doubling, capped backoff, and resets it once synced', () => {
    const { actor, effects, clock } = run();
    actor.send({ type: 'informer.synced' });
    actor.send({ type: 'informer.failed', error: 'Premature close' });
    let snap = actor.getSnapshot();
    assert.equal(snap.value, 'degraded');
    assert.equal(snap.context.reason, 'watchFailed');
    assert.equal(snap.context.lastError, 'Premature close');
    const starts = () => effects.filter((e) => e.type === 'start').map((e) => e.at);
    clock.increment(249);
    assert.deepEqual(starts(), [0]);
    clock.increment(1);
    assert.deepEqual(starts(), [0, 250]);
    // The list fails again and again (apiserver still down): 500, 1000, 2000, 2000 ms.
    for (const wait of [500, 1000, 2000, 2000]) {
      actor.send({ type: 'informer.failed', error: 'ECONNREFUSED' });
      assert.equal(actor.getSnapshot().context.reason, 'syncFailed');
      const before = clock.now();
      clock.increment(wait);
      assert.equal(starts().at(-1), before + wait);
    }
    actor.send({ type: 'informer.synced' });
    snap = actor.getSnapshot();
    assert.equal(snap.value, 'synced');
    assert.equal(snap.context.attempt, 0);
    assert.equal(snap.context.restarts, 5);
    actor.send({ type: 'informer.failed', error: 'again' });
    assert.equal(restartDelay(actor.getSnapshot().context), 250);
  });

  it('counts a silent watch as stalled, but not one that shows activity', () => {
    const { actor, clock } = run();
    actor.send({ type: 'informer.synced' });
    for (let i = 0; i < 5; i++) {
      clock.increment(9000);
      actor.send({ type: 'informer.activity' });
    }
    assert.equal(actor.getSnapshot().value, 'synced');
    clock.increment(10_000);
    const snap = actor.getSnapshot();
    assert.equal(snap.value, 'degraded');
    assert.equal(snap.context.reason, 'watchdogStall');
  });

  it('gives up on a list that does not complete in time', () => {
    const { actor, clock, effects } = run();
    clock.increment(5000);
    assert.equal(actor.getSnapshot().value, 'degraded');
    assert.equal(actor.getSnapshot().context.reason, 'syncTimeout');
    assert.deepEqual(
      effects.map((e) => e.type),
      ['start', 'stop'],
    );
  });

  it('retries at once when told the apiserver is back', () => {
    const { actor, clock, effects } = run();
    actor.send({ type: 'informer.failed', error: 'ECONNREFUSED' });
    clock.increment(100);
    actor.send({ type: 'informer.retry' });
    assert.equal(actor.getSnapshot().value, 'syncing');
    assert.equal(actor.getSnapshot().context.reason, 'serverBack');
    assert.deepEqual(
      effects.map((e) => [e.type, e.at]),
      [
        ['start', 0],
        ['stop', 0],
        ['start', 100],
      ],
    );
    // Ignored while synced.
    actor.send({ type: 'informer.synced' });
    actor.send({ type: 'informer.retry' });
    assert.equal(actor.getSnapshot().value, 'synced');
  });

  it('stops for good on informer.stop', () => {
    const { actor, effects, clock } = run();
    actor.send({ type: 'informer.synced' });
    actor.send({ type: 'informer.stop' });
    assert.equal(actor.getSnapshot().status, 'done');
    clock.increment(60_000);
    assert.deepEqual(
      effects.map((e) => e.type),
      ['start', 'stop'],
    );
  });
});
