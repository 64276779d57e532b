// The member tracker steps the member machine over a stored snapshot (no actor per member): its
// suspicion timeout must still fire and be cancelled as the machine says, changes must reach the
// membership actor in order, and the state board must still show every member machine.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimulatedClock } from 'xstate';
import { createMemberTracker } from '../../../src/actors/member-tracker.js';
import type { MemberState, MemberTracker } from '../../../src/actors/membership-types.js';
import { FAST_TIMING } from '../../../src/core/membership/timing.js';
import { StateBoard } from '../../../src/observe/state-board.js';

function tracker(options: { board?: StateBoard; expected?: number } = {}) {
  const clock = new SimulatedClock();
  const changes: { to: MemberState; reason: string; incarnation: number }[] = [];
  let react: ((t: MemberTracker, to: MemberState) => void) | undefined;
  const t = createMemberTracker(
    {
      node: 'n2',
      self: 'n1',
      incarnation: 3,
      expectedConfirmations: () => options.expected ?? 0,
      onChange: (to, reason, incarnation) => {
        changes.push({ to, reason, incarnation });
        react?.(t, to);
      },
    },
    FAST_TIMING,
    clock,
    options.board,
  );
  return { clock, changes, t, onChange: (fn: typeof react) => (react = fn) };
}

describe('member tracker (member machine over a stored snapshot)', () => {
  it('starts alive at its incarnation and reports nothing until it changes', () => {
    const { t, changes } = tracker();
    assert.equal(t.state, 'alive');
    assert.equal(t.incarnation, 3);
    t.send({ type: 'member.alive', incarnation: 3, from: 'n3' });
    assert.deepEqual(changes, []);
  });

  it("a failed probe is a suspicion that ends in death at the machine's timeout", () => {
    const { t, changes, clock } = tracker();
    t.send({ type: 'member.probe.failed' });
    assert.equal(t.state, 'suspect');
    clock.increment(FAST_TIMING.suspicionMinMs - 1);
    assert.equal(t.state, 'suspect');
    clock.increment(1);
    assert.equal(t.state, 'dead');
    assert.deepEqual(
      changes.map((c) => `${c.to}:${c.reason}`),
      ['suspect:probeFailed', 'dead:suspicionTimeout'],
    );
  });

  it('a refutation cancels the pending timeout', () => {
    const { t, clock } = tracker();
    t.send({ type: 'member.probe.failed' });
    clock.increment(FAST_TIMING.suspicionMinMs / 2);
    t.send({ type: 'member.alive', incarnation: 4, from: 'n2' });
    clock.increment(FAST_TIMING.suspicionMaxMs * 2);
    assert.equal(t.state, 'alive');
    assert.equal(t.incarnation, 4);
  });

  it('a confirmation reschedules the timeout from when the suspicion started (Lifeguard)', () => {
    // K = 2: unconfirmed the suspicion lasts the maximum; one confirmation shortens it.
    const { t, clock } = tracker({ expected: 2 });
    t.send({ type: 'member.suspect', incarnation: 3, from: 'n3' });
    clock.increment(FAST_TIMING.suspicionMinMs);
    t.send({ type: 'member.suspect', incarnation: 3, from: 'n4' });
    clock.increment(FAST_TIMING.suspicionMaxMs - FAST_TIMING.suspicionMinMs - 1);
    assert.equal(t.state, 'dead', 'the shortened timeout fired before the unconfirmed one would');
  });

  it('an event sent while a change is being reported runs after it, in order', () => {
    const { t, changes, onChange } = tracker();
    onChange((self, to) => {
      if (to === 'suspect') self.send({ type: 'member.alive', incarnation: 9, from: 'n2' });
    });
    t.send({ type: 'member.probe.failed' });
    assert.equal(t.state, 'alive');
    assert.deepEqual(
      changes.map((c) => `${c.to}:${c.incarnation}`),
      ['suspect:3', 'alive:9'],
    );
  });

  it('stopped, it neither fires its timeout nor takes events', () => {
    const { t, changes, clock } = tracker();
    t.send({ type: 'member.probe.failed' });
    t.stop();
    clock.increment(FAST_TIMING.suspicionMaxMs * 2);
    t.send({ type: 'member.alive', incarnation: 5, from: 'n2' });
    assert.equal(t.state, 'suspect');
    assert.equal(changes.length, 1);
  });

  it('shows on the state board as member:<node>, with its transitions and reasons', () => {
    const board = new StateBoard({ now: () => 0 });
    const { t, clock } = tracker({ board });
    const listed = () => board.actors().find((a) => a.id === 'member:n2');
    assert.equal(listed()?.machine, 'member');
    assert.equal(listed()?.state, 'alive');
    t.send({ type: 'member.probe.failed' });
    clock.increment(FAST_TIMING.suspicionMinMs);
    assert.equal(listed()?.state, 'dead');
    assert.deepEqual(
      board.recent().map((r) => `${r.actor} ${r.from}→${r.to} ${r.reason} (${r.event})`),
      [
        'member:n2 alive→suspect probeFailed (member.probe.failed)',
        'member:n2 suspect→dead suspicionTimeout (xstate.after.suspicionRemaining.member.suspect)',
      ],
    );
    t.stop();
    assert.equal(listed(), undefined);
  });
});
