// BGP session machine: every RFC 4271 §8.2.2 transition it implements, driven on a SimulatedClock
// with recording effects; the OPEN checks as a table; a property test that every transition
// carries a reason and that sessionEstablished / sessionDown pair up.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createActor, initialTransition, SimulatedClock, transition, type SnapshotFrom } from 'xstate';
import {
  bgpSessionMachine,
  type BgpSessionEvent,
  type BgpSessionStateValue,
} from '../../../src/machines/bgp-session.machine.js';
import {
  idleHoldMs,
  negotiate,
  NOTIFICATION,
  type BgpOpenSummary,
  type BgpSessionInput,
} from '../../../src/machines/bgp-session.params.js';

const INPUT: BgpSessionInput = {
  localAsn: 64512,
  peerAsn: 64513,
  routerId: '10.0.0.1',
  holdTimeMs: 9000,
  keepaliveTimeMs: 3000,
  connectRetryMs: 5000,
  idleHold: { initialMs: 1000, maxMs: 8000, stableMs: 30_000 },
};

const CAPS = {
  fourOctetAs: true,
  ipv4Unicast: true,
  ipv6Unicast: false,
  routeRefresh: true,
  gracefulRestart: false,
};
const peerOpen = (over: Partial<BgpOpenSummary> = {}): BgpSessionEvent => ({
  type: 'bgp.open',
  asn: 64513,
  holdTime: 6,
  routerId: '10.0.0.2',
  capabilities: CAPS,
  ...over,
});

type Snapshot = SnapshotFrom<typeof bgpSessionMachine>;
interface Effect {
  readonly type: string;
  readonly params: unknown;
  readonly at: number;
}

/** The RFC state a snapshot is in (the timers are nested states inside some of them). */
function rfcState(snapshot: Snapshot): BgpSessionStateValue {
  const value = snapshot.value;
  return (typeof value === 'string' ? value : Object.keys(value)[0]) as BgpSessionStateValue;
}

/** A machine on a simulated clock whose effects are recorded, with their time. */
function session(input: BgpSessionInput = INPUT) {
  const clock = new SimulatedClock();
  const effects: Effect[] = [];
  const record = (type: string) => (_: unknown, params: unknown) => {
    effects.push({ type, params, at: clock.now() });
  };
  const machine = bgpSessionMachine.provide({
    actions: {
      openTcp: record('openTcp'),
      closeTcp: record('closeTcp'),
      sendOpen: record('sendOpen'),
      sendKeepalive: record('sendKeepalive'),
      sendNotification: record('sendNotification'),
      sessionEstablished: record('sessionEstablished'),
      sessionDown: record('sessionDown'),
      sendRoutes: record('sendRoutes'),
      notifyTransition: record('notifyTransition'),
    },
  });
  const actor = createActor(machine, { clock, input }).start();
  const snapshot = () => actor.getSnapshot();
  const s = {
    clock,
    effects,
    actor,
    send: (event: BgpSessionEvent) => actor.send(event),
    state: () => rfcState(snapshot()),
    context: () => snapshot().context,
    /** Moves time in 100 ms steps, so timers restarted on the way start at the right time. */
    advance(ms: number) {
      for (let left = ms; left > 0; left -= 100) clock.increment(Math.min(100, left));
    },
    /** Effects of one type since `since` (an index into effects). */
    of: (type: string, since = 0) => effects.slice(since).filter((e) => e.type === type),
    /** Effect types since `since`, in order, without the transition notices. */
    types: (since = 0) =>
      effects
        .slice(since)
        .map((e) => e.type)
        .filter((t) => t !== 'notifyTransition'),
    last: () => snapshot().context.lastTransition,
    toOpenSent() {
      s.send({ type: 'bgp.start' });
      s.send({ type: 'tcp.connected' });
    },
    toOpenConfirm(open = peerOpen()) {
      s.toOpenSent();
      s.send(open);
    },
    toEstablished(open = peerOpen()) {
      s.toOpenConfirm(open);
      s.send({ type: 'bgp.keepalive' });
    },
  };
  return s;
}

describe('bgp session machine: starting and connecting', () => {
  it('starts in Idle and does nothing until started', () => {
    const s = session();
    assert.equal(s.state(), 'idle');
    assert.deepEqual(s.last(), { from: 'none', to: 'idle', reason: 'created' });
    s.advance(600_000);
    assert.deepEqual(s.effects, []);
  });

  it('Idle → Connect on start: dials and arms the connect-retry timer', () => {
    const [idle] = initialTransition(bgpSessionMachine, INPUT);
    const [connect, actions] = transition(bgpSessionMachine, idle, { type: 'bgp.start' });
    assert.equal(rfcState(connect), 'connect');
    assert.deepEqual(connect.context.lastTransition, { from: 'idle', to: 'connect', reason: 'started' });
    assert.ok(actions.some((a) => a.type === 'openTcp'));
    const timer = actions.find((a) => a.type === 'xstate.raise');
    assert.equal((timer?.params as { delay?: number } | undefined)?.delay, 5000);
  });

  it('a passive session goes Idle → Active on start and waits for the peer without a retry timer', () => {
    const s = session({ ...INPUT, passive: true });
    s.send({ type: 'bgp.start' });
    assert.equal(s.state(), 'active');
    assert.deepEqual(s.last(), { from: 'idle', to: 'active', reason: 'started' });
    assert.deepEqual(s.types(), ['openTcp']);
    s.advance(60_000);
    assert.equal(s.state(), 'active');
    assert.equal(s.of('openTcp').length, 1);
    s.send({ type: 'tcp.connected' });
    assert.equal(s.state(), 'openSent');
  });

  it('Connect → OpenSent on tcp connected: sends our OPEN and stops the connect-retry timer', () => {
    const s = session();
    s.toOpenSent();
    assert.equal(s.state(), 'openSent');
    assert.deepEqual(s.last(), { from: 'connect', to: 'openSent', reason: 'tcpConnected' });
    assert.deepEqual(s.of('sendOpen')[0]?.params, {
      asn: 64512,
      holdTime: 9,
      routerId: '10.0.0.1',
      capabilities: {
        fourOctetAs: true,
        ipv4Unicast: true,
        ipv6Unicast: true,
        routeRefresh: true,
        gracefulRestart: false,
      },
    });
    assert.equal(s.context().counters.opensSent, 1);
    s.advance(10_000);
    assert.equal(s.state(), 'openSent', 'no connect retry in OpenSent');
    assert.equal(s.of('openTcp').length, 1);
  });

  it('Connect → Active when the connection fails, for a refused dial and for a closed connection', () => {
    for (const type of ['tcp.failed', 'tcp.closed'] as const) {
      const s = session();
      s.send({ type: 'bgp.start' });
      s.send({ type });
      assert.equal(s.state(), 'active');
      assert.deepEqual(s.last(), {
        from: 'connect',
        to: 'active',
        reason: type === 'tcp.failed' ? 'tcpFailed' : 'tcpClosed',
      });
      assert.deepEqual(s.types(), ['openTcp', 'closeTcp']);
    }
  });

  it('connect-retry expiry: Connect → Connect redials at exactly the retry time', () => {
    const s = session();
    s.send({ type: 'bgp.start' });
    s.clock.increment(4999);
    assert.equal(s.of('openTcp').length, 1);
    s.clock.increment(1);
    assert.equal(s.state(), 'connect');
    assert.deepEqual(s.last(), { from: 'connect', to: 'connect', reason: 'connectRetryExpired' });
    assert.deepEqual(s.types(), ['openTcp', 'closeTcp', 'openTcp']);
    s.clock.increment(5000);
    assert.equal(s.of('openTcp').length, 3, 'and again after another retry time');
  });

  it('connect-retry expiry: Active → Connect dials again', () => {
    const s = session();
    s.send({ type: 'bgp.start' });
    s.clock.increment(1000);
    s.send({ type: 'tcp.failed' });
    s.clock.increment(4999);
    assert.equal(s.state(), 'active');
    s.clock.increment(1);
    assert.equal(s.state(), 'connect');
    assert.deepEqual(s.last(), { from: 'active', to: 'connect', reason: 'connectRetryExpired' });
    assert.deepEqual(s.of('openTcp').at(-1)?.at, 6000);
  });

  it('applies the jitter factor to the connect-retry time', () => {
    const s = session({ ...INPUT, jitter: 0.8 });
    s.send({ type: 'bgp.start' });
    s.clock.increment(3999);
    assert.equal(s.of('openTcp').length, 1);
    s.clock.increment(1);
    assert.equal(s.of('openTcp').length, 2);
  });

  it('ignores a second start and messages before a connection exists', () => {
    const s = session();
    s.send({ type: 'bgp.start' });
    const before = s.effects.length;
    for (const event of [
      { type: 'bgp.start' },
      { type: 'bgp.keepalive' },
      peerOpen(),
      { type: 'bfd.down' },
    ] as const)
      s.send(event);
    assert.equal(s.state(), 'connect');
    assert.equal(s.effects.length, before);
  });
});

describe('bgp session machine: OPEN', () => {
  it('OpenSent → OpenConfirm on a valid OPEN: answers with a KEEPALIVE and negotiates', () => {
    const s = session();
    s.toOpenConfirm();
    assert.equal(s.state(), 'openConfirm');
    assert.deepEqual(s.last(), { from: 'openSent', to: 'openConfirm', reason: 'openAccepted' });
    assert.deepEqual(s.types(), ['openTcp', 'sendOpen', 'sendKeepalive']);
    assert.deepEqual(s.context().negotiated, {
      peerAsn: 64513,
      peerRouterId: '10.0.0.2',
      holdTimeMs: 6000,
      keepaliveTimeMs: 2000,
      fourOctetAs: true,
      families: ['ipv4Unicast'],
      routeRefresh: true,
      gracefulRestart: false,
    });
    assert.equal(s.context().counters.opensReceived, 1);
    assert.equal(s.context().counters.keepalivesSent, 1);
  });

  const settings = (over: Partial<BgpSessionInput> = {}) => {
    const [snapshot] = initialTransition(bgpSessionMachine, { ...INPUT, ...over });
    return snapshot.context.settings;
  };
  const open = (over: Partial<BgpOpenSummary> = {}): BgpOpenSummary => ({
    asn: 64513,
    holdTime: 90,
    routerId: '10.0.0.2',
    capabilities: CAPS,
    ...over,
  });
  const cases: [string, Partial<BgpSessionInput>, Partial<BgpOpenSummary>, string][] = [
    ['the configured peer ASN', {}, {}, 'ok'],
    ['another ASN than configured', {}, { asn: 64514 }, 'badPeerAs'],
    ['dynamic internal: our own ASN', { peerAsn: 'internal' }, { asn: 64512, routerId: '10.0.0.3' }, 'ok'],
    ['dynamic internal: another ASN', { peerAsn: 'internal' }, { asn: 64513 }, 'badPeerAs'],
    ['dynamic external: another ASN', { peerAsn: 'external' }, { asn: 4_200_000_000 }, 'ok'],
    ['dynamic external: our own ASN', { peerAsn: 'external' }, { asn: 64512 }, 'badPeerAs'],
    ['hold time 1 s', {}, { holdTime: 1 }, 'unacceptableHoldTime'],
    ['hold time 2 s', {}, { holdTime: 2 }, 'unacceptableHoldTime'],
    ['hold time 3 s', {}, { holdTime: 3 }, 'ok'],
    ['hold time 0', {}, { holdTime: 0 }, 'ok'],
    ['router ID 0.0.0.0', {}, { routerId: '0.0.0.0' }, 'badBgpIdentifier'],
    ['a router ID that is not IPv4', {}, { routerId: 'fd00::1' }, 'badBgpIdentifier'],
    ['our router ID over iBGP', { peerAsn: 64512 }, { asn: 64512, routerId: '10.0.0.1' }, 'badBgpIdentifier'],
    ['our router ID over eBGP (RFC 6286)', {}, { routerId: '10.0.0.1' }, 'ok'],
    [
      'no family in common',
      { families: ['ipv6Unicast'] },
      { capabilities: { ...CAPS, ipv4Unicast: true, ipv6Unicast: false } },
      'noCommonFamily',
    ],
  ];
  for (const [name, over, openOver, expected] of cases)
    it(`OPEN check: ${name} → ${expected}`, () => {
      const verdict = negotiate(settings(over), open(openOver));
      assert.equal(verdict.ok ? 'ok' : verdict.reason, expected);
      if (!verdict.ok) assert.equal(verdict.subcode, NOTIFICATION.open[verdict.reason]);
    });

  const pick = (n: { holdTimeMs: number; keepaliveTimeMs: number }) => ({
    hold: n.holdTimeMs,
    keepalive: n.keepaliveTimeMs,
  });

  it('negotiates hold = min(local, remote), keepalive = min(configured, hold / 3), families and GR', () => {
    const n = (over: Partial<BgpSessionInput>, o: Partial<BgpOpenSummary>) => {
      const verdict = negotiate(settings(over), open(o));
      assert.ok(verdict.ok);
      return verdict.negotiated;
    };
    assert.deepEqual(pick(n({}, { holdTime: 90 })), { hold: 9000, keepalive: 3000 });
    assert.deepEqual(pick(n({}, { holdTime: 3 })), { hold: 3000, keepalive: 1000 });
    assert.deepEqual(pick(n({ keepaliveTimeMs: 1000 }, { holdTime: 6 })), { hold: 6000, keepalive: 1000 });
    assert.deepEqual(pick(n({ holdTimeMs: 0, keepaliveTimeMs: 0 }, { holdTime: 90 })), {
      hold: 0,
      keepalive: 0,
    });
    assert.deepEqual(pick(n({}, { holdTime: 0 })), { hold: 0, keepalive: 0 });
    const both = { ...CAPS, ipv6Unicast: true, gracefulRestart: true };
    assert.deepEqual(n({}, { capabilities: both }).families, ['ipv4Unicast', 'ipv6Unicast']);
    assert.equal(n({}, { capabilities: both }).gracefulRestart, false, 'we did not offer it');
    assert.equal(n({ gracefulRestart: true }, { capabilities: both }).gracefulRestart, true);
    assert.equal(n({ gracefulRestart: true }, {}).gracefulRestart, false, 'the peer did not offer it');
  });

  const rejections: [string, Partial<BgpOpenSummary>, number][] = [
    ['badPeerAs', { asn: 1 }, 2],
    ['unacceptableHoldTime', { holdTime: 2 }, 6],
    ['badBgpIdentifier', { routerId: '0.0.0.0' }, 3],
    ['noCommonFamily', { capabilities: { ...CAPS, ipv4Unicast: false } }, 7],
  ];
  for (const [reason, over, subcode] of rejections)
    it(`OpenSent → Idle on a bad OPEN (${reason}): NOTIFICATION 2/${subcode}, then close`, () => {
      const s = session();
      s.toOpenSent();
      const mark = s.effects.length;
      s.send(peerOpen(over));
      assert.equal(s.state(), 'idle');
      assert.deepEqual(s.last(), { from: 'openSent', to: 'idle', reason });
      assert.deepEqual(s.types(mark), ['sendNotification', 'closeTcp']);
      assert.deepEqual(s.of('sendNotification')[0]?.params, { code: 2, subcode });
      assert.deepEqual(s.context().lastNotification, { code: 2, subcode, sent: true });
      assert.equal(s.context().counters.notificationsSent, 1);
      assert.equal(s.context().counters.opensReceived, 1);
    });

  it('OpenSent: the 4-minute hold timer expires with NOTIFICATION 4 when no OPEN comes', () => {
    const s = session();
    s.toOpenSent();
    s.clock.increment(239_999);
    assert.equal(s.state(), 'openSent');
    s.clock.increment(1);
    assert.equal(s.state(), 'idle');
    assert.deepEqual(s.last(), { from: 'openSent', to: 'idle', reason: 'holdTimerExpired' });
    assert.deepEqual(s.of('sendNotification')[0]?.params, { code: 4, subcode: 0 });
  });

  it('OpenSent: a KEEPALIVE, UPDATE or ROUTE-REFRESH before the OPEN is an FSM error 5/1', () => {
    for (const type of ['bgp.keepalive', 'bgp.update', 'bgp.routeRefresh'] as const) {
      const s = session();
      s.toOpenSent();
      s.send({ type });
      assert.equal(s.state(), 'idle', type);
      assert.deepEqual(s.last().reason, 'unexpectedMessage');
      assert.deepEqual(s.of('sendNotification')[0]?.params, { code: 5, subcode: 1 });
    }
  });

  it('OpenSent → Active when the connection closes (RFC 4271), then Connect after the retry time', () => {
    const s = session();
    s.toOpenSent();
    s.send({ type: 'tcp.closed' });
    assert.equal(s.state(), 'active');
    assert.deepEqual(s.last(), { from: 'openSent', to: 'active', reason: 'tcpClosed' });
    assert.deepEqual(s.of('sendNotification'), []);
    s.advance(5000);
    assert.equal(s.state(), 'connect');
  });
});

describe('bgp session machine: OpenConfirm and Established', () => {
  it('OpenConfirm → Established on KEEPALIVE: tells the negotiated session, then sends the routes', () => {
    const s = session();
    s.toOpenConfirm();
    const mark = s.effects.length;
    s.send({ type: 'bgp.keepalive' });
    assert.equal(s.state(), 'established');
    assert.deepEqual(s.last(), { from: 'openConfirm', to: 'established', reason: 'keepaliveReceived' });
    assert.deepEqual(s.types(mark), ['sessionEstablished', 'sendRoutes']);
    assert.deepEqual(s.of('sessionEstablished')[0]?.params, s.context().negotiated);
    assert.equal(s.context().counters.established, 1);
    assert.equal(s.context().counters.keepalivesReceived, 1);
  });

  it('OpenConfirm: sends KEEPALIVEs every hold / 3 and drops with NOTIFICATION 4 when the peer is silent', () => {
    const s = session();
    s.toOpenConfirm(); // negotiated hold 6 s, keepalive 2 s
    s.clock.increment(2000);
    s.clock.increment(2000);
    assert.deepEqual(
      s.of('sendKeepalive').map((e) => e.at),
      [0, 2000, 4000],
    );
    s.clock.increment(1999);
    assert.equal(s.state(), 'openConfirm');
    s.clock.increment(1);
    assert.equal(s.state(), 'idle');
    assert.deepEqual(s.last(), { from: 'openConfirm', to: 'idle', reason: 'holdTimerExpired' });
    assert.deepEqual(s.of('sendNotification')[0]?.params, { code: 4, subcode: 0 });
    assert.deepEqual(s.of('sessionDown'), [], 'the session never came up');
  });

  it('OpenConfirm: an UPDATE or a second OPEN is an FSM error 5/2', () => {
    for (const event of [{ type: 'bgp.update' }, peerOpen()] as const) {
      const s = session();
      s.toOpenConfirm();
      s.send(event);
      assert.equal(s.state(), 'idle');
      assert.deepEqual(s.of('sendNotification')[0]?.params, { code: 5, subcode: 2 });
    }
  });

  it('Established: sends a KEEPALIVE every keepalive time (hold / 3)', () => {
    const s = session();
    s.toEstablished(peerOpen({ holdTime: 90 })); // hold 9 s, keepalive 3 s
    const mark = s.effects.length;
    for (let t = 0; t < 30_000; t += 1000) {
      s.advance(1000);
      if (t % 4000 === 0) s.send({ type: 'bgp.keepalive' });
    }
    assert.deepEqual(
      s.of('sendKeepalive', mark).map((e) => e.at),
      [3000, 6000, 9000, 12_000, 15_000, 18_000, 21_000, 24_000, 27_000, 30_000],
    );
    assert.equal(s.state(), 'established');
  });

  it('Established: the receive-side hold timer restarts on every KEEPALIVE and UPDATE and expires after silence', () => {
    const s = session();
    s.toEstablished(); // hold 6 s
    for (let i = 0; i < 20; i++) {
      s.advance(5000);
      s.send(i % 2 === 0 ? { type: 'bgp.keepalive' } : { type: 'bgp.update' });
    }
    assert.equal(s.state(), 'established', 'traffic every 5 s keeps a 6 s hold timer from expiring');
    assert.equal(s.context().counters.updatesReceived, 10);
    const quietSince = s.clock.now();
    s.clock.increment(5999);
    assert.equal(s.state(), 'established');
    s.clock.increment(1);
    assert.equal(s.state(), 'idle');
    assert.equal(s.clock.now() - quietSince, 6000);
    assert.deepEqual(s.last(), { from: 'established', to: 'idle', reason: 'holdTimerExpired' });
    assert.deepEqual(s.of('sendNotification')[0]?.params, { code: 4, subcode: 0 });
    assert.deepEqual(s.of('sessionDown')[0]?.params, { reason: 'holdTimerExpired' });
    assert.equal(s.context().counters.dropped, 1);
  });

  it('Established: sending UPDATEs restarts the keepalive timer', () => {
    const s = session();
    s.toEstablished(); // keepalive 2 s
    const mark = s.effects.length;
    s.clock.increment(1500);
    s.send({ type: 'bgp.updateSent', count: 3 });
    s.clock.increment(1999);
    assert.deepEqual(s.of('sendKeepalive', mark), []);
    s.clock.increment(1);
    assert.deepEqual(
      s.of('sendKeepalive', mark).map((e) => e.at),
      [3500],
    );
    assert.equal(s.context().counters.updatesSent, 3);
  });

  it('hold time 0 (ours or theirs): no keepalives and no hold timer, in OpenConfirm and Established', () => {
    for (const [input, open] of [
      [{ ...INPUT, holdTimeMs: 0, keepaliveTimeMs: 0 }, peerOpen()],
      [INPUT, peerOpen({ holdTime: 0 })],
    ] as const) {
      const s = session(input);
      s.toOpenConfirm(open);
      s.advance(600_000);
      assert.equal(s.state(), 'openConfirm');
      s.send({ type: 'bgp.keepalive' });
      s.send({ type: 'bgp.updateSent', count: 1 });
      s.advance(3_600_000);
      assert.equal(s.state(), 'established');
      assert.equal(s.of('sendKeepalive').length, 1, 'only the one answering the OPEN');
      assert.equal(s.context().counters.updatesSent, 1);
    }
  });

  it('Established: a ROUTE-REFRESH sends the table again; an OPEN is an FSM error 5/3', () => {
    const s = session();
    s.toEstablished();
    s.send({ type: 'bgp.routeRefresh' });
    assert.equal(s.of('sendRoutes').length, 2);
    s.send(peerOpen());
    assert.equal(s.state(), 'idle');
    assert.deepEqual(s.of('sendNotification')[0]?.params, { code: 5, subcode: 3 });
    assert.deepEqual(s.of('sessionDown')[0]?.params, { reason: 'unexpectedMessage' });
  });

  it('Established: BFD down tears the session down with Cease / BFD Down (6/10)', () => {
    const s = session();
    s.toEstablished();
    const mark = s.effects.length;
    s.send({ type: 'bfd.down' });
    assert.equal(s.state(), 'idle');
    assert.deepEqual(s.last(), { from: 'established', to: 'idle', reason: 'bfdDown' });
    assert.deepEqual(s.types(mark), ['sendNotification', 'closeTcp', 'sessionDown']);
    assert.deepEqual(s.of('sendNotification')[0]?.params, { code: 6, subcode: 10 });
    assert.deepEqual(s.of('sessionDown')[0]?.params, { reason: 'bfdDown' });
  });

  it('BFD down before Established is ignored (BFD comes up after BGP)', () => {
    const s = session();
    s.toOpenConfirm();
    s.send({ type: 'bfd.down' });
    assert.equal(s.state(), 'openConfirm');
  });

  it('a message that fails to decode is answered with the codec’s NOTIFICATION', () => {
    const data = new Uint8Array([0, 3]);
    for (const to of ['toOpenSent', 'toOpenConfirm', 'toEstablished'] as const) {
      const s = session();
      s[to]();
      s.send({ type: 'bgp.decodeError', code: 1, subcode: 2, data });
      assert.equal(s.state(), 'idle', to);
      assert.equal(s.last().reason, 'decodeError');
      assert.deepEqual(s.of('sendNotification')[0]?.params, { code: 1, subcode: 2, data });
      assert.equal(s.of('sessionDown').length, to === 'toEstablished' ? 1 : 0);
    }
  });
});

describe('bgp session machine: going down', () => {
  const connected = ['toOpenSent', 'toOpenConfirm', 'toEstablished'] as const;

  it('a NOTIFICATION received → Idle from every connected state, without answering it', () => {
    for (const to of connected) {
      const s = session();
      s[to]();
      const mark = s.effects.length;
      s.send({ type: 'bgp.notification', code: 6, subcode: 4 });
      assert.equal(s.state(), 'idle', to);
      assert.equal(s.last().reason, 'notificationReceived');
      assert.deepEqual(s.types(mark), to === 'toEstablished' ? ['closeTcp', 'sessionDown'] : ['closeTcp']);
      assert.deepEqual(s.context().lastNotification, { code: 6, subcode: 4, data: undefined, sent: false });
      assert.equal(s.context().counters.notificationsReceived, 1);
    }
  });

  it('the connection closing in each state', () => {
    const expected: [string, (s: ReturnType<typeof session>) => void, BgpSessionStateValue][] = [
      ['connect', (s) => s.send({ type: 'bgp.start' }), 'active'],
      ['active (listening)', (s) => s.send({ type: 'bgp.start' }), 'idle'],
      ['openSent', (s) => s.toOpenSent(), 'active'],
      ['openConfirm', (s) => s.toOpenConfirm(), 'idle'],
      ['established', (s) => s.toEstablished(), 'idle'],
    ];
    for (const [name, reach, target] of expected) {
      const s = session(name.startsWith('active') ? { ...INPUT, passive: true } : INPUT);
      reach(s);
      s.send({ type: 'tcp.closed', error: 'ECONNRESET' });
      assert.equal(s.state(), target, name);
      assert.equal(s.last().reason, 'tcpClosed', name);
      assert.equal(s.of('sendNotification').length, 0, name);
      assert.equal(s.of('sessionDown').length, name === 'established' ? 1 : 0, name);
    }
  });

  it('stop in each state: Idle, no restart; a Cease (6/2) first when a connection exists', () => {
    const reach: [string, (s: ReturnType<typeof session>) => void, boolean][] = [
      ['connect', (s) => s.send({ type: 'bgp.start' }), false],
      [
        'active',
        (s) => {
          s.send({ type: 'bgp.start' });
          s.send({ type: 'tcp.failed' });
        },
        false,
      ],
      ['openSent', (s) => s.toOpenSent(), true],
      ['openConfirm', (s) => s.toOpenConfirm(), true],
      ['established', (s) => s.toEstablished(), true],
      [
        'idle (holding)',
        (s) => {
          s.toEstablished();
          s.send({ type: 'tcp.closed' });
        },
        false,
      ],
    ];
    for (const [name, go, notifies] of reach) {
      const s = session();
      go(s);
      const mark = s.effects.length;
      s.send({ type: 'bgp.stop' });
      assert.equal(s.state(), 'idle', name);
      assert.equal(s.last().reason, 'stopped', name);
      const types = s.types(mark);
      assert.deepEqual(
        types.filter((t) => t !== 'sessionDown'),
        name.startsWith('idle') ? [] : notifies ? ['sendNotification', 'closeTcp'] : ['closeTcp'],
        name,
      );
      if (notifies) assert.deepEqual(s.of('sendNotification', mark)[0]?.params, { code: 6, subcode: 2 });
      assert.equal(types.includes('sessionDown'), name === 'established', name);
      s.advance(600_000);
      assert.equal(s.state(), 'idle', `${name}: stays stopped`);
      assert.deepEqual(s.types(mark).slice(types.length), [], `${name}: nothing after stop`);
      s.send({ type: 'bgp.start' });
      assert.equal(s.state(), 'connect', `${name}: can start again`);
    }
  });
});

describe('bgp session machine: restart backoff (idle hold)', () => {
  /** Established for `ms`, the peer sending a KEEPALIVE every second. */
  function keepAlive(s: ReturnType<typeof session>, ms: number) {
    for (let t = 0; t < ms; t += 1000) {
      s.advance(1000);
      s.send({ type: 'bgp.keepalive' });
    }
    assert.equal(s.state(), 'established');
  }

  /** Brings the session up to OpenSent and has the peer refuse it; returns when openTcp came. */
  function flap(s: ReturnType<typeof session>) {
    s.send({ type: 'tcp.connected' });
    s.send({ type: 'bgp.notification', code: 6, subcode: 5 });
    const dropped = s.clock.now();
    const before = s.of('openTcp').length;
    while (s.of('openTcp').length === before) s.clock.increment(100);
    return s.clock.now() - dropped;
  }

  it('waits 1, 2, 4, 8 s after drops in a row, capped at 8 s', () => {
    const s = session();
    s.send({ type: 'bgp.start' });
    const waits = [1, 2, 3, 4, 5, 6].map(() => flap(s));
    assert.deepEqual(waits, [1000, 2000, 4000, 8000, 8000, 8000]);
    assert.deepEqual(s.last(), { from: 'idle', to: 'connect', reason: 'idleHoldExpired' });
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5].map((d) => idleHoldMs(INPUT.idleHold!, d)),
      [0, 1000, 2000, 4000, 8000, 8000],
    );
  });

  it('forgets the drops after the session stayed Established for the stable time, not before', () => {
    const s = session();
    s.send({ type: 'bgp.start' });
    flap(s);
    flap(s); // next wait would be 4 s
    s.send({ type: 'tcp.connected' });
    s.send(peerOpen());
    s.send({ type: 'bgp.keepalive' });
    keepAlive(s, 29_000);
    s.send({ type: 'tcp.closed' });
    assert.equal(s.context().drops, 3, 'dropped before being stable: still counting');
    let before = s.of('openTcp').length;
    s.advance(3900);
    assert.equal(s.of('openTcp').length, before);
    s.advance(100);
    assert.equal(s.of('openTcp').length, before + 1);
    s.send({ type: 'tcp.connected' });
    s.send(peerOpen());
    s.send({ type: 'bgp.keepalive' });
    keepAlive(s, 30_000);
    assert.equal(s.context().drops, 0);
    s.send({ type: 'tcp.closed' });
    before = s.of('openTcp').length;
    s.advance(1000);
    assert.equal(s.of('openTcp').length, before + 1, 'back to the initial wait');
  });

  it('a passive session restarts into Active (listening) after the idle hold', () => {
    const s = session({ ...INPUT, passive: true });
    s.send({ type: 'bgp.start' });
    s.send({ type: 'tcp.connected' });
    s.send({ type: 'bgp.notification', code: 6, subcode: 3 });
    s.advance(1000);
    assert.equal(s.state(), 'active');
    assert.deepEqual(s.last(), { from: 'idle', to: 'active', reason: 'idleHoldExpired' });
    assert.equal(s.of('openTcp').length, 2);
  });
});

describe('bgp session machine: every transition carries a reason (property)', () => {
  const REASONS = new Set([
    'started',
    'stopped',
    'idleHoldExpired',
    'connectRetryExpired',
    'tcpConnected',
    'tcpFailed',
    'tcpClosed',
    'openAccepted',
    'keepaliveReceived',
    'holdTimerExpired',
    'notificationReceived',
    'decodeError',
    'unexpectedMessage',
    'bfdDown',
    'badPeerAs',
    'unacceptableHoldTime',
    'badBgpIdentifier',
    'noCommonFamily',
  ]);
  const step = fc.oneof(
    fc.constantFrom<BgpSessionEvent>(
      { type: 'bgp.start' },
      { type: 'bgp.stop' },
      { type: 'tcp.connected' },
      { type: 'tcp.failed' },
      { type: 'tcp.closed' },
      peerOpen(),
      peerOpen({ holdTime: 0 }),
      peerOpen({ asn: 1 }),
      { type: 'bgp.keepalive' },
      { type: 'bgp.update' },
      { type: 'bgp.routeRefresh' },
      { type: 'bgp.notification', code: 6, subcode: 2 },
      { type: 'bgp.decodeError', code: 1, subcode: 1 },
      { type: 'bgp.updateSent', count: 2 },
      { type: 'bfd.down' },
    ),
    fc.integer({ min: 100, max: 20_000 }),
  );

  it('records {from, to, reason} on every change of state; sessions up and down pair; one connection at a time', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.boolean(), (steps, passive) => {
        const s = session({ ...INPUT, passive });
        for (const item of steps) {
          if (typeof item === 'number') s.advance(item);
          else s.send(item);
          assert.equal(s.last().to, s.state());
        }
        let previous = 'idle';
        let up = false;
        let open = false;
        for (const effect of s.effects) {
          if (effect.type === 'notifyTransition') {
            const t = effect.params as { from: string; to: string; reason: string };
            assert.equal(t.from, previous);
            assert.ok(REASONS.has(t.reason), t.reason);
            previous = t.to;
          } else if (effect.type === 'sessionEstablished') {
            assert.equal(up, false);
            up = true;
          } else if (effect.type === 'sessionDown') {
            assert.equal(up, true);
            up = false;
          } else if (effect.type === 'openTcp') {
            assert.equal(open, false, 'openTcp while a connection is open');
            open = true;
          } else if (effect.type === 'closeTcp') open = false;
        }
        assert.equal(up, s.state() === 'established');
      }),
      { numRuns: 300 },
    );
  });
});
