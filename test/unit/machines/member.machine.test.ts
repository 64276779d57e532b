// Member machine: SWIM states, incarnation rules and Lifeguard suspicion, driven with the pure
// transition() functions and, for timers, an actor on a SimulatedClock.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createActor, initialTransition, SimulatedClock, transition, type SnapshotFrom } from 'xstate';
import {
  memberMachine,
  suspicionTimeoutMs,
  type MemberInput,
  type MemberMachineEvent,
  type MemberStateValue,
} from '../../../src/machines/member.machine.js';

const INPUT: MemberInput = {
  node: 'node-x',
  incarnation: 3,
  suspicionMinMs: 200,
  suspicionMaxMs: 1200,
  expectedConfirmations: 3,
};
type Snapshot = SnapshotFrom<typeof memberMachine>;
/** An event without its time stamp: the timed helper stamps it from the clock. */
type Unstamped<E = MemberMachineEvent> = E extends unknown ? Omit<E, 'at'> : never;

/** Runs events through the pure transition function; returns the last snapshot and its actions. */
function run(events: readonly MemberMachineEvent[], input: MemberInput = INPUT) {
  let [snapshot, actions] = initialTransition(memberMachine, input);
  for (const event of events) [snapshot, actions] = transition(memberMachine, snapshot, event);
  return { snapshot, actions };
}
const failed = (at = 0): MemberMachineEvent => ({ type: 'member.probe.failed', self: 'me', at });
const suspect = (from: string, incarnation = 3, at = 0): MemberMachineEvent => ({
  type: 'member.suspect',
  incarnation,
  from,
  at,
});
const alive = (incarnation: number, from = 'node-x', at = 0): MemberMachineEvent => ({
  type: 'member.alive',
  incarnation,
  from,
  at,
});
const left = (incarnation: number): MemberMachineEvent => ({ type: 'member.left', incarnation, at: 0 });
const dead = (incarnation: number, from: string): MemberMachineEvent => ({
  type: 'member.dead',
  incarnation,
  from,
  at: 0,
});

/** A member declared dead by its suspicion running out, on a simulated clock. */
function deadSnapshot(): Snapshot {
  const clock = new SimulatedClock();
  const actor = createActor(memberMachine, { clock, input: INPUT }).start();
  actor.send({ type: 'member.probe.failed', self: 'me', at: 0 });
  clock.increment(INPUT.suspicionMaxMs);
  const snapshot = actor.getSnapshot();
  actor.stop();
  assert.equal(snapshot.value, 'dead');
  return snapshot;
}

/** Independent Lifeguard formula, K = 3, 200..1200 ms. */
const lifeguard = (c: number) => Math.max(200, Math.floor(1200 - (1000 * Math.log(c + 1)) / Math.log(4)));

function timed(input: MemberInput = INPUT) {
  const clock = new SimulatedClock();
  const actor = createActor(memberMachine, { clock, input }).start();
  const send = (event: Unstamped) => actor.send({ ...event, at: clock.now() });
  const state = (): MemberStateValue => actor.getSnapshot().value;
  return { clock, actor, send, state };
}

describe('member machine: states and incarnations', () => {
  it('starts alive and tells so', () => {
    const [snapshot, actions] = initialTransition(memberMachine, INPUT);
    assert.equal(snapshot.value, 'alive');
    assert.equal(snapshot.context.reason, 'discovered');
    assert.deepEqual(
      actions.map((a) => a.type),
      ['notifyStateChange'],
    );
  });

  it('goes alive → suspect when our own probes fail, and schedules the maximum timeout', () => {
    const { snapshot, actions } = run([failed()]);
    assert.equal(snapshot.value, 'suspect');
    assert.equal(snapshot.context.reason, 'probeFailed');
    assert.equal(snapshot.context.suspectedBy, 'me');
    const notify = actions.find((a) => a.type === 'notifyStateChange');
    assert.deepEqual(notify?.params, {
      node: 'node-x',
      state: 'suspect',
      reason: 'probeFailed',
      confirmations: 0,
    });
    const timer = actions.find((a) => a.type === 'xstate.raise');
    assert.equal((timer?.params as { delay?: number } | undefined)?.delay, 1200);
  });

  it('takes a suspicion from another member only for the current incarnation or later', () => {
    assert.equal(run([suspect('node-b', 2)]).snapshot.value, 'alive');
    const { snapshot } = run([suspect('node-b', 3)]);
    assert.equal(snapshot.value, 'suspect');
    assert.equal(snapshot.context.reason, 'suspectedBy:node-b');
    assert.equal(run([suspect('node-b', 5)]).snapshot.context.incarnation, 5);
  });

  it('is refuted only by a higher incarnation', () => {
    const suspected = run([failed()]).snapshot;
    for (const incarnation of [2, 3]) {
      const [next, actions] = transition(memberMachine, suspected, alive(incarnation));
      assert.equal(next.value, 'suspect', `incarnation ${incarnation} must not refute`);
      assert.deepEqual(actions, []);
    }
    const [refuted] = transition(memberMachine, suspected, alive(4, 'node-b'));
    assert.equal(refuted.value, 'alive');
    assert.equal(refuted.context.incarnation, 4);
    assert.equal(refuted.context.reason, 'refutedVia:node-b');
    assert.equal(refuted.context.suspectedBy, undefined);
  });

  it('keeps a suspect suspect when our probe is answered: only the member can refute', () => {
    const [next, actions] = transition(memberMachine, run([failed()]).snapshot, {
      type: 'member.probe.ok',
      at: 5,
    });
    assert.equal(next.value, 'suspect');
    assert.deepEqual(actions, []);
  });

  it("takes another member's death report as a suspicion it can refute, or as the end of its own", () => {
    const reported = run([dead(3, 'node-c')]).snapshot;
    assert.equal(reported.value, 'suspect', 'a stale or mistaken report must not fail over at once');
    assert.equal(reported.context.reason, 'deadReportedBy:node-c');
    assert.equal(transition(memberMachine, reported, alive(4))[0].value, 'alive', 'refutable');
    const confirmed = run([failed(), dead(3, 'node-c')]).snapshot;
    assert.equal(confirmed.value, 'dead', 'a member we already suspect is dead on a report');
    assert.equal(confirmed.context.reason, 'deadReportedBy:node-c');
    assert.equal(run([dead(2, 'node-c')]).snapshot.value, 'alive', 'an older death is stale');
  });

  it('leaves at once from alive, suspect and dead; a stale leave is ignored', () => {
    const starts: Record<string, MemberMachineEvent[]> = {
      alive: [],
      suspect: [failed()],
      dead: [],
    };
    for (const [name, before] of Object.entries(starts)) {
      const { snapshot } =
        name === 'dead'
          ? { snapshot: transition(memberMachine, deadSnapshot(), left(3))[0] }
          : run([...before, left(3)]);
      assert.equal(snapshot.value, 'left', `left from ${name}`);
      assert.equal(snapshot.context.reason, 'leaveAnnounced');
    }
    assert.equal(run([left(2)]).snapshot.value, 'alive');
  });

  it('rejoins after leaving, and revives after death, only with a higher incarnation', () => {
    for (const gone of [run([left(3)]).snapshot, deadSnapshot()]) {
      assert.equal(transition(memberMachine, gone, alive(3))[0].value, gone.value);
      const [back, actions] = transition(memberMachine, gone, alive(4));
      assert.equal(back.value, 'alive');
      assert.equal(back.context.reason, 'rejoined');
      assert.ok(actions.some((a) => a.type === 'notifyStateChange'));
    }
  });

  it('records a reason on every transition, including an incarnation bump while alive', () => {
    const { snapshot } = run([alive(7, 'node-b')]);
    assert.equal(snapshot.value, 'alive');
    assert.equal(snapshot.context.incarnation, 7);
    assert.equal(snapshot.context.reason, 'incarnationAdvancedBy:node-b');
  });
});

describe('member machine: Lifeguard suspicion timeout', () => {
  it('follows max(min, max − (max − min)·log(C+1)/log(K+1))', () => {
    const ctx = { suspicionMinMs: 200, suspicionMaxMs: 1200, expectedConfirmations: 3 };
    const expected = [1200, 700, 407, 200, 200];
    expected.forEach((ms, c) => {
      const confirmations = Array.from({ length: c }, (_, i) => `n${i}`);
      assert.equal(suspicionTimeoutMs({ ...ctx, confirmations }), ms, `C=${c}`);
      assert.equal(lifeguard(c), ms);
    });
    assert.equal(suspicionTimeoutMs({ ...ctx, expectedConfirmations: 0, confirmations: [] }), 200);
  });

  it('declares dead at exactly the timeout, not a millisecond before', () => {
    const { clock, send, state, actor } = timed();
    send({ type: 'member.probe.failed', self: 'me' });
    clock.increment(1199);
    assert.equal(state(), 'suspect');
    clock.increment(1);
    assert.equal(state(), 'dead');
    assert.equal(actor.getSnapshot().context.reason, 'suspicionTimeout');
  });

  it('shortens the timeout with each distinct confirmation, counted from the start of suspicion', () => {
    const { clock, send, state } = timed();
    send({ type: 'member.probe.failed', self: 'me' });
    clock.increment(100);
    send({ type: 'member.suspect', incarnation: 3, from: 'node-b' }); // C=1 → 700 ms
    clock.increment(598); // t = 698
    assert.equal(state(), 'suspect');
    clock.increment(1); // t = 699
    assert.equal(state(), 'suspect');
    send({ type: 'member.suspect', incarnation: 3, from: 'node-c' }); // C=2 → 407 ms, already past
    assert.equal(state(), 'dead');
  });

  it('ignores repeated suspicions from the same member and from the first suspecter', () => {
    const { clock, send, state, actor } = timed();
    send({ type: 'member.probe.failed', self: 'me' });
    send({ type: 'member.suspect', incarnation: 3, from: 'node-b' }); // C=1 → 700 ms
    clock.increment(300);
    send({ type: 'member.suspect', incarnation: 3, from: 'node-b' });
    send({ type: 'member.probe.failed', self: 'me' });
    assert.deepEqual(actor.getSnapshot().context.confirmations, ['node-b']);
    clock.increment(399); // t = 699
    assert.equal(state(), 'suspect');
    clock.increment(1);
    assert.equal(state(), 'dead');
  });

  it('counts our own failed probe as a confirmation of somebody else’s suspicion', () => {
    const { snapshot, actions } = run([suspect('node-b'), failed(100)]);
    assert.deepEqual(snapshot.context.confirmations, ['me']);
    assert.equal(snapshot.context.reason, 'confirmedBy:me');
    const timer = actions.find((a) => a.type === 'xstate.raise');
    assert.equal((timer?.params as { delay?: number } | undefined)?.delay, 600, '700 ms total, 100 ms gone');
  });

  it('takes K from the events when they carry it, from the input otherwise', () => {
    const { clock, send, state } = timed({ ...INPUT, expectedConfirmations: 0 });
    send({ type: 'member.probe.failed', self: 'me', expectedConfirmations: 1 });
    send({ type: 'member.suspect', incarnation: 3, from: 'node-b' }); // C = K = 1 → min
    clock.increment(199);
    assert.equal(state(), 'suspect');
    clock.increment(1);
    assert.equal(state(), 'dead');
  });

  it('cancels the timer when refuted', () => {
    const { clock, send, state } = timed();
    send({ type: 'member.probe.failed', self: 'me' });
    clock.increment(500);
    send({ type: 'member.alive', incarnation: 4, from: 'node-x' });
    clock.increment(5000);
    assert.equal(state(), 'alive');
  });
});

describe('member machine: effects supplied with provide()', () => {
  it('calls notifyStateChange on entering every state, with the reason', () => {
    const seen: string[] = [];
    const machine = memberMachine.provide({
      actions: {
        notifyStateChange: (_, params) => {
          seen.push(`${params.state}:${params.reason}`);
        },
      },
    });
    const clock = new SimulatedClock();
    const actor = createActor(machine, { clock, input: INPUT }).start();
    actor.send({ type: 'member.probe.failed', self: 'me', at: 0 });
    clock.increment(1200);
    actor.send({ type: 'member.alive', incarnation: 9, from: 'node-x', at: 1200 });
    actor.send({ type: 'member.left', incarnation: 9, at: 1300 });
    assert.deepEqual(seen, [
      'alive:discovered',
      'suspect:probeFailed',
      'dead:suspicionTimeout',
      'alive:rejoined',
      'left:leaveAnnounced',
    ]);
    const last: Snapshot = actor.getSnapshot();
    assert.equal(last.context.incarnation, 9);
  });
});
