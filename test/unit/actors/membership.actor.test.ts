// The membership actor on an in-memory network and a simulated clock: SWIM probing, indirect
// probes, Lifeguard suspicion, refutation, leave, and partitions that heal.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimulatedClock } from 'xstate';
import { createMemberTracker } from '../../../src/actors/member-tracker.js';
import { MembershipActor, type MemberChange } from '../../../src/actors/membership.actor.js';
import { FAST_TIMING } from '../../../src/core/membership/timing.js';
import { MemoryNetwork } from '../../fakes/memory-network.js';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A deterministic random source (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function cluster(names: string[]) {
  const clock = new SimulatedClock();
  const network = new MemoryNetwork(clock, 1);
  const changes: (MemberChange & { observer: string; at: number })[] = [];
  const actors = new Map<string, MembershipActor>();
  names.forEach((name, i) => {
    const actor = new MembershipActor({
      self: name,
      transport: network.transport(name),
      clock,
      timing: FAST_TIMING,
      seeds: i === 0 ? [] : [names[0]!],
      createTracker: (init) => createMemberTracker(init, FAST_TIMING, clock),
      random: seeded(i + 1),
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
  const state = (observer: string, member: string) => actors.get(observer)!.memberStates().get(member)?.state;
  // start() waits for the seeds' replies, which travel on the simulated clock: start everyone,
  // then let time run.
  const start = async () => {
    const started = [...actors.values()].map((a) => a.start());
    await advance(50);
    await Promise.all(started);
    await advance(50);
  };
  return { clock, network, actors, changes, advance, state, start };
}

describe('membership actor (memory network, simulated clock)', () => {
  it('joins through a seed: everyone learns everyone', async () => {
    const c = cluster(['m1', 'm2', 'm3']);
    await c.start();
    for (const o of ['m1', 'm2', 'm3'])
      for (const m of ['m1', 'm2', 'm3']) if (o !== m) assert.equal(c.state(o, m), 'alive', `${o} sees ${m}`);
    assert.deepEqual([...c.actors.get('m2')!.aliveNodes()].sort(), ['m1', 'm2', 'm3']);
  });

  it('a pulled cable is found by probing: suspect, then dead within the designed worst case', async () => {
    const c = cluster(['m1', 'm2', 'm3', 'm4']);
    await c.start();
    const cutAt = c.clock.now();
    c.network.cutCable('m4');
    await c.advance(1500);
    for (const o of ['m1', 'm2', 'm3']) {
      const seen = c.changes.filter((x) => x.observer === o && x.node === 'm4');
      assert.deepEqual(seen.map((x) => x.to).slice(-2), ['suspect', 'dead'], o);
      const dead = seen.find((x) => x.to === 'dead')!;
      const suspect = seen.find((x) => x.to === 'suspect')!;
      const t = FAST_TIMING;
      assert.ok(
        dead.at - cutAt <= t.probeIntervalMs + t.probeTimeoutMs + t.probeTimeoutMs + 30 + t.suspicionMaxMs,
        `${o}: ${dead.at - cutAt} ms`,
      );
      assert.ok(dead.at - suspect.at >= t.suspicionMinMs, 'suspicion lasts at least its minimum');
    }
    assert.ok(!c.actors.get('m1')!.aliveNodes().has('m4'));
  });

  it('independent confirmations bring suspicion down to its minimum (Lifeguard)', async () => {
    const c = cluster(['m1', 'm2', 'm3', 'm4', 'm5']);
    await c.start();
    const cutAt = c.clock.now();
    c.network.cutCable('m5');
    await c.advance(1500);
    const deadTimes = ['m1', 'm2', 'm3', 'm4'].map(
      (o) => c.changes.find((x) => x.observer === o && x.node === 'm5' && x.to === 'dead')!.at - cutAt,
    );
    // Without confirmations (K = 2 here) suspicion would last suspicionMaxMs.
    for (const d of deadTimes) assert.ok(d < FAST_TIMING.suspicionMaxMs, `dead after ${d} ms`);
  });

  it('an indirect probe saves a member that only one peer cannot reach', async () => {
    const c = cluster(['m1', 'm2', 'm3']);
    await c.start();
    c.network.blockLink('m1', 'm3');
    await c.advance(2000);
    assert.equal(c.state('m1', 'm3'), 'alive');
    assert.ok(!c.changes.some((x) => x.node === 'm3' && x.to !== 'alive'), 'never suspected');
  });

  it('a killed process is noticed through the closed connection and declared dead quickly', async () => {
    const c = cluster(['m1', 'm2', 'm3']);
    await c.start();
    const killedAt = c.clock.now();
    c.network.kill('m3');
    await c.advance(1000);
    const dead = c.changes.find((x) => x.observer === 'm1' && x.node === 'm3' && x.to === 'dead');
    assert.ok(dead, 'declared dead');
    assert.ok(dead.at - killedAt <= FAST_TIMING.suspicionMinMs + 50, `${dead.at - killedAt} ms`);
  });

  it('a suspected member that is alive refutes with a higher incarnation and worsens its local health', async () => {
    const c = cluster(['m1', 'm2', 'm3']);
    await c.start();
    c.network.freeze('m3');
    for (let waited = 0; c.state('m1', 'm3') !== 'suspect' && waited < 1000; waited += 5) await c.advance(5);
    assert.equal(c.state('m1', 'm3'), 'suspect');
    c.network.thaw('m3');
    await c.advance(20);
    assert.ok(c.actors.get('m3')!.localHealth >= 1, 'having to refute worsens local health');
    await c.advance(1500);
    assert.equal(c.state('m1', 'm3'), 'alive');
    assert.ok(
      (c.actors.get('m1')!.memberStates().get('m3')?.incarnation ?? 0) >= 1,
      'a higher incarnation won',
    );
    assert.ok(
      c.changes.some(
        (x) =>
          x.observer === 'm1' && x.node === 'm3' && x.to === 'alive' && x.reason.startsWith('refutedVia'),
      ),
    );
  });

  it('a graceful leave is seen as left at once, without suspicion', async () => {
    const c = cluster(['m1', 'm2', 'm3']);
    await c.start();
    const stopping = c.actors.get('m2')!.stop();
    await c.advance(FAST_TIMING.leaveFlushMs + 10);
    await stopping;
    await c.advance(20);
    for (const o of ['m1', 'm3']) {
      const seen = c.changes.filter((x) => x.observer === o && x.node === 'm2').map((x) => x.to);
      assert.deepEqual(seen, ['alive', 'left'], o);
    }
  });

  it('partitioned groups mark each other dead and re-merge when the network heals', async () => {
    const c = cluster(['m1', 'm2', 'm3']);
    await c.start();
    c.network.cutCable('m3');
    await c.advance(2000);
    assert.equal(c.state('m1', 'm3'), 'dead');
    assert.equal(c.state('m3', 'm1'), 'dead');
    c.network.healCable('m3');
    await c.advance(FAST_TIMING.pushPullIntervalMs * 3);
    for (const o of ['m1', 'm2']) assert.equal(c.state(o, 'm3'), 'alive', `${o} sees m3 again`);
    assert.equal(c.state('m3', 'm1'), 'alive');
    assert.equal(c.state('m3', 'm2'), 'alive');
  });
});
