// BFD session machine (RFC 5880 §6.2, §6.8): every transition of the state diagram, the
// detection time, transmit intervals, poll sequences, passive mode and TTL checks — on a
// SimulatedClock, with the named effects recorded through machine.provide().
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createActor, SimulatedClock } from 'xstate';
import { BfdDiagnostic } from '../../../src/core/bfd/diagnostic.js';
import type { BfdControlPacket, BfdState } from '../../../src/core/bfd/packet.js';
import {
  bfdSessionMachine,
  type BfdSessionInput,
  type BfdSessionStateValue,
} from '../../../src/machines/bfd-session.machine.js';

const LOCAL = 0x1111;
const REMOTE = 0x2222;
const ms = 1000;
const INPUT: BfdSessionInput = {
  localDiscriminator: LOCAL,
  desiredMinTxUs: 300 * ms,
  requiredMinRxUs: 250 * ms,
  detectMultiplier: 3,
};

interface Effect {
  readonly type: string;
  readonly params: Record<string, unknown>;
  readonly at: number;
}

/** A packet from the remote; Your Discriminator is ours unless it says otherwise. */
function remote(state: BfdState, fields: Partial<BfdControlPacket> = {}): BfdControlPacket {
  return {
    diagnostic: 0,
    state,
    poll: false,
    final: false,
    controlPlaneIndependent: false,
    demand: false,
    multipoint: false,
    detectMultiplier: 3,
    myDiscriminator: REMOTE,
    yourDiscriminator: LOCAL,
    desiredMinTxUs: state === 'up' ? 300 * ms : 1000 * ms,
    requiredMinRxUs: 300 * ms,
    requiredMinEchoRxUs: 0,
    authentication: undefined,
    ...fields,
  };
}

const EFFECTS = [
  'startTransmitting',
  'updateTransmitInterval',
  'stopTransmitting',
  'sendControlPacket',
  'sessionUp',
  'sessionDown',
  'notifyTransition',
  'packetDropped',
] as const;

/** A session on a simulated clock; every named effect is recorded with the time it ran. */
function session(input: BfdSessionInput = INPUT) {
  const clock = new SimulatedClock();
  const effects: Effect[] = [];
  const record = (type: string) => (_: unknown, params: unknown) =>
    effects.push({ type, params: params as Record<string, unknown>, at: clock.now() });
  const machine = bfdSessionMachine.provide({
    actions: Object.fromEntries(EFFECTS.map((type) => [type, record(type)])),
  });
  const actor = createActor(machine, { clock, input }).start();
  const receive = (packet: BfdControlPacket, ttl = 255) =>
    actor.send({ type: 'bfd.packet.received', packet, ttl });
  const state = (): BfdSessionStateValue => actor.getSnapshot().value;
  const context = () => actor.getSnapshot().context;
  const of = (type: (typeof EFFECTS)[number]) => effects.filter((e) => e.type === type);
  const sent = () => of('sendControlPacket').map((e) => e.params.packet as BfdControlPacket);
  const lastSent = () => sent().at(-1)!;
  /** The actor's periodic timer firing: returns the packet the machine sent for it. */
  const tick = () => {
    const before = sent().length;
    actor.send({ type: 'bfd.transmit.due' });
    return sent().length > before ? lastSent() : undefined;
  };
  const advance = (msToGo: number) => clock.increment(msToGo);
  /** Down → Init → Up by the three-way handshake, the remote sending `up` fields. */
  const bringUp = (fields: Partial<BfdControlPacket> = {}) => {
    receive(remote('down', { yourDiscriminator: 0 }));
    receive(remote('up', fields));
    assert.equal(state(), 'up');
  };
  return { clock, actor, effects, receive, state, context, of, sent, lastSent, tick, advance, bringUp };
}

describe('BFD session machine: the state diagram (RFC 5880 §6.2)', () => {
  it('starts Down and, being active, starts sending Down packets at the 1 s slow rate', () => {
    const s = session();
    assert.equal(s.state(), 'down');
    assert.deepEqual(s.context().lastTransition, { from: 'none', to: 'down', reason: 'created' });
    assert.deepEqual(s.of('startTransmitting')[0]?.params, { intervalUs: 1000 * ms, detectMultiplier: 3 });
    assert.deepEqual(s.lastSent(), {
      diagnostic: 0,
      state: 'down',
      poll: false,
      final: false,
      controlPlaneIndependent: false,
      demand: false,
      multipoint: false,
      detectMultiplier: 3,
      myDiscriminator: LOCAL,
      yourDiscriminator: 0,
      desiredMinTxUs: 1000 * ms,
      requiredMinRxUs: 250 * ms,
      requiredMinEchoRxUs: 0,
      authentication: undefined,
    });
  });

  it('Down → Init when the remote says Down, and tells it at once', () => {
    const s = session();
    s.receive(remote('down', { yourDiscriminator: 0 }));
    assert.equal(s.state(), 'init');
    assert.deepEqual(s.context().lastTransition, { from: 'down', to: 'init', reason: 'receivedDown' });
    assert.equal(s.lastSent().state, 'init');
    assert.equal(s.lastSent().yourDiscriminator, REMOTE);
    assert.deepEqual(s.of('notifyTransition').at(-1)?.params, {
      from: 'down',
      to: 'init',
      reason: 'receivedDown',
      diagnostic: 0,
    });
  });

  it('Down → Up when the remote says Init', () => {
    const s = session();
    s.receive(remote('init'));
    assert.equal(s.state(), 'up');
    assert.deepEqual(s.context().lastTransition, { from: 'down', to: 'up', reason: 'receivedInit' });
    assert.deepEqual(s.of('sessionUp')[0]?.params, {
      localDiscriminator: LOCAL,
      remoteDiscriminator: REMOTE,
    });
  });

  it('Down stays Down when the remote says Up or AdminDown', () => {
    for (const state of ['up', 'adminDown'] as const) {
      const s = session();
      s.receive(remote(state));
      assert.equal(s.state(), 'down', state);
      assert.equal(s.of('notifyTransition').length, 0);
    }
  });

  it('Init → Up when the remote says Init or Up; Init stays Init on Down', () => {
    for (const [state, reason] of [
      ['init', 'receivedInit'],
      ['up', 'receivedUp'],
    ] as const) {
      const s = session();
      s.receive(remote('down', { yourDiscriminator: 0 }));
      s.receive(remote('down', { yourDiscriminator: 0 }));
      assert.equal(s.state(), 'init');
      s.receive(remote(state));
      assert.equal(s.state(), 'up');
      assert.equal(s.context().lastTransition.reason, reason);
      assert.equal(s.of('sessionUp').length, 1);
    }
  });

  it('Up → Down with diagnostic 3 when the remote says Down or AdminDown', () => {
    for (const [state, reason] of [
      ['down', 'receivedDown'],
      ['adminDown', 'receivedAdminDown'],
    ] as const) {
      const s = session();
      s.bringUp();
      s.receive(remote(state));
      assert.equal(s.state(), 'down');
      assert.equal(s.context().localDiagnostic, BfdDiagnostic.neighborSignaledSessionDown);
      assert.deepEqual(s.of('sessionDown')[0]?.params, {
        reason,
        diagnostic: 3,
        diagnosticName: 'neighborSignaledSessionDown',
      });
      assert.deepEqual(s.context().lastTransition, { from: 'up', to: 'down', reason });
      assert.equal(s.lastSent().state, 'down');
      assert.equal(s.lastSent().diagnostic, 3);
      assert.equal(s.context().remoteDiscriminator, REMOTE, 'a signalled Down keeps the discriminator');
    }
  });

  it('Init → Down with diagnostic 3 when the remote says AdminDown', () => {
    const s = session();
    s.receive(remote('down', { yourDiscriminator: 0 }));
    s.receive(remote('adminDown'));
    assert.equal(s.state(), 'down');
    assert.equal(s.context().localDiagnostic, 3);
    assert.equal(s.of('sessionDown').length, 0, 'it never was Up');
  });

  it('clears the diagnostic when it comes Up again', () => {
    const s = session();
    s.bringUp();
    s.receive(remote('down'));
    assert.equal(s.context().localDiagnostic, 3);
    s.receive(remote('init'));
    assert.equal(s.state(), 'up');
    assert.equal(s.context().localDiagnostic, 0);
  });
});

describe('BFD session machine: the detection time (RFC 5880 §6.8.4)', () => {
  // remote Detect Mult × max(local Required Min RX, remote Desired Min TX)
  const cases = [
    { remoteTxMs: 300, mult: 3, localRxMs: 50, expectMs: 900 },
    { remoteTxMs: 50, mult: 3, localRxMs: 50, expectMs: 150 },
    { remoteTxMs: 20, mult: 5, localRxMs: 10, expectMs: 100 },
    { remoteTxMs: 1000, mult: 2, localRxMs: 300, expectMs: 2000 },
    { remoteTxMs: 100, mult: 3, localRxMs: 250, expectMs: 750 }, // we require slower than it offers
    { remoteTxMs: 3.3, mult: 1, localRxMs: 1, expectMs: 3.3 }, // microsecond precision
  ];
  for (const { remoteTxMs, mult, localRxMs, expectMs } of cases) {
    it(`remote ${remoteTxMs} ms × ${mult}, local Required Min RX ${localRxMs} ms → Down exactly ${expectMs} ms after the last packet`, () => {
      const s = session({ ...INPUT, requiredMinRxUs: localRxMs * ms });
      const fields = { desiredMinTxUs: remoteTxMs * ms, detectMultiplier: mult };
      s.bringUp(fields);
      s.advance(expectMs / 2);
      s.receive(remote('up', fields)); // the last packet
      assert.equal(s.context().detectionTimeUs, expectMs * ms);
      s.advance(expectMs - 0.001);
      assert.equal(s.state(), 'up', 'still Up just before');
      s.advance(0.001);
      assert.equal(s.state(), 'down');
      assert.equal(s.context().localDiagnostic, BfdDiagnostic.controlDetectionTimeExpired);
      assert.deepEqual(s.of('sessionDown')[0]?.params, {
        reason: 'detectionTimeExpired',
        diagnostic: 1,
        diagnosticName: 'controlDetectionTimeExpired',
      });
      assert.equal(s.of('sessionDown')[0]?.at, s.clock.now());
    });
  }

  it('300 ms × 3: Up at 899 ms after the last packet, Down at 900', () => {
    const s = session({ ...INPUT, requiredMinRxUs: 300 * ms });
    s.bringUp();
    for (let i = 0; i < 10; i++) {
      s.advance(280);
      s.receive(remote('up'));
    }
    s.advance(899);
    assert.equal(s.state(), 'up');
    s.advance(1);
    assert.equal(s.state(), 'down');
  });

  it('every accepted packet re-arms the timer: packets just inside it keep the session Up', () => {
    const s = session();
    s.bringUp();
    for (let i = 0; i < 50; i++) {
      s.advance(899);
      s.receive(remote('up'));
    }
    assert.equal(s.state(), 'up');
    assert.equal(s.of('sessionDown').length, 0);
  });

  it('expires in Init too, with diagnostic 1, forgetting the remote discriminator', () => {
    const s = session();
    s.receive(remote('down', { yourDiscriminator: 0, detectMultiplier: 3, desiredMinTxUs: 1000 * ms }));
    assert.equal(s.state(), 'init');
    s.advance(2999);
    assert.equal(s.state(), 'init');
    s.advance(1);
    assert.equal(s.state(), 'down');
    assert.deepEqual(s.context().lastTransition, {
      from: 'init',
      to: 'down',
      reason: 'detectionTimeExpired',
    });
    assert.equal(s.context().localDiagnostic, 1);
    assert.equal(s.context().remoteDiscriminator, 0);
    assert.equal(s.lastSent().yourDiscriminator, 0, 'the Down packet no longer names the remote');
    assert.equal(s.of('sessionDown').length, 0);
  });

  it('in Down, forgets the remote discriminator after a detection time without packets', () => {
    const s = session();
    s.bringUp();
    s.receive(remote('down'));
    assert.equal(s.state(), 'down');
    assert.equal(s.context().remoteDiscriminator, REMOTE);
    s.advance(3 * 1000 - 1); // remote Down: 3 × its 1 s Desired Min TX
    assert.equal(s.context().remoteDiscriminator, REMOTE);
    s.advance(1);
    assert.equal(s.state(), 'down');
    assert.equal(s.context().remoteDiscriminator, 0);
    assert.equal(s.tick()?.yourDiscriminator, 0);
  });
});

describe('BFD session machine: transmission (RFC 5880 §6.8.2, §6.8.3, §6.8.7)', () => {
  it('sends at max(own Desired Min TX, remote Required Min RX) once Up, at ≥ 1 s before', () => {
    const s = session();
    s.receive(remote('down', { yourDiscriminator: 0, requiredMinRxUs: 200 * ms }));
    assert.equal(s.context().transmission?.intervalUs, 1000 * ms);
    assert.equal(s.lastSent().desiredMinTxUs, 1000 * ms, 'advertised while not Up');
    s.receive(remote('up', { requiredMinRxUs: 400 * ms }));
    assert.deepEqual(s.of('updateTransmitInterval').at(-1)?.params, {
      intervalUs: 400 * ms,
      detectMultiplier: 3,
    });
    s.receive(remote('up', { requiredMinRxUs: 100 * ms }));
    assert.deepEqual(s.of('updateTransmitInterval').at(-1)?.params, {
      intervalUs: 300 * ms,
      detectMultiplier: 3,
    });
    assert.equal(s.tick()?.desiredMinTxUs, 300 * ms);
  });

  it('goes back to the 1 s floor when the session leaves Up', () => {
    const s = session();
    s.bringUp({ requiredMinRxUs: 100 * ms });
    assert.equal(s.context().transmission?.intervalUs, 300 * ms);
    s.receive(remote('down', { requiredMinRxUs: 100 * ms }));
    assert.equal(s.context().transmission?.intervalUs, 1000 * ms);
    assert.equal(s.lastSent().desiredMinTxUs, 1000 * ms);
  });

  it('stops periodic packets when the remote asks for none (Required Min RX 0), resumes after', () => {
    const s = session();
    s.bringUp();
    s.receive(remote('up', { requiredMinRxUs: 0 }));
    assert.deepEqual(s.of('stopTransmitting').at(-1)?.params, { reason: 'remoteRequestedNoPackets' });
    assert.equal(s.tick(), undefined);
    s.receive(remote('up', { requiredMinRxUs: 300 * ms }));
    assert.equal(s.of('startTransmitting').length, 2);
  });

  it('stops periodic packets while the remote is in Demand mode with both Up', () => {
    const s = session();
    s.bringUp();
    s.receive(remote('up', { final: true }));
    s.receive(remote('up', { demand: true }));
    assert.deepEqual(s.of('stopTransmitting').at(-1)?.params, { reason: 'remoteDemandMode' });
  });

  it('a transmit tick sends the packet of the moment', () => {
    const s = session();
    assert.equal(s.tick()?.state, 'down');
    s.bringUp();
    const packet = s.tick()!;
    assert.equal(packet.state, 'up');
    assert.equal(packet.yourDiscriminator, REMOTE);
    assert.equal(packet.final, false);
  });
});

describe('BFD session machine: poll sequences (RFC 5880 §6.5, §6.8.3)', () => {
  it('answers a Poll at once with a Final (P clear), in any state', () => {
    for (const state of ['down', 'init', 'up'] as const) {
      const s = session();
      s.receive(remote(state, { poll: true, yourDiscriminator: state === 'down' ? 0 : LOCAL }));
      const answer = s.lastSent();
      assert.equal(answer.final, true, state);
      assert.equal(answer.poll, false, state);
    }
  });

  it('polls after coming Up (its Desired Min TX drops from 1 s) until the remote sends a Final', () => {
    const s = session();
    s.bringUp();
    assert.equal(s.lastSent().poll, true, 'the Up packet carries P');
    assert.equal(s.tick()?.poll, true);
    assert.equal(s.tick()?.poll, true);
    s.receive(remote('up', { final: true }));
    assert.equal(s.tick()?.poll, false);
    assert.deepEqual(s.context().poll.confirmed, { desiredMinTxUs: 300 * ms, requiredMinRxUs: 250 * ms });
  });

  it('a raised Desired Min TX applies to our sending only when the remote acknowledged it', () => {
    const s = session();
    s.bringUp({ requiredMinRxUs: 100 * ms });
    s.receive(remote('up', { final: true, requiredMinRxUs: 100 * ms }));
    s.receive(remote('up', { requiredMinRxUs: 100 * ms }));
    s.actor.send({ type: 'bfd.parameters.change', desiredMinTxUs: 500 * ms });
    const polled = s.tick()!;
    assert.equal(polled.poll, true);
    assert.equal(polled.desiredMinTxUs, 500 * ms, 'the new value is announced with P');
    assert.equal(s.context().transmission?.intervalUs, 300 * ms, 'the old interval until the Final');
    s.receive(remote('up', { final: true, requiredMinRxUs: 100 * ms }));
    assert.deepEqual(s.of('updateTransmitInterval').at(-1)?.params, {
      intervalUs: 500 * ms,
      detectMultiplier: 3,
    });
  });

  it('a lowered Desired Min TX applies at once', () => {
    const s = session();
    s.bringUp({ requiredMinRxUs: 50 * ms });
    s.receive(remote('up', { final: true, requiredMinRxUs: 50 * ms }));
    s.receive(remote('up', { requiredMinRxUs: 50 * ms }));
    s.actor.send({ type: 'bfd.parameters.change', desiredMinTxUs: 100 * ms });
    assert.equal(s.context().transmission?.intervalUs, 100 * ms);
    assert.equal(s.tick()?.poll, true);
  });

  it('a lowered Required Min RX counts for detection only after the Final', () => {
    const s = session({ ...INPUT, requiredMinRxUs: 600 * ms });
    s.bringUp({ desiredMinTxUs: 100 * ms });
    s.receive(remote('up', { final: true, desiredMinTxUs: 100 * ms }));
    s.actor.send({ type: 'bfd.parameters.change', requiredMinRxUs: 200 * ms });
    s.receive(remote('up', { desiredMinTxUs: 100 * ms }));
    assert.equal(s.context().detectionTimeUs, 3 * 600 * ms, 'the old 600 ms until acknowledged');
    s.receive(remote('up', { final: true, desiredMinTxUs: 100 * ms }));
    assert.equal(s.context().detectionTimeUs, 3 * 200 * ms);
  });

  it('a change during a poll waits for its Final and then a packet without F (§6.8.3)', () => {
    const s = session();
    s.bringUp();
    assert.equal(s.context().poll.active, true);
    s.actor.send({ type: 'bfd.parameters.change', requiredMinRxUs: 400 * ms });
    assert.deepEqual(s.context().poll.carries, { desiredMinTxUs: 300 * ms, requiredMinRxUs: 250 * ms });
    s.receive(remote('up', { final: true }));
    assert.equal(s.context().poll.active, false, 'the first poll ended');
    assert.equal(s.context().poll.settling, true);
    assert.equal(s.tick()?.poll, false);
    s.receive(remote('up'));
    assert.equal(s.context().poll.active, true, 'the second starts after a packet without F');
    assert.deepEqual(s.context().poll.carries, { desiredMinTxUs: 300 * ms, requiredMinRxUs: 400 * ms });
    assert.equal(s.tick()?.poll, true);
  });

  it('changes while not Up apply at once, without a poll', () => {
    const s = session();
    s.actor.send({ type: 'bfd.parameters.change', requiredMinRxUs: 100 * ms, detectMultiplier: 5 });
    assert.equal(s.context().poll.active, false);
    const packet = s.tick()!;
    assert.equal(packet.requiredMinRxUs, 100 * ms);
    assert.equal(packet.detectMultiplier, 5);
    assert.deepEqual(s.of('updateTransmitInterval').at(-1)?.params, {
      intervalUs: 1000 * ms,
      detectMultiplier: 5,
    });
  });
});

describe('BFD session machine: AdminDown (RFC 5880 §6.8.16)', () => {
  it('admin down from Up: AdminDown with diagnostic 7, session down, AdminDown packets at the slow rate', () => {
    const s = session();
    s.bringUp();
    s.actor.send({ type: 'bfd.admin.down' });
    assert.equal(s.state(), 'adminDown');
    assert.deepEqual(s.context().lastTransition, { from: 'up', to: 'adminDown', reason: 'adminDown' });
    assert.deepEqual(s.of('sessionDown')[0]?.params, {
      reason: 'adminDown',
      diagnostic: 7,
      diagnosticName: 'administrativelyDown',
    });
    assert.equal(s.lastSent().state, 'adminDown');
    assert.equal(s.lastSent().diagnostic, 7);
    assert.equal(s.context().transmission?.intervalUs, 1000 * ms);
  });

  it('in AdminDown, received packets change no state and are not answered', () => {
    const s = session();
    s.actor.send({ type: 'bfd.admin.down' });
    const before = s.sent().length;
    for (const state of ['down', 'init', 'up'] as const) s.receive(remote(state, { poll: true }));
    assert.equal(s.state(), 'adminDown');
    assert.equal(s.sent().length, before);
    s.advance(60_000);
    assert.equal(s.state(), 'adminDown', 'no detection timer runs');
  });

  it('admin up goes to Down, and the session comes Up again by the handshake', () => {
    const s = session();
    s.bringUp();
    s.actor.send({ type: 'bfd.admin.down' });
    s.actor.send({ type: 'bfd.admin.up' });
    assert.equal(s.state(), 'down');
    assert.deepEqual(s.context().lastTransition, { from: 'adminDown', to: 'down', reason: 'adminUp' });
    s.receive(remote('init'));
    assert.equal(s.state(), 'up');
    assert.equal(s.of('sessionUp').length, 2);
  });

  it('admin down from Down and Init too, without a sessionDown (it was not Up)', () => {
    const fromInit = session();
    fromInit.receive(remote('down', { yourDiscriminator: 0 }));
    fromInit.actor.send({ type: 'bfd.admin.down' });
    assert.equal(fromInit.state(), 'adminDown');
    const fromDown = session();
    fromDown.actor.send({ type: 'bfd.admin.down' });
    assert.equal(fromDown.state(), 'adminDown');
    assert.equal(fromInit.of('sessionDown').length + fromDown.of('sessionDown').length, 0);
  });
});

describe('BFD session machine: passive mode (RFC 5880 §6.1)', () => {
  it('sends nothing until the remote has spoken, then answers and transmits', () => {
    const s = session({ ...INPUT, passive: true });
    assert.equal(s.of('startTransmitting').length, 0);
    assert.equal(s.sent().length, 0);
    assert.equal(s.tick(), undefined);
    s.receive(remote('down', { yourDiscriminator: 0 }));
    assert.equal(s.state(), 'init');
    assert.deepEqual(s.of('startTransmitting')[0]?.params, { intervalUs: 1000 * ms, detectMultiplier: 3 });
    assert.equal(s.lastSent().state, 'init');
  });

  it('falls silent again when the remote is forgotten', () => {
    const s = session({ ...INPUT, passive: true });
    s.receive(remote('down', { yourDiscriminator: 0 }));
    s.advance(3000); // Init expires: 3 × the remote's 1 s
    assert.equal(s.state(), 'down');
    assert.deepEqual(s.of('stopTransmitting').at(-1)?.params, { reason: 'passiveAwaitingRemote' });
    assert.equal(s.tick(), undefined);
  });

  it('a passive session still comes Up when the remote starts', () => {
    const s = session({ ...INPUT, passive: true });
    s.bringUp();
    assert.equal(s.of('sessionUp').length, 1);
  });
});

describe('BFD session machine: packets the session refuses', () => {
  it('drops a packet that arrived with a TTL below the minimum (255 by default, GTSM)', () => {
    const s = session();
    s.receive(remote('init'), 254);
    assert.equal(s.state(), 'down');
    assert.equal(s.context().lastDrop, 'ttlBelowMinimum');
    assert.deepEqual(s.of('packetDropped')[0]?.params, { reason: 'ttlBelowMinimum' });
    assert.equal(s.context().remoteDiscriminator, 0, 'nothing of it was taken');
    s.receive(remote('init'), 255);
    assert.equal(s.state(), 'up');
  });

  it('honours a configured minimum TTL', () => {
    const s = session({ ...INPUT, minimumTtl: 250 });
    s.receive(remote('init'), 249);
    assert.equal(s.state(), 'down');
    s.receive(remote('init'), 250);
    assert.equal(s.state(), 'up');
  });

  it('dropped packets do not re-arm the detection timer', () => {
    const s = session({ ...INPUT, requiredMinRxUs: 300 * ms });
    s.bringUp();
    s.advance(500);
    s.receive(remote('up'), 64);
    s.advance(400);
    assert.equal(s.state(), 'down');
  });

  it('drops a packet addressed to another discriminator', () => {
    const s = session();
    s.receive(remote('init', { yourDiscriminator: LOCAL + 1 }));
    assert.equal(s.state(), 'down');
    assert.equal(s.context().lastDrop, 'yourDiscriminatorMismatch');
  });
});
