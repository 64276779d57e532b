// The membership actor with liveness (the real LivenessActor, in-process, over the memory
// network, on a simulated clock): a frozen member is dead within the liveness detection time, a
// killed one within an interval, and a member whose main thread is busy is not suspected while
// its liveness speaks — the same stall without liveness is (the control).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimulatedClock } from 'xstate';
import { createMemberTracker } from '../../../src/actors/member-tracker.js';
import { MembershipActor, type MemberChange } from '../../../src/actors/membership.actor.js';
import { FAST_TIMING, type MembershipTiming } from '../../../src/core/membership/timing.js';
import type { MemberContact } from '../../../src/ports/membership-transport.js';
import { MemoryLivenessNet } from '../../fakes/memory-liveness.js';
import { MemoryNetwork } from '../../fakes/memory-network.js';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
const LIVENESS = FAST_TIMING.liveness!;
const { liveness: _none, ...SWIM_ONLY } = FAST_TIMING;

function cluster(names: string[], timing: MembershipTiming = FAST_TIMING) {
  const clock = new SimulatedClock();
  const network = new MemoryNetwork(clock, 1);
  const liveness = new MemoryLivenessNet(network, clock);
  const changes: (MemberChange & { observer: string; at: number })[] = [];
  const actors = new Map<string, MembershipActor>();
  names.forEach((name, i) => {
    const transport = network.transport(name);
    (transport as { self: MemberContact }).self = {
      ...transport.self,
      peerId: `peer-${name}`,
      addrs: [`/ip4/10.0.0.${i + 1}/tcp/7946`],
    };
    const actor = new MembershipActor({
      self: name,
      transport,
      clock,
      timing,
      seeds: i === 0 ? [] : [names[0]!],
      createTracker: (init) => createMemberTracker(init, timing, clock),
      random: () => ((i + 1) * 0.37) % 1,
      ...(timing.liveness ? { liveness: liveness.member(name, timing.liveness) } : {}),
    });
    actor.onChange((c) => changes.push({ ...c, observer: name, at: clock.now() }));
    actors.set(name, actor);
  });
  const advance = async (ms: number): Promise<void> => {
    for (let t = 0; t < ms; t += 5) {
      clock.increment(5);
      await flush();
    }
  };
  const start = async () => {
    const started = [...actors.values()].map((a) => a.start());
    await advance(50);
    await Promise.all(started);
    await advance(timing.firstContactGraceMs);
  };
  const about = (node: string, to: string) => changes.filter((c) => c.node === node && c.to === to);
  return { clock, network, liveness, actors, changes, advance, start, about };
}

describe('membership actor with liveness (memory network, simulated clock)', () => {
  it('a frozen member (process and worker stopped) is dead everywhere within the detection time', async () => {
    const c = cluster(['m1', 'm2', 'm3']);
    await c.start();
    assert.equal(c.changes.filter((x) => x.to !== 'alive').length, 0, 'nothing suspected before');
    const frozenAt = c.clock.now();
    c.network.freeze('m3');
    c.liveness.frozen.add('m3');
    await c.advance(1000);
    const bound = LIVENESS.intervalMs * (LIVENESS.multiplier + 1) + 10;
    for (const o of ['m1', 'm2']) {
      const dead = c.about('m3', 'dead').find((x) => x.observer === o);
      assert.ok(dead, `${o} declared m3 dead`);
      assert.ok(dead.at - frozenAt <= bound, `${o}: dead after ${dead.at - frozenAt} ms (bound ${bound})`);
      const suspect = c.about('m3', 'suspect').find((x) => x.observer === o)!;
      assert.ok(
        ['livenessLost', 'suspectedBy:m1', 'suspectedBy:m2'].includes(suspect.reason),
        suspect.reason,
      );
    }
  });

  it('without liveness the same freeze takes SWIM its probe round and suspicion (the control)', async () => {
    const c = cluster(['m1', 'm2', 'm3'], SWIM_ONLY);
    await c.start();
    const frozenAt = c.clock.now();
    c.network.freeze('m3');
    await c.advance(1500);
    const dead = c.about('m3', 'dead').find((x) => x.observer === 'm1');
    assert.ok(dead && dead.at - frozenAt > LIVENESS.intervalMs * (LIVENESS.multiplier + 1) + 10);
  });

  it('a killed member is refused by its host and dead within an interval or so', async () => {
    const c = cluster(['m1', 'm2', 'm3']);
    await c.start();
    const killedAt = c.clock.now();
    c.liveness.killed.add('m3');
    await c.advance(200);
    for (const o of ['m1', 'm2']) {
      const dead = c.about('m3', 'dead').find((x) => x.observer === o);
      assert.ok(dead, `${o} declared m3 dead`);
      assert.ok(dead.at - killedAt <= LIVENESS.intervalMs + 10, `${o}: ${dead.at - killedAt} ms`);
    }
  });

  it('a member whose main thread stalls (SWIM unanswered, liveness on) is not suspected', async () => {
    const c = cluster(['m1', 'm2', 'm3']);
    await c.start();
    for (let i = 0; i < 5; i++) {
      c.network.freeze('m3');
      await c.advance(600);
      c.network.thaw('m3');
      await c.advance(1000);
    }
    assert.deepEqual(
      c.changes.filter((x) => x.node === 'm3' && x.to !== 'alive').map((x) => `${x.observer}:${x.reason}`),
      [],
    );
  });

  it('the same stalls without liveness are suspected (the control: the test above can fail)', async () => {
    const c = cluster(['m1', 'm2', 'm3'], SWIM_ONLY);
    await c.start();
    for (let i = 0; i < 5; i++) {
      c.network.freeze('m3');
      await c.advance(600);
      c.network.thaw('m3');
      await c.advance(1000);
    }
    assert.ok(c.about('m3', 'suspect').length > 0);
  });

  it('a cut cable: both sides lose each other; the two that still hear each other agree on the death', async () => {
    const c = cluster(['m1', 'm2', 'm3']);
    await c.start();
    const cutAt = c.clock.now();
    c.network.cutCable('m3');
    await c.advance(1000);
    for (const o of ['m1', 'm2']) {
      const dead = c.about('m3', 'dead').find((x) => x.observer === o)!;
      assert.ok(
        dead.at - cutAt <= LIVENESS.intervalMs * (LIVENESS.multiplier + 1) + 10,
        `${dead.at - cutAt}`,
      );
    }
    // m3 alone has nobody to confirm: its suspicions last livenessSuspicion (then dead).
    const isolated = c.about('m1', 'dead').find((x) => x.observer === 'm3')!;
    assert.ok(isolated.at - cutAt >= LIVENESS.multiplier * LIVENESS.intervalMs + LIVENESS.suspicionMs - 5);
    // The cable back: everyone alive again.
    c.network.healCable('m3');
    await c.advance(5000);
    for (const o of ['m1', 'm2']) assert.equal(c.actors.get(o)!.memberStates().get('m3')?.state, 'alive');
  });
});
