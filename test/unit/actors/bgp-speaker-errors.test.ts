// A BGP session machine that errors (an action throws) has an owner: the speaker reports it with
// the restart delay, closes its connection (the router sees the session go), and starts a fresh
// session after 1 s, doubling while it keeps failing, back to 1 s after 30 s up (issue 14:
// BgpSpeakerActor built sessions without onError, so a failed one stayed dead and connected).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimulatedClock } from 'xstate';
import {
  BgpSessionActor,
  plainBgpCodec,
  type PlainBgpMessage,
} from '../../../src/actors/bgp-session.actor.js';
import { BgpSpeakerActor, type BgpUpdateEncoder } from '../../../src/actors/bgp-speaker.actor.js';
import type { BgpNodePlan, BgpSession } from '../../../src/core/bgp-plan/index.js';
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

const PLAN: BgpNodePlan = {
  node: 'node1',
  sessions: [SESSION],
  routes: new Map([
    [
      'tor',
      new Map([
        [
          '10.77.0.200/32',
          {
            prefix: '10.77.0.200/32',
            family: 4,
            origin: 'igp',
            nextHop: 'self',
            localPref: 100,
            communities: [],
            largeCommunities: [],
          },
        ],
      ]),
    ],
  ]),
  services: new Map(),
};

function setup(failures: number) {
  const clock = new SimulatedClock();
  const link = new MemoryLink<PlainBgpMessage>(clock);
  const received: string[] = [];
  const router = new BgpSessionActor(
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
    },
  );
  router.start();
  let left = failures;
  const encoder: BgpUpdateEncoder<PlainBgpMessage> = {
    announce: (routes) => {
      if (left-- > 0) throw new Error('encoder bug');
      return [{ type: 'bgp.update', routes: routes.map((r) => `+${r.prefix}`) }];
    },
    withdraw: () => [],
  };
  const errors: { peer: string; error: string; restartInMs: number }[] = [];
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
    random: () => 1,
    onSessionError: (peer, error, restartInMs) => errors.push({ peer, error: String(error), restartInMs }),
  });
  const advance = (ms: number) => {
    for (let t = 0; t < ms; t += 5) clock.increment(5);
  };
  return { speaker, router, received, errors, advance };
}

describe('BgpSpeakerActor: session machine errors', () => {
  it('reports the error, drops the session and restarts it after 1 s, then the table goes out', () => {
    const l = setup(1);
    l.speaker.update(PLAN);
    l.advance(50);
    assert.equal(l.errors.length, 1);
    const [first] = l.errors;
    assert.deepEqual(first && { ...first, error: /encoder bug/.test(first.error) }, {
      peer: 'tor',
      error: true,
      restartInMs: 1000,
    });
    assert.deepEqual(l.speaker.sessions(), [], 'the failed session is gone, not left errored');
    // A plan arriving during the backoff does not cut it short.
    l.speaker.update(PLAN);
    l.advance(500);
    assert.deepEqual(l.speaker.sessions(), []);
    l.advance(3000);
    assert.equal(l.speaker.sessions()[0]?.state, 'established');
    assert.deepEqual(l.received, ['+10.77.0.200/32']);
    assert.equal(l.router.state(), 'established');
    l.speaker.stop();
  });

  it('backs off 1 s, 2 s, 4 s while it keeps failing; stop cancels the restart', () => {
    const l = setup(3);
    l.speaker.update(PLAN);
    l.advance(10_000);
    assert.deepEqual(
      l.errors.map((e) => e.restartInMs),
      [1000, 2000, 4000],
    );
    l.advance(10_000);
    assert.equal(l.speaker.sessions()[0]?.state, 'established');
    l.speaker.stop();
    const l2 = setup(5);
    l2.speaker.update(PLAN);
    l2.advance(50);
    l2.speaker.stop();
    l2.advance(5000);
    assert.deepEqual(l2.speaker.sessions(), []);
    assert.equal(l2.errors.length, 1);
  });
});
