// The join asks a few seeds, not all of them: on Kubernetes every Node is a seed, and each
// answer is the whole cluster's state. Only when none of the first few answers are the others tried.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimulatedClock } from 'xstate';
import { JOIN_SEEDS } from '../../../src/actors/membership-anti-entropy.js';
import { createMemberTracker } from '../../../src/actors/member-tracker.js';
import { MembershipActor } from '../../../src/actors/membership.actor.js';
import { FAST_TIMING } from '../../../src/core/membership/timing.js';
import type { MemberDigest, SwimReply, SwimRequest } from '../../../src/core/membership/wire.js';
import type { MemberContact, MembershipTransport } from '../../../src/ports/membership-transport.js';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Seeds `s0..s9`; the ones listed in `silent` never answer, the others answer with the whole cluster. */
class SeedsTransport implements MembershipTransport {
  readonly self: MemberContact = { node: 'joiner', peerId: 'peer-joiner' };
  readonly asked: string[] = [];
  constructor(
    private readonly clock: SimulatedClock,
    private readonly silent: ReadonlySet<string>,
  ) {}
  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  remember(): void {}
  request(to: MemberContact, request: SwimRequest): Promise<SwimReply | undefined> {
    return Promise.resolve(
      request.type === 'push-pull'
        ? undefined
        : { type: 'ack', from: to.node, seq: request.seq, incarnation: 0 },
    );
  }
  requestSeed(address: string, _request: SwimRequest, timeoutMs: number): Promise<SwimReply | undefined> {
    this.asked.push(address);
    const members: MemberDigest[] = Array.from({ length: 10 }, (_, i) => ({
      node: `s${i}`,
      incarnation: 1,
      state: 'alive',
      peerId: `peer-s${i}`,
    }));
    return new Promise((resolve) =>
      this.clock.setTimeout(
        () => resolve(this.silent.has(address) ? undefined : { type: 'push-pull', from: address, members }),
        this.silent.has(address) ? timeoutMs : 5,
      ),
    );
  }
  broadcast(): Promise<void> {
    return Promise.resolve();
  }
}

async function joinWith(silent: (seeds: string[]) => string[]) {
  const clock = new SimulatedClock();
  const seeds = Array.from({ length: 10 }, (_, i) => `s${i}`);
  const transport = new SeedsTransport(clock, new Set(silent(seeds)));
  const actor = new MembershipActor({
    self: 'joiner',
    transport,
    clock,
    timing: FAST_TIMING,
    seeds,
    createTracker: (init) => createMemberTracker(init, FAST_TIMING, clock),
    random: () => 0.3,
  });
  const starting = { done: false };
  void actor.start().then(() => (starting.done = true));
  for (let t = 0; !starting.done && t < FAST_TIMING.joinTimeoutMs * 3; t += 5) {
    clock.increment(5);
    await flush();
  }
  assert.ok(starting.done, 'start() returned');
  return { actor, asked: transport.asked };
}

describe('membership actor: joining through many seeds', () => {
  it(`asks ${JOIN_SEEDS} of 10 seeds when they answer, and knows every seed from their answer`, async () => {
    const { actor, asked } = await joinWith(() => []);
    assert.equal(asked.length, JOIN_SEEDS);
    assert.equal(new Set(asked).size, JOIN_SEEDS);
    assert.equal(actor.knowsEverySeed(), true);
  });

  it('asks every seed once when none answers', async () => {
    const { actor, asked } = await joinWith((seeds) => seeds);
    assert.equal(asked.length, 10);
    assert.equal(new Set(asked).size, 10);
    assert.equal(actor.joined(), false);
  });

  it('a join whose first seeds are silent still succeeds through the others', async () => {
    // Silent: the first JOIN_SEEDS the actor will ask, found by a dry run with the same random source.
    const dry = await joinWith(() => []);
    const firstAsked = dry.asked.slice(0, JOIN_SEEDS);
    const { actor, asked } = await joinWith(() => firstAsked);
    assert.deepEqual(asked.slice(0, JOIN_SEEDS), firstAsked);
    assert.equal(asked.length, 10);
    assert.equal(actor.joined(), true);
    assert.equal(actor.memberStates().get('s5')?.state, 'alive');
  });
});
