// Partitions re-merge without seeds: members held dead are tried again (Serf's reconnect), so two
// members that met through gossip alone find each other after their link comes back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimulatedClock } from 'xstate';
import { createMemberTracker } from '../../../src/actors/member-tracker.js';
import { MembershipActor } from '../../../src/actors/membership.actor.js';
import { FAST_TIMING } from '../../../src/core/membership/timing.js';
import { MemoryNetwork } from '../../fakes/memory-network.js';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('membership actor: reconnecting to members held dead', () => {
  it('two members without seeds hold each other dead across a cut, and alive again once it heals', async () => {
    const clock = new SimulatedClock();
    const network = new MemoryNetwork(clock, 1);
    const actors = ['a', 'b'].map(
      (name, i) =>
        new MembershipActor({
          self: name,
          transport: network.transport(name),
          clock,
          timing: FAST_TIMING,
          seeds: [],
          createTracker: (init) => createMemberTracker(init, FAST_TIMING, clock),
          random: () => (i + 1) / 4,
        }),
    );
    const [a, b] = actors as [MembershipActor, MembershipActor];
    const advance = async (ms: number): Promise<void> => {
      for (let t = 0; t < ms; t += 5) {
        clock.increment(5);
        await flush();
      }
    };
    await Promise.all(actors.map((x) => x.start()));
    // They meet through one another's announcements only (no seed lists).
    for (const [to, from] of [
      ['a', 'b'],
      ['b', 'a'],
    ] as const)
      network.transports.get(to)?.handlers?.onUpdate({
        kind: 'alive',
        node: from,
        incarnation: 0,
        from,
        peerId: `peer-${from}`,
        addrs: [`mem://${from}`],
      });
    await advance(FAST_TIMING.firstContactGraceMs + 500);
    assert.equal(a.memberStates().get('b')?.state, 'alive');
    network.cutCable('b');
    await advance(3000);
    assert.equal(a.memberStates().get('b')?.state, 'dead');
    assert.equal(b.memberStates().get('a')?.state, 'dead');
    network.healCable('b');
    await advance(FAST_TIMING.pushPullIntervalMs * 5);
    assert.equal(a.memberStates().get('b')?.state, 'alive', 'a sees b again');
    assert.equal(b.memberStates().get('a')?.state, 'alive', 'b sees a again');
  });
});

describe('membership actor: a refused connection is a verdict', () => {
  it('a killed member is dead the moment its host refuses the probe; a cut one still waits out its suspicion', async () => {
    const clock = new SimulatedClock();
    const network = new MemoryNetwork(clock, 1);
    const names = ['k1', 'k2', 'k3', 'k4'];
    const changes: { observer: string; node: string; to: string; reason: string; at: number }[] = [];
    const actors = names.map((name, i) => {
      const actor = new MembershipActor({
        self: name,
        transport: network.transport(name),
        clock,
        timing: FAST_TIMING,
        seeds: i === 0 ? [] : ['k1'],
        createTracker: (init) => createMemberTracker(init, FAST_TIMING, clock),
        random: () => (i + 1) / 5,
      });
      actor.onChange((c) => changes.push({ ...c, observer: name, at: clock.now() }));
      return actor;
    });
    const advance = async (ms: number): Promise<void> => {
      for (let t = 0; t < ms; t += 5) {
        clock.increment(5);
        await flush();
      }
    };
    const started = actors.map((a) => a.start());
    await advance(50);
    await Promise.all(started);
    await advance(FAST_TIMING.firstContactGraceMs + 500);
    const about = (node: string, to: string) =>
      changes.filter((c) => c.observer === 'k1' && c.node === node && c.to === to);

    network.kill('k4');
    await advance(100);
    const [suspected] = about('k4', 'suspect');
    const [dead] = about('k4', 'dead');
    assert.ok(suspected && dead, 'k1 declared k4 dead');
    assert.equal(dead.at, suspected.at, 'no suspicion to wait out');

    network.cutCable('k3');
    await advance(2000);
    const [cutSuspected] = about('k3', 'suspect');
    const [cutDead] = about('k3', 'dead');
    assert.ok(cutSuspected && cutDead, 'k1 declared k3 dead');
    assert.ok(cutDead.at - cutSuspected.at >= FAST_TIMING.suspicionMinMs, 'silence is only suspicious');
  });
});
