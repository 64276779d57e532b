// What keeps the membership actor's cost flat as the cluster grows, on the in-memory network and
// a simulated clock: one death makes a handful of verdict broadcasts (not one per member), seeds
// held alive are not every member's push-pull partner, and a push-pull without news leaves the
// member machines alone. Sizes and costs by N: bench/membership-scale.md.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimulatedClock } from 'xstate';
import { createMemberTracker } from '../../../src/actors/member-tracker.js';
import { MembershipActor } from '../../../src/actors/membership.actor.js';
import { FAST_TIMING } from '../../../src/core/membership/timing.js';
import type { MemberDigest, MemberUpdate } from '../../../src/core/membership/wire.js';
import { MemoryNetwork, type MemoryTransport } from '../../fakes/memory-network.js';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A cluster joining through m1, recording every broadcast, seed request and member-machine event. */
function cluster(size: number) {
  const clock = new SimulatedClock();
  const network = new MemoryNetwork(clock, 1);
  const names = Array.from({ length: size }, (_, i) => `m${i + 1}`);
  const broadcasts: (MemberUpdate & { sender: string })[] = [];
  const seedRequests: string[] = [];
  const machineEvents = new Map<string, number>();
  const transports = new Map<string, MemoryTransport>();
  const actors = new Map(
    names.map((name, i) => {
      const transport = network.transport(name);
      transports.set(name, transport);
      const broadcast = transport.broadcast.bind(transport);
      transport.broadcast = (update) => {
        broadcasts.push({ ...update, sender: name });
        return broadcast(update);
      };
      const requestSeed = transport.requestSeed.bind(transport);
      transport.requestSeed = (address, request, timeoutMs) => {
        seedRequests.push(name);
        return requestSeed(address, request, timeoutMs);
      };
      const actor = new MembershipActor({
        self: name,
        transport,
        clock,
        timing: FAST_TIMING,
        seeds: i === 0 ? [] : ['m1'],
        createTracker: (init) => {
          const tracker = createMemberTracker(init, FAST_TIMING, clock);
          return {
            get state() {
              return tracker.state;
            },
            get incarnation() {
              return tracker.incarnation;
            },
            send: (event) => {
              machineEvents.set(name, (machineEvents.get(name) ?? 0) + 1);
              tracker.send(event);
            },
            stop: () => tracker.stop(),
          };
        },
        random: seeded(i + 1),
      });
      return [name, actor] as const;
    }),
  );
  const get = (name: string): MembershipActor => {
    const actor = actors.get(name);
    if (!actor) throw new Error(name);
    return actor;
  };
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
    await advance(FAST_TIMING.firstContactGraceMs);
  };
  const state = (observer: string, member: string) => get(observer).memberStates().get(member)?.state;
  return {
    clock,
    network,
    names,
    broadcasts,
    seedRequests,
    machineEvents,
    transports,
    get,
    advance,
    start,
    state,
  };
}

describe('membership actor: costs that must not grow with the cluster', () => {
  it('one death: every member learns it, and only members whose own probes failed broadcast the verdict', async () => {
    const c = cluster(12);
    await c.start();
    const mark = c.broadcasts.length;
    c.network.cutCable('m12');
    await c.advance(2000);
    const others = c.names.filter((n) => n !== 'm12');
    for (const o of others) assert.equal(c.state(o, 'm12'), 'dead', `${o} holds m12 dead`);
    const about = c.broadcasts.slice(mark).filter((b) => b.node === 'm12');
    const suspecters = about.filter((b) => b.kind === 'suspect').map((b) => b.sender);
    const judges = about.filter((b) => b.kind === 'dead').map((b) => b.sender);
    assert.ok(judges.length > 0, 'someone announced the death');
    for (const j of judges) assert.ok(suspecters.includes(j), `${j} announced a death it never probed`);
    assert.ok(judges.length < others.length, `${judges.length} verdicts for ${others.length} members`);
    assert.equal(new Set(suspecters).size, suspecters.length, 'one suspicion broadcast per prober');
  });

  it('seeds held alive are not push-pulled every round; a seed held dead is, and the partition heals', async () => {
    const c = cluster(4);
    await c.start();
    let mark = c.seedRequests.length;
    await c.advance(FAST_TIMING.pushPullIntervalMs * 5);
    assert.deepEqual(c.seedRequests.slice(mark), [], 'm1 is alive everywhere: no seed exchange');
    c.network.cutCable('m1');
    await c.advance(2000);
    assert.equal(c.state('m2', 'm1'), 'dead');
    mark = c.seedRequests.length;
    c.network.healCable('m1');
    await c.advance(FAST_TIMING.pushPullIntervalMs * 3);
    assert.ok(c.seedRequests.slice(mark).includes('m2'), 'the dead seed is tried again');
    for (const o of ['m2', 'm3', 'm4']) assert.equal(c.state(o, 'm1'), 'alive', `${o} sees m1 again`);
    assert.equal(c.state('m1', 'm3'), 'alive');
  });

  it('a push-pull carrying nothing new leaves the member machines alone; a newer incarnation gets through', async () => {
    const c = cluster(3);
    await c.start();
    const m1 = c.transports.get('m1');
    assert.ok(m1?.handlers);
    const digest = (incarnationOfM3: number): MemberDigest[] =>
      ['m2', 'm3'].map((node) => ({
        node,
        incarnation: node === 'm3' ? incarnationOfM3 : 0,
        state: 'alive',
        peerId: `peer-${node}`,
        addrs: [`mem://${node}`],
      }));
    const before = c.machineEvents.get('m1') ?? 0;
    await m1.handlers.onRequest({ type: 'push-pull', from: 'm2', members: digest(0) }, { node: 'm2' });
    assert.equal(c.machineEvents.get('m1') ?? 0, before, 'no events for entries without news');
    await m1.handlers.onRequest({ type: 'push-pull', from: 'm2', members: digest(5) }, { node: 'm2' });
    assert.equal(c.get('m1').memberStates().get('m3')?.incarnation, 5);
  });
});
