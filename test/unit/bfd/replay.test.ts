// The session machine fed BIRD's half of a real conversation (frr-bird-ipv4.pcap), in FRR's place:
// same discriminator and timers as FRR had, packets delivered at their captured times on a
// simulated clock. It must go through the states FRR went through, for the same reasons, and
// answer every Poll of BIRD's with a Final.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createActor, SimulatedClock } from 'xstate';
import type { BfdControlPacket } from '../../../src/core/bfd/packet.js';
import { bfdSessionMachine, type BfdTransition } from '../../../src/machines/bfd-session.machine.js';
import { capturedPackets, manifest } from './captures.js';

describe('BFD session machine replaying BIRD from a capture', () => {
  it('comes Up, goes Down on each Down BIRD signalled, and answers every Poll', () => {
    const packets = capturedPackets('frr-bird-ipv4.pcap');
    const { frr, bird } = manifest.frrBird;
    const fromBird = packets.filter((p) => p.source === bird.v4);
    const frrDiscriminator = packets.find((p) => p.source === frr.v4)!.packet.myDiscriminator;
    const clock = new SimulatedClock();
    const transitions: BfdTransition[] = [];
    const sent: { at: number; packet: BfdControlPacket }[] = [];
    const machine = bfdSessionMachine.provide({
      actions: {
        notifyTransition: (_, t) => transitions.push({ from: t.from, to: t.to, reason: t.reason }),
        sendControlPacket: (_, { packet }) => sent.push({ at: clock.now(), packet }),
      },
    });
    const actor = createActor(machine, {
      clock,
      input: {
        localDiscriminator: frrDiscriminator,
        desiredMinTxUs: frr.transmitIntervalMs * 1000,
        requiredMinRxUs: frr.receiveIntervalMs * 1000,
        detectMultiplier: frr.detectMultiplier,
      },
    }).start();
    const start = fromBird[0]!.atMs;
    for (const { atMs, packet, ttl } of fromBird) {
      clock.set(atMs - start);
      actor.send({ type: 'bfd.packet.received', packet, ttl });
      if (packet.poll) {
        const answer = sent.at(-1)!;
        assert.equal(answer.at, clock.now(), 'answered at once');
        assert.ok(answer.packet.final && !answer.packet.poll);
      }
    }
    assert.deepEqual(
      transitions.map((t) => `${t.from}→${t.to} ${t.reason}`),
      [
        'down→init receivedDown', // BIRD starts Down
        'init→up receivedUp', // BIRD went Up on FRR's Init
        'up→down receivedDown', // BIRD's answer to FRR's AdminDown
        'down→init receivedDown',
        'init→up receivedUp', // after FRR's no shutdown
        'up→down receivedDown', // BIRD's detection time expired while FRR was frozen
        'down→up receivedInit',
      ],
    );
    assert.equal(actor.getSnapshot().value, 'up');
    actor.stop();
  });
});
