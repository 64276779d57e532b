// The node's BGP speaker against a router (a passive session actor) on an in-memory link and a
// simulated clock: the whole table when the session comes up, then only the changes between
// plans; sessions stopped, restarted on a changed BGPPeer, and torn down when BFD says so.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimulatedClock } from 'xstate';
import {
  BgpSessionActor,
  plainBgpCodec,
  type PlainBgpMessage,
} from '../../../src/actors/bgp-session.actor.js';
import { BgpSpeakerActor, type BgpUpdateEncoder } from '../../../src/actors/bgp-speaker.actor.js';
import type { BgpNodePlan, BgpRoute, BgpSession } from '../../../src/core/bgp-plan/index.js';
import type { BgpSessionReason } from '../../../src/machines/bgp-session.machine.js';
import type { BgpTransport } from '../../../src/ports/bgp-transport.js';
import { MemoryLink } from '../../fakes/memory-bgp-link.js';

const SESSION: BgpSession = {
  name: 'tor',
  peerAddress: '10.0.0.254',
  interface: undefined,
  peerPort: 179,
  sourceAddress: undefined,
  vrf: '',
  myASN: 64512,
  localASN: undefined,
  peerASN: 64512,
  dynamicASN: undefined,
  ibgp: true,
  routerID: undefined,
  holdTimeMs: 9000,
  keepaliveTimeMs: 3000,
  connectTimeMs: 2000,
  ebgpMultiHop: false,
  gracefulRestart: false,
  families: [4],
  auth: { kind: 'none' },
  bfd: undefined,
};

const route = (prefix: string): BgpRoute => ({
  prefix,
  family: 4,
  origin: 'igp',
  nextHop: 'self',
  localPref: 100,
  communities: [],
  largeCommunities: [],
});

function plan(prefixes: readonly string[], session: BgpSession = SESSION): BgpNodePlan {
  return {
    node: 'node1',
    sessions: [session],
    routes: new Map([[session.name, new Map(prefixes.map((p) => [p, route(p)]))]]),
    services: new Map(),
  };
}

/** UPDATEs as plain messages: `+prefix@nexthop` announced, `-prefix` withdrawn. */
const encoder: BgpUpdateEncoder<PlainBgpMessage> = {
  announce: (routes, live) =>
    routes.length === 0
      ? []
      : [{ type: 'bgp.update', routes: routes.map((r) => `+${r.prefix}@${live.localAddress() ?? '?'}`) }],
  withdraw: (prefixes) =>
    prefixes.length === 0 ? [] : [{ type: 'bgp.update', routes: prefixes.map((p) => `-${p}`) }],
};

function lab(options: { bfd?: boolean } = {}) {
  const clock = new SimulatedClock();
  let link = new MemoryLink<PlainBgpMessage>(clock);
  const received: string[] = [];
  const routerDowns: BgpSessionReason[] = [];
  let bfdDown: ((reason: string) => void) | undefined;
  let bfdStops = 0;
  const router = () =>
    new BgpSessionActor(
      {
        localAsn: 64512,
        peerAsn: 'internal',
        routerId: '10.0.0.254',
        holdTimeMs: 9000,
        keepaliveTimeMs: 3000,
        passive: true,
      },
      {
        clock,
        transport: {
          connect: (handlers) =>
            link.listener.connect({
              ...handlers,
              message: (m) => {
                if (m.type === 'bgp.update') received.push(...(m.routes ?? []));
                handlers.message(m);
              },
            }),
        },
        codec: plainBgpCodec,
        table: () => [],
        random: () => 1,
        onDown: (reason) => routerDowns.push(reason),
      },
    );
  let routerActor = router();
  routerActor.start();
  const downs: BgpSessionReason[] = [];
  const bfdEvents: string[] = [];
  const speaker = new BgpSpeakerActor<PlainBgpMessage>({
    node: 'node1',
    clock,
    codec: plainBgpCodec,
    encoder,
    defaultRouterId: '10.0.0.1',
    transport: () => {
      const dialer: BgpTransport<PlainBgpMessage> = link.dialer;
      return { connect: (h) => dialer.connect(h), localAddress: () => '10.0.0.1' };
    },
    ...(options.bfd
      ? {
          bfd: (_session, events) => {
            bfdDown = (reason) => events.down(reason);
            events.up();
            return {
              stop: () => {
                bfdStops++;
              },
            };
          },
        }
      : {}),
    random: () => 1,
    onDown: (_peer, reason) => downs.push(reason),
    onBfd: (peer, up, reason) => bfdEvents.push(`${peer}:${up ? 'up' : 'down'}:${reason}`),
  });
  const advance = (ms: number) => {
    for (let t = 0; t < ms; t += 5) clock.increment(5);
  };
  /** A new router on a new wire (the old session is gone). */
  const newRouter = () => {
    routerActor.stop();
    link = new MemoryLink<PlainBgpMessage>(clock);
    routerActor = router();
    routerActor.start();
  };
  return {
    speaker,
    advance,
    received,
    downs,
    routerDowns,
    bfdEvents,
    newRouter,
    bfdDown: (reason: string) => bfdDown?.(reason),
    bfdStops: () => bfdStops,
    routerState: () => routerActor.state(),
  };
}

describe('BgpSpeakerActor', () => {
  it('sends the whole table when the session comes up, with the session address as next hop', () => {
    const l = lab();
    l.speaker.update(plan(['10.77.0.200/32', '10.77.0.201/32']));
    l.advance(50);
    assert.equal(l.routerState(), 'established');
    assert.deepEqual(l.received, ['+10.77.0.200/32@10.0.0.1', '+10.77.0.201/32@10.0.0.1']);
    assert.deepEqual(l.speaker.sessions(), [
      { peer: 'tor', address: '10.0.0.254', state: 'established', routes: 2 },
    ]);
    l.speaker.stop();
  });

  it('then sends only the changes: one withdrawal, one new route', () => {
    const l = lab();
    l.speaker.update(plan(['10.77.0.200/32', '10.77.0.201/32']));
    l.advance(50);
    l.received.length = 0;
    l.speaker.update(plan(['10.77.0.201/32', '10.77.0.202/32']));
    l.advance(20);
    assert.deepEqual(l.received, ['-10.77.0.200/32', '+10.77.0.202/32@10.0.0.1']);
    l.received.length = 0;
    l.speaker.update(plan(['10.77.0.201/32', '10.77.0.202/32']));
    l.advance(20);
    assert.deepEqual(l.received, [], 'an unchanged plan sends nothing');
    l.speaker.stop();
  });

  it('a peer no longer in the plan: its session ends with a Cease the router hears', () => {
    const l = lab();
    l.speaker.update(plan(['10.77.0.200/32']));
    l.advance(50);
    l.speaker.update({ node: 'node1', sessions: [], routes: new Map(), services: new Map() });
    l.advance(20);
    assert.deepEqual(l.routerDowns, ['notificationReceived']);
    assert.deepEqual(l.speaker.sessions(), []);
  });

  it('a changed BGPPeer restarts its session, which sends the table again', () => {
    const l = lab();
    l.speaker.update(plan(['10.77.0.200/32']));
    l.advance(50);
    l.newRouter();
    l.received.length = 0;
    l.speaker.update(plan(['10.77.0.200/32'], { ...SESSION, holdTimeMs: 6000, keepaliveTimeMs: 2000 }));
    l.advance(50);
    assert.equal(l.routerState(), 'established');
    assert.deepEqual(l.received, ['+10.77.0.200/32@10.0.0.1']);
    assert.deepEqual(l.downs, ['stopped']);
    l.speaker.stop();
  });

  it('BFD down takes the BGP session down at once (Cease, reason bfdDown); stop ends BFD', () => {
    const l = lab({ bfd: true });
    const withBfd: BgpSession = {
      ...SESSION,
      bfd: {
        profile: 'fast',
        settings: {
          name: 'fast',
          receiveIntervalMs: 50,
          transmitIntervalMs: 50,
          detectMultiplier: 3,
          echoIntervalMs: 50,
          echoMode: false,
          passiveMode: false,
          minimumTtl: 254,
        },
      },
    };
    l.speaker.update(plan(['10.77.0.200/32'], withBfd));
    l.advance(50);
    assert.equal(l.routerState(), 'established');
    l.bfdDown('controlDetectionTimeExpired');
    l.advance(10);
    assert.deepEqual(l.downs, ['bfdDown']);
    assert.deepEqual(l.bfdEvents, ['tor:up:up', 'tor:down:controlDetectionTimeExpired']);
    l.speaker.stop();
    assert.equal(l.bfdStops(), 0, 'BFD outlives the Cease by a moment');
    l.advance(100);
    assert.equal(l.bfdStops(), 1);
  });
});
