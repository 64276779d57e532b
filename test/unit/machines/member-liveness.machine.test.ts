// Member machine with liveness: our worker's silence starts a suspicion that ends at
// livenessSuspicionMs unconfirmed, or at once when a second observer agrees; a refutation clears it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createActor, initialTransition, SimulatedClock, transition } from 'xstate';
import {
  memberMachine,
  suspicionTimeoutMs,
  type MemberInput,
  type MemberMachineEvent,
} from '../../../src/machines/member.machine.js';

const INPUT: MemberInput = {
  node: 'node-x',
  incarnation: 3,
  suspicionMinMs: 200,
  suspicionMaxMs: 1200,
  livenessSuspicionMs: 150,
};

function run(events: readonly MemberMachineEvent[], input: MemberInput = INPUT) {
  let [snapshot] = initialTransition(memberMachine, input);
  for (const event of events) [snapshot] = transition(memberMachine, snapshot, event);
  return snapshot;
}
const lost = (at = 0): MemberMachineEvent => ({ type: 'member.liveness.lost', self: 'me', at });
const suspect = (from: string, at = 0, incarnation = 3): MemberMachineEvent => ({
  type: 'member.suspect',
  incarnation,
  from,
  at,
});
const failed = (at = 0): MemberMachineEvent => ({ type: 'member.probe.failed', self: 'me', at });

describe('member machine: liveness', () => {
  it('liveness lost suspects, with its reason', () => {
    const s = run([lost()]);
    assert.equal(s.value, 'suspect');
    assert.equal(s.context.reason, 'livenessLost');
    assert.equal(s.context.livenessLost, true);
  });

  it('another member suspecting it too: dead at once, not after the minimum', () => {
    const s = run([lost(0), suspect('node-b', 5)]);
    assert.equal(s.value, 'dead');
    assert.equal(s.context.reason, 'confirmedBy:node-b');
  });

  it('suspected by another member first, then our liveness loses it: dead at once', () => {
    const s = run([suspect('node-b', 0), lost(10)]);
    assert.equal(s.value, 'dead');
    assert.equal(s.context.reason, 'livenessConfirmed');
  });

  it('our own failed probe after our liveness loss is no second observer', () => {
    assert.equal(run([lost(0), failed(10)]).value, 'suspect');
    assert.equal(run([lost(0), lost(10)]).value, 'suspect');
  });

  it('our probe failed (direct and through helpers), then liveness lost: dead', () => {
    const s = run([failed(0), lost(40)]);
    assert.equal(s.value, 'dead');
  });

  it('a refutation clears the liveness mark: the next suspicion is an ordinary one', () => {
    const s = run([
      lost(0),
      { type: 'member.alive', incarnation: 4, from: 'node-x', at: 20 },
      suspect('node-b', 30, 4),
    ]);
    assert.equal(s.value, 'suspect');
    assert.equal(s.context.livenessLost, false);
    assert.equal(s.context.incarnation, 4);
  });

  it('the unconfirmed liveness suspicion lasts livenessSuspicionMs (shorter than the minimum)', () => {
    const clock = new SimulatedClock();
    const actor = createActor(memberMachine, { clock, input: INPUT }).start();
    actor.send(lost(clock.now()));
    clock.increment(149);
    assert.equal(actor.getSnapshot().value, 'suspect');
    clock.increment(1);
    assert.equal(actor.getSnapshot().value, 'dead');
    assert.equal(actor.getSnapshot().context.reason, 'suspicionTimeout');
    actor.stop();
  });

  it('without livenessSuspicionMs the liveness suspicion is an ordinary (Lifeguard) one', () => {
    const ctx = { suspicionMinMs: 200, suspicionMaxMs: 1200, expectedConfirmations: 0, confirmations: [] };
    assert.equal(suspicionTimeoutMs({ ...ctx, livenessLost: true }), 200);
    assert.equal(suspicionTimeoutMs({ ...ctx, livenessLost: true, livenessSuspicionMs: 150 }), 150);
    assert.equal(suspicionTimeoutMs({ ...ctx, livenessLost: false, livenessSuspicionMs: 150 }), 200);
    // Never longer than Lifeguard's own value.
    assert.equal(suspicionTimeoutMs({ ...ctx, livenessLost: true, livenessSuspicionMs: 500 }), 200);
  });
});
