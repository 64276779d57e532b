// Leader election machine on a SimulatedClock: each try of the lease is a promise the test
// settles by hand (held, holding, conflict, failure), so every timer is checked to the millisecond.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import type {
  AcquireReason,
  LeaseAttemptInput,
  LeaseAttemptResult,
  LeaseObservation,
  LeaseReleaseInput,
  LeaseReleaseResult,
} from '../../../src/core/lease/index.js';
import {
  leaderElectionMachine,
  type LeaderElectionInput,
  type LeaderElectionReason,
} from '../../../src/machines/leader-election.machine.js';

const INPUT: LeaderElectionInput = {
  identity: 'controller-a',
  lease: 'herald-system/herald-controller',
  leaseDurationMs: 4000,
  renewDeadlineMs: 3000,
  retryPeriodMs: 1000,
};

interface Pending<I, O> {
  readonly input: I;
  readonly signal: AbortSignal;
  readonly at: number;
  resolve(output: O): void;
  reject(error: Error): void;
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
const observation = (holder: string, observedAt = 0): LeaseObservation => ({
  spec: { holderIdentity: holder, leaseDurationSeconds: 4, leaseTransitions: 0 },
  resourceVersion: '1',
  observedAt,
});

function elector() {
  const clock = new SimulatedClock();
  const tries: Pending<LeaseAttemptInput, LeaseAttemptResult>[] = [];
  const releases: Pending<LeaseReleaseInput, LeaseReleaseResult>[] = [];
  /** The effects in order: ['started', reason], ['stopped', reason], ['release'] */
  const effects: [string, string?][] = [];
  const pending =
    <I, O>(list: Pending<I, O>[], onCall?: () => void) =>
    ({ input, signal }: { input: I; signal: AbortSignal }) =>
      new Promise<O>((resolve, reject) => {
        onCall?.();
        list.push({ input, signal, at: clock.now(), resolve, reject });
      });
  const machine = leaderElectionMachine.provide({
    actors: {
      acquireOrRenew: fromPromise(pending(tries)),
      release: fromPromise(pending(releases, () => effects.push(['release']))),
    },
    actions: {
      startedLeading: (_, { reason }) => effects.push(['started', reason]),
      stoppedLeading: (_, { reason }) => effects.push(['stopped', reason]),
    },
  });
  const actor = createActor(machine, { clock, input: INPUT }).start();
  const last = () => {
    const t = tries.at(-1);
    assert.ok(t, 'a try is in flight');
    return t;
  };
  return {
    clock,
    actor,
    tries,
    releases,
    effects,
    state: () => actor.getSnapshot().value,
    reason: (): LeaderElectionReason => actor.getSnapshot().context.lastTransition.reason,
    async advance(ms: number) {
      clock.increment(ms);
      await flush();
    },
    /** Settles the latest try: we hold the lease (the try began `latencyMs` ago). */
    async holding(reason: AcquireReason | 'ownLease' = 'leaseAbsent', latencyMs = 0) {
      const now = clock.now();
      last().resolve({
        outcome: 'holding',
        reason,
        observation: observation('controller-a', now),
        startedAt: now - latencyMs,
        finishedAt: now,
      });
      await flush();
    },
    async heldBy(holder: string, expiresInMs: number) {
      last().resolve({ outcome: 'heldByOther', holder, expiresInMs, observation: observation(holder) });
      await flush();
    },
    async conflict() {
      last().resolve({ outcome: 'conflict', observation: observation('controller-b') });
      await flush();
    },
    async fail(message = 'connect ECONNREFUSED 127.0.0.1:6443') {
      last().reject(new Error(message));
      await flush();
    },
  };
}

/** An elector that has just acquired the lease at clock 0. */
async function leader() {
  const e = elector();
  await flush();
  await e.holding('leaseAbsent');
  assert.ok(e.actor.getSnapshot().matches('leading'));
  return e;
}

describe('leader election machine', () => {
  it('tries at once and leads when it acquires, with the reason of the acquisition', async () => {
    const e = elector();
    await flush();
    assert.equal(e.tries.length, 1);
    assert.deepEqual(e.tries[0]?.input, {
      identity: 'controller-a',
      leaseDurationMs: 4000,
      observation: undefined,
    });
    await e.holding('leaseExpired');
    assert.ok(e.actor.getSnapshot().matches('leading'));
    assert.deepEqual(e.actor.getSnapshot().context.lastTransition, {
      from: 'standby',
      to: 'leading',
      reason: 'leaseExpired',
    });
    assert.deepEqual(e.effects, [['started', 'leaseExpired']]);
  });

  it('in standby, tries again a retry period after each try ends — sooner if the lease runs out first', async () => {
    const e = elector();
    await flush();
    await e.heldBy('controller-b', 2500);
    assert.equal(e.state(), 'standby');
    assert.equal(e.actor.getSnapshot().context.holder, 'controller-b');
    await e.advance(999);
    assert.equal(e.tries.length, 1);
    await e.advance(1);
    assert.equal(e.tries.length, 2);
    // The next answer says the lease runs out in 300 ms: the next try comes then.
    await e.heldBy('controller-b', 300);
    await e.advance(299);
    assert.equal(e.tries.length, 2);
    await e.advance(1);
    assert.equal(e.tries.length, 3);
    assert.equal(e.tries[2]?.input.observation?.spec.holderIdentity, 'controller-b', 'passes what it saw');
    // A slow try is waited for, not overlapped: the retry period counts from its end.
    await e.advance(5000);
    assert.equal(e.tries.length, 3);
    await e.fail();
    assert.equal(e.actor.getSnapshot().context.failures, 1);
    await e.advance(1000);
    assert.equal(e.tries.length, 4);
    assert.deepEqual(e.effects, []);
  });

  it('renews every retry period while leading; each success restarts the renew deadline', async () => {
    const e = await leader();
    await e.advance(999);
    assert.equal(e.tries.length, 1);
    await e.advance(1);
    assert.equal(e.tries.length, 2);
    await e.holding('ownLease');
    // Renewed at 1000: the deadline now ends at 4000, though 3000 has passed since acquiring.
    await e.advance(1000);
    await e.fail();
    await e.advance(1000);
    await e.fail();
    await e.advance(999);
    assert.ok(e.actor.getSnapshot().matches('leading'), 'still leading at 3999');
    await e.advance(1);
    assert.equal(e.state(), 'standby');
    assert.equal(e.reason(), 'renewDeadlineExceeded');
  });

  it('steps down when no renewal succeeds within the renew deadline: stoppedLeading, then standby tries', async () => {
    const e = await leader();
    await e.advance(1000);
    await e.fail();
    await e.advance(1000);
    await e.fail();
    await e.advance(999);
    assert.ok(e.actor.getSnapshot().matches('leading'));
    // The third renewal hangs (an apiserver that accepts and never answers).
    await e.advance(1);
    assert.equal(e.state(), 'standby');
    assert.deepEqual(e.actor.getSnapshot().context.lastTransition, {
      from: 'leading',
      to: 'standby',
      reason: 'renewDeadlineExceeded',
    });
    assert.deepEqual(e.effects, [
      ['started', 'leaseAbsent'],
      ['stopped', 'renewDeadlineExceeded'],
    ]);
    assert.equal(e.tries.length, 4, 'standby tries at once');
    assert.equal(e.actor.getSnapshot().context.failures, 2);
  });

  it('counts the deadline from when the successful try began, not from its answer', async () => {
    const e = elector();
    await flush();
    await e.advance(400);
    await e.holding('leaseAbsent', 400); // began at 0, answered at 400
    await e.advance(2599);
    assert.ok(e.actor.getSnapshot().matches('leading'));
    await e.advance(1);
    assert.equal(e.state(), 'standby');
    // The renewal in flight when the deadline passed was abandoned.
    assert.ok(e.tries[1]?.signal.aborted);
    assert.equal(e.tries.length, 3, 'and standby tries at once');
  });

  it('takes a conflict as a lost race: standby retries, a leader keeps its deadline running', async () => {
    const e = elector();
    await flush();
    await e.conflict();
    assert.equal(e.state(), 'standby');
    assert.equal(e.actor.getSnapshot().context.failures, 0);
    await e.advance(1000);
    await e.holding('leaseAbsent');
    await e.advance(1000);
    await e.conflict();
    await e.advance(1000);
    await e.conflict();
    assert.ok(e.actor.getSnapshot().matches('leading'));
    await e.advance(1000);
    assert.equal(e.reason(), 'renewDeadlineExceeded');
  });

  it('yields at once when a renewal finds the lease held by another', async () => {
    const e = await leader();
    await e.advance(1000);
    await e.heldBy('controller-b', 4000);
    assert.equal(e.state(), 'standby');
    assert.equal(e.reason(), 'leaseTakenBy:controller-b');
    assert.deepEqual(e.effects.at(-1), ['stopped', 'leaseTakenBy:controller-b']);
  });

  it('on stop with release: stops leading first, then writes the empty holder, then is done', async () => {
    const e = await leader();
    e.actor.send({ type: 'leaderElection.stop', release: true });
    await flush();
    assert.equal(e.state(), 'releasing');
    assert.deepEqual(e.effects, [['started', 'leaseAbsent'], ['stopped', 'releaseRequested'], ['release']]);
    assert.deepEqual(e.releases[0]?.input, {
      identity: 'controller-a',
      observation: observation('controller-a', 0),
    });
    e.releases[0].resolve('released');
    await flush();
    assert.equal(e.state(), 'stopped');
    assert.equal(e.actor.getSnapshot().status, 'done');
    assert.deepEqual(e.actor.getSnapshot().context.lastTransition, {
      from: 'releasing',
      to: 'stopped',
      reason: 'released',
    });
  });

  it('a failed release still stops, with its reason', async () => {
    const e = await leader();
    e.actor.send({ type: 'leaderElection.stop', release: true });
    await flush();
    e.releases[0]?.reject(new Error('no answer in 1500 ms'));
    await flush();
    assert.equal(e.state(), 'stopped');
    assert.equal(e.reason(), 'releaseFailed');
    assert.equal(e.actor.getSnapshot().context.lastError, 'no answer in 1500 ms');
  });

  it('on stop without release: a leader stops leading and writes nothing; a standby abandons its try', async () => {
    const e = await leader();
    e.actor.send({ type: 'leaderElection.stop', release: false });
    await flush();
    assert.equal(e.state(), 'stopped');
    assert.deepEqual(e.effects, [
      ['started', 'leaseAbsent'],
      ['stopped', 'stopRequested'],
    ]);
    assert.equal(e.releases.length, 0);

    const s = elector();
    await flush();
    s.actor.send({ type: 'leaderElection.stop', release: true });
    await flush();
    assert.equal(s.state(), 'stopped');
    assert.equal(s.reason(), 'stopRequested');
    assert.ok(s.tries[0]?.signal.aborted);
    assert.deepEqual(s.effects, []);
  });
});
