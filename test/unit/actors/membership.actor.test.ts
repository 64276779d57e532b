// The membership actor on an in-memory network and a simulated clock: SWIM probing, indirect
// probes, Lifeguard suspicion, refutation, leave, and partitions that heal.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimulatedClock } from 'xstate';
import { createMemberTracker } from '../../../src/actors/member-tracker.js';
import { MembershipActor, type MemberChange } from '../../../src/actors/membership.actor.js';
import { FAST_TIMING } from '../../../src/core/membership/timing.js';
import type { MemberUpdate, SwimReply, SwimRequest } from '../../../src/core/membership/wire.js';
import type {
  MemberContact,
  MembershipTransport,
  TransportHandlers,
} from '../../../src/ports/membership-transport.js';
import { MemoryNetwork } from '../../fakes/memory-network.js';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Whether a promise has settled yet (time in these tests moves only when the test moves it). */
function tracked(promise: Promise<unknown>): { done: boolean } {
  const state = { done: false };
  void promise.finally(() => (state.done = true));
  return state;
}

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
  /**
   * A member process joining through the first name. A restart passes a higher incarnation and,
   * as a real process would have, a new peer id.
   */
  const spawn = (name: string, seeds: string[], initialIncarnation = 0): MembershipActor => {
    const transport = network.transport(name);
    (transport as { self: MemberContact }).self = {
      ...transport.self,
      peerId: `peer-${name}#${initialIncarnation}`,
    };
    const actor = new MembershipActor({
      self: name,
      transport,
      clock,
      timing: FAST_TIMING,
      seeds,
      createTracker: (init) => createMemberTracker(init, FAST_TIMING, clock),
      random: seeded(names.indexOf(name) + 1 + initialIncarnation),
      initialIncarnation,
    });
    actor.onChange((c) => changes.push({ ...c, observer: name, at: clock.now() }));
    actors.set(name, actor);
    return actor;
  };
  names.forEach((name, i) => spawn(name, i === 0 ? [] : [names[0]!]));
  const advance = async (ms: number): Promise<void> => {
    for (let t = 0; t < ms; t += 5) {
      clock.increment(5);
      await flush();
    }
  };
  const state = (observer: string, member: string) => actors.get(observer)!.memberStates().get(member)?.state;
  // start() waits for the seeds' replies, which travel on the simulated clock: start everyone,
  // then let time run past the first-contact grace, so members are judged as long-known ones.
  const start = async () => {
    const started = [...actors.values()].map((a) => a.start());
    await advance(50);
    await Promise.all(started);
    await advance(FAST_TIMING.firstContactGraceMs);
  };
  /** Starts a member alone and lets time run until its join (push-pull with the seed) is done. */
  const join = async (actor: MembershipActor): Promise<void> => {
    const starting = tracked(actor.start());
    while (!starting.done) await advance(1);
  };
  return { clock, network, actors, changes, advance, state, start, spawn, join };
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
      // First contact was made long ago: no grace, suspected within one probe round.
      assert.ok(
        suspect.at - cutAt <= t.probeIntervalMs + 2 * t.probeTimeoutMs + 30 + 10,
        `${o} suspected after ${suspect.at - cutAt} ms`,
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

/** Changes about `member` after index `from` that accuse it: suspect or dead. */
const accusations = (changes: readonly (MemberChange & { observer: string })[], member: string, from = 0) =>
  changes
    .slice(from)
    .filter((x) => x.node === member && (x.to === 'suspect' || x.to === 'dead'))
    .map((x) => `${x.observer}: ${x.to} (${x.reason})`);

describe('membership actor: joining and restarting (first contact)', () => {
  it('a member busy right after joining (answering nothing for a while) is not suspected', async () => {
    const c = cluster(['m1', 'm2', 'm3']);
    const [m1, m2, m3] = ['m1', 'm2', 'm3'].map((n) => c.actors.get(n)!);
    await c.join(m1!);
    await c.join(m2!);
    await c.advance(500);
    await c.join(m3!);
    assert.equal(c.state('m1', 'm3'), 'alive', 'the seed learned of m3 from its push-pull');
    // A starting speaker answers a first probe or two, then is busy (loading config, drawing
    // charts, a cold JIT) for longer than a probe timeout: seen in the lab after every restart.
    await c.advance(FAST_TIMING.probeIntervalMs + 20);
    c.network.freeze('m3');
    await c.advance(600);
    c.network.thaw('m3');
    await c.advance(2000);
    assert.deepEqual(accusations(c.changes, 'm3'), []);
    // ... and the joiner, whose own probes failed meanwhile, accused nobody either.
    assert.deepEqual([...accusations(c.changes, 'm1'), ...accusations(c.changes, 'm2')], []);
    assert.equal(c.state('m1', 'm3'), 'alive');
    assert.equal(c.state('m3', 'm2'), 'alive');
  });

  it('a member that never answers after joining is still declared dead once the grace is over', async () => {
    const c = cluster(['m1', 'm2', 'm3']);
    const [m1, m2, m3] = ['m1', 'm2', 'm3'].map((n) => c.actors.get(n)!);
    await c.join(m1!);
    await c.join(m2!);
    await c.advance(500);
    await c.join(m3!);
    const joinedAt = c.clock.now();
    c.network.freeze('m3');
    await c.advance(FAST_TIMING.firstContactGraceMs + 1500);
    const t = FAST_TIMING;
    for (const o of ['m1', 'm2']) {
      const seen = c.changes.filter((x) => x.observer === o && x.node === 'm3');
      const suspect = seen.find((x) => x.to === 'suspect');
      const dead = seen.find((x) => x.to === 'dead');
      assert.ok(suspect && dead, `${o} declared m3 dead`);
      assert.ok(suspect.at - joinedAt >= t.firstContactGraceMs - 5, `${o}: not suspected during the grace`);
      assert.ok(
        dead.at - joinedAt <=
          t.firstContactGraceMs + t.probeIntervalMs + 2 * t.probeTimeoutMs + 30 + t.suspicionMaxMs,
        `${o}: dead ${dead.at - joinedAt} ms after the join`,
      );
    }
  });

  it('a restarted member (a new process, higher incarnation) gets a first-contact grace again', async () => {
    const c = cluster(['m1', 'm2', 'm3']);
    await c.start();
    c.network.kill('m3');
    await c.advance(1000);
    assert.equal(c.state('m1', 'm3'), 'dead');
    const mark = c.changes.length;
    const restarted = c.spawn('m3', ['m1'], 1_000_000);
    await c.join(restarted);
    assert.equal(c.state('m1', 'm3'), 'alive', 'rejoined');
    c.network.freeze('m3');
    await c.advance(600);
    c.network.thaw('m3');
    await c.advance(2000);
    assert.deepEqual(accusations(c.changes, 'm3', mark), []);
    assert.equal(c.state('m2', 'm3'), 'alive');
  });
});

/** A transport that records what the actor asks of it and answers from a script. */
class ScriptedTransport implements MembershipTransport {
  readonly self: MemberContact = { node: 'm1', peerId: 'peer-m1' };
  handlers: TransportHandlers | undefined;
  readonly calls: string[] = [];
  readonly probedPeers: (string | undefined)[] = [];

  constructor(
    private readonly clock: SimulatedClock,
    private readonly seedReply: SwimReply,
    private readonly seedDelayMs: number,
  ) {}

  start(handlers: TransportHandlers): Promise<void> {
    this.handlers = handlers;
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  remember(): void {}
  request(to: MemberContact, request: SwimRequest): Promise<SwimReply | undefined> {
    this.calls.push(`request:${request.type}:${to.node}`);
    if (request.type === 'ping') this.probedPeers.push(to.peerId);
    return Promise.resolve(
      request.type === 'push-pull'
        ? undefined
        : { type: 'ack', from: to.node, seq: request.seq, incarnation: 0 },
    );
  }
  /** The seed answers after seedDelayMs, or not at all within a shorter timeout. */
  requestSeed(address: string, _request: SwimRequest, timeoutMs: number): Promise<SwimReply | undefined> {
    this.calls.push(`seed:${address}`);
    return new Promise((resolve) =>
      this.clock.setTimeout(
        () => resolve(timeoutMs >= this.seedDelayMs ? this.seedReply : undefined),
        Math.min(timeoutMs, this.seedDelayMs),
      ),
    );
  }
  broadcast(update: MemberUpdate): Promise<void> {
    this.calls.push(`broadcast:${update.kind}:${update.node}`);
    return Promise.resolve();
  }
}

describe('membership actor: what the grace does not cover', () => {
  it('a member killed moments after joining is found at once: a closed connection is no slow start', async () => {
    const c = cluster(['m1', 'm2', 'm3']);
    const [m1, m2, m3] = ['m1', 'm2', 'm3'].map((n) => c.actors.get(n)!);
    await c.join(m1!);
    await c.join(m2!);
    await c.advance(500);
    await c.join(m3!);
    await c.advance(200);
    const killedAt = c.clock.now();
    c.network.kill('m3');
    await c.advance(1000);
    const dead = c.changes.find((x) => x.observer === 'm1' && x.node === 'm3' && x.to === 'dead');
    assert.ok(dead, 'declared dead');
    assert.ok(dead.at - killedAt <= FAST_TIMING.suspicionMinMs + 50, `${dead.at - killedAt} ms`);
  });

  it('a member back from a partition (the same process) is judged at once when it fails again', async () => {
    const c = cluster(['m1', 'm2', 'm3']);
    await c.start();
    c.network.cutCable('m3');
    await c.advance(2000);
    assert.equal(c.state('m1', 'm3'), 'dead');
    c.network.healCable('m3');
    await c.advance(FAST_TIMING.pushPullIntervalMs * 3);
    assert.equal(c.state('m1', 'm3'), 'alive');
    const cutAgainAt = c.clock.now();
    c.network.cutCable('m3');
    await c.advance(1000);
    const suspected = c.changes.find(
      (x) => x.observer === 'm1' && x.node === 'm3' && x.to === 'suspect' && x.at >= cutAgainAt,
    );
    assert.ok(suspected, 'suspected again');
    const t = FAST_TIMING;
    assert.ok(
      suspected.at - cutAgainAt <= t.probeIntervalMs + 2 * t.probeTimeoutMs + 30 + 10,
      `suspected ${suspected.at - cutAgainAt} ms after the second cut`,
    );
  });
});

describe('membership actor: join order and contact details', () => {
  const seedReply: SwimReply = {
    type: 'push-pull',
    from: 's1',
    members: [{ node: 's1', incarnation: 3, state: 'alive', peerId: 'peer-s1' }],
  };
  const actorOn = (transport: ScriptedTransport, clock: SimulatedClock, seeds = ['10.0.0.1:7946']) =>
    new MembershipActor({
      self: 'm1',
      transport,
      clock,
      timing: FAST_TIMING,
      seeds,
      createTracker: (init) => createMemberTracker(init, FAST_TIMING, clock),
      random: seeded(7),
    });

  it('waits for a slow seed (longer than a probe round trip) and announces itself only after the join', async () => {
    const clock = new SimulatedClock();
    // A fresh process's first connection on a busy machine: slower than 4 probe timeouts.
    const transport = new ScriptedTransport(clock, seedReply, FAST_TIMING.probeTimeoutMs * 8);
    const actor = actorOn(transport, clock);
    const starting = tracked(actor.start());
    for (let t = 0; t < FAST_TIMING.joinTimeoutMs + 100 && !starting.done; t += 5) {
      clock.increment(5);
      await flush();
    }
    assert.ok(starting.done, 'start() returned');
    assert.equal(actor.joined(), true, 'the join found the seed');
    assert.equal(actor.memberStates().get('s1')?.state, 'alive');
    assert.deepEqual(transport.calls.slice(0, 2), ['seed:10.0.0.1:7946', 'broadcast:alive:m1']);
  });

  it('a join that reached one of two seeds has joined but does not know every seed until the other arrives', async () => {
    const clock = new SimulatedClock();
    // Both seed addresses answer with s1's view only: the second node has not started yet.
    const transport = new ScriptedTransport(clock, seedReply, 1);
    const actor = actorOn(transport, clock, ['10.0.0.1:7946', '10.0.0.2:7946']);
    const starting = tracked(actor.start());
    while (!starting.done) {
      await flush();
      clock.increment(1);
    }
    assert.equal(actor.joined(), true);
    assert.equal(actor.knowsEverySeed(), false, 'one member for two seeds');
    transport.handlers!.onUpdate({
      kind: 'alive',
      node: 's2',
      incarnation: 1,
      from: 's2',
      peerId: 'peer-s2',
    });
    await flush();
    assert.equal(actor.knowsEverySeed(), true, 's2 announced itself');
  });

  it("a stale digest listing a restarted member's previous process does not redirect our probes to it", async () => {
    const clock = new SimulatedClock();
    const transport = new ScriptedTransport(clock, seedReply, 1);
    const actor = actorOn(transport, clock);
    const starting = tracked(actor.start());
    while (!starting.done) {
      await flush();
      clock.increment(1);
    }
    // m2 restarted: its new process (incarnation 9) announced itself ...
    transport.handlers!.onUpdate({
      kind: 'alive',
      node: 'm2',
      incarnation: 9,
      from: 'm2',
      peerId: 'peer-m2-new',
    });
    // ... and then a push-pull from a member that has not heard yet lists its previous life.
    transport.handlers!.onUpdate({
      kind: 'alive',
      node: 'm2',
      incarnation: 8,
      from: 's1',
      peerId: 'peer-m2-old',
    });
    transport.probedPeers.length = 0;
    for (let t = 0; t < FAST_TIMING.probeIntervalMs * 3; t += 5) {
      clock.increment(5);
      await flush();
    }
    const probedM2 = transport.calls.some((c) => c === 'request:ping:m2');
    assert.ok(probedM2, 'm2 was probed');
    assert.ok(!transport.probedPeers.includes('peer-m2-old'), 'never at the old process');
    assert.ok(transport.probedPeers.includes('peer-m2-new'));
  });
});
