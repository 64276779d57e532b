// The MembershipTransport contract: what the membership actor relies on from any transport. Run
// against the in-memory fake (test/unit/membership/contract-memory.test.ts) and against libp2p on
// loopback (test/integration/membership-contract.test.ts), so the fake cannot drift from the real
// adapter. Time is real in both runs; waits poll until a deadline, nothing asserts a duration.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createMemberTracker } from '../../../src/actors/member-tracker.js';
import { MembershipActor } from '../../../src/actors/membership.actor.js';
import { FAST_TIMING } from '../../../src/core/membership/timing.js';
import type { MemberUpdate, SwimReply, SwimRequest } from '../../../src/core/membership/wire.js';
import type { Clock } from '../../../src/ports/clock.js';
import type {
  MemberContact,
  MembershipTransport,
  TransportHandlers,
} from '../../../src/ports/membership-transport.js';

export interface TransportHarness {
  /** A transport for `node` (not started) and the `host:port`-style address seeds use for it. */
  make(node: string): Promise<{ transport: MembershipTransport; address: string }>;
  /** The clock the transport's time runs on. */
  readonly clock: Clock;
  close(): Promise<void>;
}

/** Records what a transport delivers; answers pings with an ack, push-pulls with its own name. */
class Recorder implements TransportHandlers {
  readonly requests: { request: SwimRequest; contact: MemberContact }[] = [];
  readonly updates: MemberUpdate[] = [];
  readonly disconnected: string[] = [];
  readonly refused: string[] = [];
  /** When set, requests are never answered (a hung process). */
  silent = false;

  constructor(private readonly node: string) {}

  onRequest(request: SwimRequest, contact: MemberContact): Promise<SwimReply> {
    this.requests.push({ request, contact });
    if (this.silent) return new Promise(() => undefined);
    return Promise.resolve(
      request.type === 'push-pull'
        ? {
            type: 'push-pull',
            from: this.node,
            members: [{ node: this.node, incarnation: 7, state: 'alive' }],
          }
        : { type: 'ack', from: this.node, seq: request.seq, incarnation: 7 },
    );
  }
  onUpdate(update: MemberUpdate): void {
    this.updates.push(update);
  }
  onDisconnected(node: string): void {
    this.disconnected.push(node);
  }
  onRefused(node: string): void {
    this.refused.push(node);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`not within ${ms} ms: ${what}`);
    await sleep(10);
  }
}

export function membershipTransportContract(name: string, createHarness: () => TransportHarness): void {
  describe(`MembershipTransport contract: ${name}`, () => {
    const harness = createHarness();
    after(() => harness.close());
    const started = async (node: string) => {
      const { transport, address } = await harness.make(node);
      const recorder = new Recorder(node);
      await transport.start(recorder);
      return { transport, address, recorder };
    };

    it('a seed address reaches its member; the reply comes back whole; the request names its sender', async () => {
      const seed = await started('c-seed');
      const joiner = await started('c-joiner');
      assert.equal(joiner.transport.self.node, 'c-joiner');
      assert.ok(joiner.transport.self.peerId, 'a started transport knows its own peer id');
      const request: SwimRequest = { type: 'push-pull', from: 'c-joiner', members: [] };
      const reply = await joiner.transport.requestSeed(seed.address, request, 5000);
      assert.deepEqual(reply, {
        type: 'push-pull',
        from: 'c-seed',
        members: [{ node: 'c-seed', incarnation: 7, state: 'alive' }],
      });
      assert.deepEqual(seed.recorder.requests.at(-1)?.request, request);
      assert.equal(seed.recorder.requests.at(-1)?.contact.node, 'c-joiner');
      // ... and the seed can answer back by name alone: the request taught it how.
      const back = await seed.transport.request(
        { node: 'c-joiner' },
        { type: 'ping', from: 'c-seed', seq: 3 },
        5000,
      );
      assert.deepEqual(back, { type: 'ack', from: 'c-joiner', seq: 3, incarnation: 7 });
    });

    it('a member is reached by the contact details it publishes (self), as learned from gossip', async () => {
      const a = await started('c-a');
      const b = await started('c-b');
      a.transport.remember(b.transport.self);
      const reply = await a.transport.request(
        { node: 'c-b' },
        { type: 'ping-req', from: 'c-a', seq: 9, target: 'c-x', timeoutMs: 100, suspect: 2 },
        5000,
      );
      assert.deepEqual(reply, { type: 'ack', from: 'c-b', seq: 9, incarnation: 7 });
      assert.deepEqual(b.recorder.requests.at(-1)?.request, {
        type: 'ping-req',
        from: 'c-a',
        seq: 9,
        target: 'c-x',
        timeoutMs: 100,
        suspect: 2,
      });
    });

    it('a request nobody answers resolves undefined (it does not hang)', async () => {
      const a = await started('c-asker');
      const b = await started('c-hung');
      a.transport.remember(b.transport.self);
      assert.equal(
        (await a.transport.request({ node: 'c-hung' }, { type: 'ping', from: 'c-asker', seq: 1 }, 5000))
          ?.type,
        'ack',
      );
      b.recorder.silent = true;
      const reply = await a.transport.request(
        { node: 'c-hung' },
        { type: 'ping', from: 'c-asker', seq: 2 },
        200,
      );
      assert.equal(reply, undefined);
    });

    it('a seed list naming this member itself costs nothing: no reply, no request to itself', async () => {
      const a = await started('c-self');
      const reply = await a.transport.requestSeed(a.address, { type: 'ping', from: 'c-self', seq: 1 }, 1000);
      assert.equal(reply, undefined);
      assert.equal(a.recorder.requests.length, 0);
    });

    it('a broadcast reaches every other member, not the sender, and a repeated update arrives again', async () => {
      const members = await Promise.all(['c-g1', 'c-g2', 'c-g3'].map((n) => started(n)));
      const [g1, g2, g3] = members as [(typeof members)[0], (typeof members)[0], (typeof members)[0]];
      // Connected as the membership actor connects them: a join (push-pull) with g1.
      for (const m of [g2, g3])
        await m.transport.requestSeed(
          g1.address,
          { type: 'push-pull', from: m.transport.self.node, members: [] },
          5000,
        );
      const update: MemberUpdate = { kind: 'suspect', node: 'c-g3', incarnation: 4, from: 'c-g1' };
      const heard = (r: Recorder) =>
        r.updates.filter((u) => u.node === 'c-g3' && u.kind === 'suspect').length;
      // Gossip meshes form in the background: repeat until both have heard it once.
      await eventually(() => {
        if (heard(g2.recorder) === 0 || heard(g3.recorder) === 0) void g1.transport.broadcast(update);
        return heard(g2.recorder) > 0 && heard(g3.recorder) > 0;
      }, 'the update to reach g2 and g3');
      const before = heard(g2.recorder);
      await g1.transport.broadcast(update);
      await eventually(() => heard(g2.recorder) > before, 'the same update, sent again, to arrive again');
      const got = g2.recorder.updates.find((u) => u.node === 'c-g3');
      assert.deepEqual({ ...got, nonce: undefined }, { ...update, nonce: undefined });
      assert.equal(heard(g1.recorder), 0, 'the sender does not hear itself');
    });

    it('a stopped member: its peers are told the connection closed, requests to it fail, and its host refuses', async () => {
      const a = await started('c-stayer');
      const b = await started('c-goner');
      a.transport.remember(b.transport.self);
      assert.equal(
        (await a.transport.request({ node: 'c-goner' }, { type: 'ping', from: 'c-stayer', seq: 1 }, 5000))
          ?.type,
        'ack',
      );
      await b.transport.stop();
      await eventually(() => a.recorder.disconnected.includes('c-goner'), 'onDisconnected(c-goner)');
      const reply = await a.transport.request(
        { node: 'c-goner' },
        { type: 'ping', from: 'c-stayer', seq: 2 },
        300,
      );
      assert.equal(reply, undefined);
      assert.ok(a.recorder.refused.includes('c-goner'), 'the refusal is reported: the process is gone');
      assert.ok(!a.recorder.refused.includes('c-stayer'));
    });

    it('a member that is only slow is not reported refused', async () => {
      const a = await started('c-patient');
      const b = await started('c-slow');
      a.transport.remember(b.transport.self);
      b.recorder.silent = true;
      const reply = await a.transport.request(
        { node: 'c-slow' },
        { type: 'ping', from: 'c-patient', seq: 1 },
        200,
      );
      assert.equal(reply, undefined);
      assert.deepEqual(a.recorder.refused, []);
    });

    it('membership actors over this transport join, see each other alive, and see a leave', async () => {
      const names = ['c-m1', 'c-m2', 'c-m3'];
      const made = await Promise.all(names.map((n) => harness.make(n)));
      const actors = made.map(
        ({ transport }, i) =>
          new MembershipActor({
            self: names[i]!,
            transport,
            clock: harness.clock,
            timing: FAST_TIMING,
            seeds: i === 0 ? [] : [made[0]!.address],
            createTracker: (init) => createMemberTracker(init, FAST_TIMING, harness.clock),
          }),
      );
      await Promise.all(actors.map((a) => a.start()));
      const sees = (i: number, node: string, state: string) =>
        actors[i]!.memberStates().get(node)?.state === state;
      await eventually(
        () => names.every((n, i) => names.every((o) => o === n || sees(i, o, 'alive'))),
        'everyone to see everyone alive',
      );
      await actors[2]!.stop();
      await eventually(() => sees(0, 'c-m3', 'left') && sees(1, 'c-m3', 'left'), 'c-m3 seen as left');
      await Promise.all(actors.slice(0, 2).map((a) => a.stop()));
    });
  });
}
