// The BGP session actor on an in-memory TCP link and a simulated clock: two speakers establish a
// session, exchange the table and keepalives, and go down for the right reason when one stops,
// the cable is cut (receive-side hold timer) or the OPEN is refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimulatedClock } from 'xstate';
import {
  BgpSessionActor,
  plainBgpCodec,
  type PlainBgpMessage,
} from '../../../src/actors/bgp-session.actor.js';
import type { BgpSessionReason, BgpSessionTransition } from '../../../src/machines/bgp-session.machine.js';
import type { BgpNegotiated, BgpSessionInput } from '../../../src/machines/bgp-session.params.js';
import type { BgpConnectionHandlers, BgpTransport } from '../../../src/ports/bgp-transport.js';
import { MemoryLink } from '../../fakes/memory-bgp-link.js';

interface Speaker {
  readonly actor: BgpSessionActor<PlainBgpMessage>;
  readonly transitions: BgpSessionTransition[];
  readonly established: BgpNegotiated[];
  readonly downs: { reason: BgpSessionReason; at: number }[];
  readonly received: PlainBgpMessage[];
}

const A: BgpSessionInput = {
  localAsn: 64512,
  peerAsn: 64513,
  routerId: '10.0.0.1',
  holdTimeMs: 9000,
  keepaliveTimeMs: 3000,
  connectRetryMs: 2000,
};
const B: BgpSessionInput = {
  localAsn: 64513,
  peerAsn: 64512,
  routerId: '10.0.0.2',
  holdTimeMs: 6000,
  keepaliveTimeMs: 2000,
  passive: true,
};
const TABLE: PlainBgpMessage[] = [
  { type: 'bgp.update', routes: ['10.77.0.200/32'] },
  { type: 'bgp.update', routes: ['fd00:77::200/128'] },
];

function pair(a: BgpSessionInput = A, b: BgpSessionInput = B) {
  const clock = new SimulatedClock();
  const link = new MemoryLink<PlainBgpMessage>(clock);
  const errors: unknown[] = [];
  const speaker = (
    input: BgpSessionInput,
    transport: BgpTransport<PlainBgpMessage>,
    table: PlainBgpMessage[],
  ) => {
    const s: Speaker = { actor: undefined!, transitions: [], established: [], downs: [], received: [] };
    // Records what reaches this speaker by wrapping its transport's handlers.
    const recording: BgpTransport<PlainBgpMessage> = {
      connect: (handlers) =>
        transport.connect({
          ...handlers,
          message: (m) => {
            s.received.push(m);
            handlers.message(m);
          },
        }),
    };
    const actor = new BgpSessionActor(input, {
      clock,
      transport: recording,
      codec: plainBgpCodec,
      table: () => table,
      random: () => 1,
      onTransition: (t) => s.transitions.push(t),
      onEstablished: (n) => s.established.push(n),
      onDown: (reason) => s.downs.push({ reason, at: clock.now() }),
      onError: (e) => errors.push(e),
    });
    Object.assign(s, { actor });
    return s;
  };
  const dialer = speaker(a, link.dialer, TABLE);
  const listener = speaker(b, link.listener, []);
  const advance = (ms: number) => {
    for (let t = 0; t < ms; t += 5) clock.increment(5);
  };
  return { clock, link, dialer, listener, advance, errors };
}

const count = (s: Speaker, type: PlainBgpMessage['type']) => s.received.filter((m) => m.type === type).length;

describe('bgp session actor (memory link, simulated clock)', () => {
  it('two speakers establish a session, exchange the table and keep it up with keepalives', () => {
    const p = pair();
    p.listener.actor.start();
    p.dialer.actor.start();
    assert.equal(p.dialer.actor.state(), 'connect');
    assert.equal(p.listener.actor.state(), 'active');
    p.advance(50);
    assert.equal(p.dialer.actor.state(), 'established');
    assert.equal(p.listener.actor.state(), 'established');
    assert.deepEqual(
      p.dialer.transitions.map((t) => `${t.from}→${t.to}:${t.reason}`),
      [
        'idle→connect:started',
        'connect→openSent:tcpConnected',
        'openSent→openConfirm:openAccepted',
        'openConfirm→established:keepaliveReceived',
      ],
    );
    for (const s of [p.dialer, p.listener]) {
      assert.equal(s.established.length, 1);
      const negotiated = s.established[0]!;
      assert.equal(negotiated.holdTimeMs, 6000, 'min(9 s, 6 s)');
      assert.equal(negotiated.keepaliveTimeMs, 2000);
    }
    assert.equal(p.dialer.established[0]?.peerRouterId, '10.0.0.2');
    assert.deepEqual(
      p.listener.received.filter((m) => m.type === 'bgp.update'),
      TABLE,
    );
    assert.equal(p.dialer.actor.context()?.counters.updatesSent, 2);
    assert.equal(p.listener.actor.context()?.counters.updatesReceived, 2);

    p.advance(60_000);
    assert.equal(p.dialer.actor.state(), 'established');
    assert.equal(p.listener.actor.state(), 'established');
    // One KEEPALIVE every 2 s each way (plus the one answering the OPEN).
    for (const s of [p.dialer, p.listener]) {
      const n = count(s, 'bgp.keepalive');
      assert.ok(n >= 30 && n <= 32, `keepalives received: ${n}`);
    }
    assert.deepEqual(p.errors, []);
  });

  it('one stops: it sends a Cease and goes Idle; the other goes Idle with the reason, then listens again', () => {
    const p = pair();
    p.listener.actor.start();
    p.dialer.actor.start();
    p.advance(50);
    p.dialer.actor.stop();
    assert.equal(p.dialer.actor.state(), 'idle');
    assert.deepEqual(p.dialer.transitions.at(-1), { from: 'established', to: 'idle', reason: 'stopped' });
    assert.deepEqual(
      p.dialer.downs.map((d) => d.reason),
      ['stopped'],
    );
    p.advance(10);
    assert.equal(p.listener.actor.state(), 'idle');
    assert.deepEqual(p.listener.transitions.at(-1), {
      from: 'established',
      to: 'idle',
      reason: 'notificationReceived',
    });
    assert.deepEqual(
      p.listener.downs.map((d) => d.reason),
      ['notificationReceived'],
    );
    const lastNotification = p.listener.actor.context()?.lastNotification;
    assert.deepEqual(
      { code: lastNotification?.code, subcode: lastNotification?.subcode, sent: lastNotification?.sent },
      { code: 6, subcode: 2, sent: false },
      'Cease / Administrative Shutdown',
    );
    p.advance(1000);
    assert.equal(p.listener.actor.state(), 'active', 'passive: listening again after the idle hold');
    p.advance(60_000);
    assert.equal(p.dialer.actor.state(), 'idle', 'the stopped speaker stays down');
    assert.equal(p.dialer.actor.context()?.counters.notificationsSent, 1);
    p.dialer.actor.start();
    p.advance(50);
    assert.equal(p.dialer.actor.state(), 'established', 'and comes back when started again');
    assert.equal(p.listener.actor.state(), 'established');
  });

  it('a cut cable: the receive-side hold timer takes each session down after the negotiated hold time', () => {
    const p = pair();
    p.listener.actor.start();
    p.dialer.actor.start();
    p.advance(10_000);
    const cutAt = p.clock.now();
    p.link.cutCable();
    p.advance(7000);
    for (const s of [p.dialer, p.listener]) {
      assert.deepEqual(
        s.downs.map((d) => d.reason),
        ['holdTimerExpired'],
      );
      const after = s.downs[0]!.at - cutAt;
      assert.ok(after > 4000 && after <= 6000, `down ${after} ms after the cut (hold 6 s)`);
    }
    assert.equal(p.dialer.actor.context()?.lastNotification?.code, 4);
  });

  it('a refused OPEN: the dialer hears Bad Peer AS, goes Idle and retries after the idle hold', () => {
    const p = pair({ ...A, peerAsn: 64513 }, { ...B, peerAsn: 65000 });
    p.listener.actor.start();
    p.dialer.actor.start();
    p.advance(50);
    assert.deepEqual(p.listener.transitions.at(-1), { from: 'openSent', to: 'idle', reason: 'badPeerAs' });
    // The dialer accepted the listener's OPEN before it heard the refusal of its own.
    assert.deepEqual(p.dialer.transitions.at(-1), {
      from: 'openConfirm',
      to: 'idle',
      reason: 'notificationReceived',
    });
    assert.deepEqual(
      { ...p.dialer.actor.context()?.lastNotification, data: undefined },
      { code: 2, subcode: 2, data: undefined, sent: false },
    );
    const dials = () => p.dialer.transitions.filter((t) => t.to === 'connect').length;
    assert.equal(dials(), 1);
    p.advance(1000);
    assert.equal(dials(), 2, 'dials again after 1 s');
  });

  it('a message that does not decode is answered with the NOTIFICATION the codec chose', () => {
    const p = pair();
    p.listener.actor.start();
    p.dialer.actor.start();
    p.advance(50);
    // The listener's codec reads this UPDATE as malformed (3/1 Malformed Attribute List).
    const bad: PlainBgpMessage = { type: 'bgp.decodeError', code: 3, subcode: 1 };
    assert.equal(p.dialer.actor.advertise([bad]), true);
    p.advance(10);
    assert.deepEqual(p.listener.transitions.at(-1), {
      from: 'established',
      to: 'idle',
      reason: 'decodeError',
    });
    assert.deepEqual(p.dialer.transitions.at(-1), {
      from: 'established',
      to: 'idle',
      reason: 'notificationReceived',
    });
    assert.equal(p.dialer.actor.context()?.lastNotification?.code, 3);
  });

  it('advertise() sends only while Established, and counts what it sent', () => {
    const p = pair();
    p.listener.actor.start();
    const update: PlainBgpMessage = { type: 'bgp.update', routes: ['10.77.0.201/32'] };
    assert.equal(p.dialer.actor.advertise([update]), false, 'not started');
    p.dialer.actor.start();
    assert.equal(p.dialer.actor.advertise([update]), false, 'connecting');
    p.advance(50);
    assert.equal(p.dialer.actor.advertise([update]), true);
    p.advance(10);
    assert.equal(count(p.listener, 'bgp.update'), 3);
    assert.equal(p.dialer.actor.context()?.counters.updatesSent, 3);
  });

  it('ignores events from a connection it already closed', () => {
    const clock = new SimulatedClock();
    const attempts: BgpConnectionHandlers<PlainBgpMessage>[] = [];
    const transport: BgpTransport<PlainBgpMessage> = {
      connect: (handlers) => {
        attempts.push(handlers);
        return { send: () => undefined, close: () => undefined };
      },
    };
    const actor = new BgpSessionActor(A, { clock, transport, codec: plainBgpCodec, table: () => [] });
    actor.start();
    clock.increment(A.connectRetryMs!); // Connect → Connect: a second attempt
    assert.equal(attempts.length, 2);
    attempts[0]!.connected();
    assert.equal(actor.state(), 'connect', 'the first attempt was abandoned');
    attempts[1]!.connected();
    assert.equal(actor.state(), 'openSent');
    attempts[0]!.closed('closed');
    assert.equal(actor.state(), 'openSent');
    actor.stop();
  });
});
