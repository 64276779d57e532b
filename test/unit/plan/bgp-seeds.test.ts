// The BGP examples of the seed documents (test/fixtures/seed-examples, see INDEX.md) planned:
// what the documents say the peers receive, and the typos that make them receive nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFixture } from '../config/helpers.js';
import { bgpConfig, node, outcomeOf, planOf, routesTo, svc } from './bgp-helpers.js';

const fixtures = (...numbers: string[]) =>
  bgpConfig(...numbers.flatMap((n) => readFixture(n).map((v) => v.value)));
const V4 = '203.0.113.200';
const V6 = 'fc00:f853:ccd:e799::1';

describe('bgp plan: seed examples', () => {
  it('§25.2.2 basic (012, 013) with the dual-stack iBGP peers (039): one /32 and one /128, localPref 0, no communities', () => {
    const plan = planOf(fixtures('012', '013', '039'), [svc('web', [V4, V6])]);
    assert.deepEqual(routesTo(plan, 'doc-example-dual-stack-ipv4'), [{ prefix: `${V4}/32`, localPref: 0 }]);
    assert.deepEqual(routesTo(plan, 'doc-example-dual-stack-ipv6'), [{ prefix: `${V6}/128`, localPref: 0 }]);
  });

  it('§25.2.3 advanced (014, 015, 016): the /32 with localPref 100 and NO_ADVERTISE, the /30 with 8000:800', () => {
    const plan = planOf(fixtures('014', '015', '016', '039'), [svc('web', [V4, V6])]);
    assert.deepEqual(routesTo(plan, 'doc-example-dual-stack-ipv4'), [
      { prefix: '203.0.113.200/30', localPref: 0, communities: ['8000:800'] },
      { prefix: '203.0.113.200/32', localPref: 100, communities: ['65535:65282'] },
    ]);
    assert.deepEqual(routesTo(plan, 'doc-example-dual-stack-ipv6'), [
      { prefix: 'fc00:f853:ccd:e799::/124', localPref: 0, communities: ['8000:800'] },
      { prefix: `${V6}/128`, localPref: 100, communities: ['65535:65282'] },
    ]);
  });

  it('§25.2.3: two services in the /30 share one aggregate route to the peer', () => {
    const plan = planOf(fixtures('014', '015', '016', '039'), [svc('a', [V4]), svc('b', ['203.0.113.201'])]);
    assert.deepEqual(
      routesTo(plan, 'doc-example-dual-stack-ipv4').map((r) => r.prefix),
      ['203.0.113.200/30', '203.0.113.200/32', '203.0.113.201/32'],
    );
  });

  it('§25.3.3 peer-specific pools (027–032): pool1 only to peer1, pool2 only to peer2; eBGP, so no localPref', () => {
    const config = fixtures('027', '028', '029', '030', '031', '032');
    const plan = planOf(config, [
      svc('one', ['4.4.4.100']),
      svc('two', ['5.5.5.150']),
      svc('v6', ['2001:100:4::200']),
    ]);
    assert.deepEqual(outcomeOf(plan, 'one'), { peer1: ['4.4.4.100/32'], peer2: 'peerNotInAdvertisement' });
    assert.deepEqual(outcomeOf(plan, 'two'), { peer1: 'peerNotInAdvertisement', peer2: ['5.5.5.150/32'] });
    assert.deepEqual(routesTo(plan, 'peer1'), [{ prefix: '4.4.4.100/32', communities: ['65535:65282'] }]);
    // peer1 is an IPv4 session without dualStackAddressFamily: pool1's IPv6 addresses are not sent.
    assert.deepEqual(outcomeOf(plan, 'v6'), {
      peer1: 'addressFamilyNotEnabled',
      peer2: 'peerNotInAdvertisement',
    });
  });

  it('§25.4.2 community alias (040–043): as printed the advertisement names another peer, so nothing is sent', () => {
    const plan = planOf(fixtures('040', '041', '042', '043'), [svc('web', [V4])]);
    assert.deepEqual(outcomeOf(plan, 'web'), { 'doc-example-bgp-peer': 'peerNotInAdvertisement' });
    assert.equal(plan.routes.size, 0);
    const fixed = planOf(fixtures('040', '041', '026', '043'), [svc('web', [V4])]);
    assert.deepEqual(routesTo(fixed, 'doc-example-peer'), [
      { prefix: `${V4}/32`, communities: ['65535:65282'] },
    ]);
  });

  it('§25.3.5.1 node selection (037): only compute-1 and compute-2 have the session', () => {
    const config = fixtures('012', '013', '037');
    const on = (host: string) =>
      planOf(config, [svc('web', [V4])], node(host, { 'kubernetes.io/hostname': host }));
    assert.deepEqual(outcomeOf(on('compute-1.example.com'), 'web'), { 'doc-example-nodesel': [`${V4}/32`] });
    assert.deepEqual(outcomeOf(on('compute-2.example.com'), 'web'), { 'doc-example-nodesel': [`${V4}/32`] });
    assert.equal(outcomeOf(on('compute-3.example.com'), 'web'), 'noPeers');
  });

  it('§25.3.5.2 BFD (038, 044): hold 10 s, keepalive a third of it, the passive profile resolved', () => {
    const sessions = planOf(fixtures('038', '044'), []).sessions;
    const session = sessions[0];
    assert.ok(session && sessions.length === 1);
    assert.equal(session.holdTimeMs, 10_000);
    assert.equal(Math.round(session.keepaliveTimeMs), 3333);
    assert.deepEqual(session.bfd?.settings, {
      name: 'doc-example-bfd-profile-full',
      receiveIntervalMs: 300,
      transmitIntervalMs: 300,
      detectMultiplier: 3,
      echoIntervalMs: 50,
      echoMode: false,
      passiveMode: true,
      minimumTtl: 254,
    });
  });

  it('seed 003 (064, 066, 067): the legacy AddressPool with protocol bgp advertises to the v1beta1 peer', () => {
    const plan = planOf(fixtures('064', '066', '067'), [svc('nginx', ['172.18.0.100'])]);
    assert.deepEqual(routesTo(plan, 'bgppeer-sample1'), [{ prefix: '172.18.0.100/32' }]);
    assert.equal(plan.sessions[0]?.bfd?.profile, 'bfdprofile-sample-1');
  });
});
