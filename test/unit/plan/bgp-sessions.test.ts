// A node's sessions, resolved for the speaker: defaults, iBGP/eBGP, BFD values, families, and a
// password that never shows up in logs or output.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { DEFAULT_CONNECT_TIME_MS, sessionsForNode } from '../../../src/core/bgp-plan/index.js';
import { bgpConfig, obj, peer } from './bgp-helpers.js';

const only = (...objects: unknown[]) => {
  const sessions = sessionsForNode(bgpConfig(...objects), {});
  assert.equal(sessions.length, 1);
  return sessions[0]!;
};

describe('bgp sessions', () => {
  it('defaults: port 179, hold 90 s, keepalive 30 s, connect 120 s, default VRF, no auth, no BFD', () => {
    const s = only(peer('tor', { peerAddress: '192.0.2.1', myASN: 64500, peerASN: 64501 }));
    assert.deepEqual(
      {
        peerPort: s.peerPort,
        holdTimeMs: s.holdTimeMs,
        keepaliveTimeMs: s.keepaliveTimeMs,
        connectTimeMs: s.connectTimeMs,
        vrf: s.vrf,
        ibgp: s.ibgp,
        families: s.families,
        auth: s.auth,
        bfd: s.bfd,
        ebgpMultiHop: s.ebgpMultiHop,
      },
      {
        peerPort: 179,
        holdTimeMs: 90_000,
        keepaliveTimeMs: 30_000,
        connectTimeMs: DEFAULT_CONNECT_TIME_MS,
        vrf: '',
        ibgp: false,
        families: [4],
        auth: { kind: 'none' },
        bfd: undefined,
        ebgpMultiHop: false,
      },
    );
    assert.equal(DEFAULT_CONNECT_TIME_MS, 120_000);
  });

  it('everything given is passed through', () => {
    const s = only(
      peer('edge', {
        peerAddress: '2001:db8::1',
        peerPort: 1179,
        sourceAddress: '2001:db8::10',
        myASN: 64500,
        peerASN: 64999,
        routerID: '10.0.0.9',
        holdTime: '30s',
        keepaliveTime: '5s',
        connectTime: '7s',
        ebgpMultiHop: true,
        enableGracefulRestart: true,
        vrf: 'red',
      }),
    );
    assert.deepEqual(
      [
        s.peerAddress,
        s.peerPort,
        s.sourceAddress,
        s.routerID,
        s.holdTimeMs,
        s.keepaliveTimeMs,
        s.connectTimeMs,
      ],
      ['2001:db8::1', 1179, '2001:db8::10', '10.0.0.9', 30_000, 5_000, 7_000],
    );
    assert.deepEqual([s.ebgpMultiHop, s.gracefulRestart, s.vrf, s.families], [true, true, 'red', [6]]);
  });

  it('a BFD profile is resolved to its values (defaults included)', () => {
    const s = only(
      obj('BFDProfile', 'fast', { receiveInterval: 50, detectMultiplier: 5, passiveMode: true }),
      peer('tor', { peerAddress: '192.0.2.1', bfdProfile: 'fast' }),
    );
    assert.deepEqual(s.bfd, {
      profile: 'fast',
      settings: {
        name: 'fast',
        receiveIntervalMs: 50,
        transmitIntervalMs: 300,
        detectMultiplier: 5,
        echoIntervalMs: 50,
        echoMode: false,
        passiveMode: true,
        minimumTtl: 254,
      },
    });
  });

  it('a missing BFD profile (herald plan reads references as warnings) is named without values', () => {
    const s = only(peer('tor', { peerAddress: '192.0.2.1', bfdProfile: 'later' }));
    assert.deepEqual(s.bfd, { profile: 'later', settings: undefined });
  });

  it('a password is kept for the socket but prints, serialises and inspects as <redacted>', () => {
    const s = only(peer('tor', { peerAddress: '192.0.2.1', password: 'hunter2-sEcReT' }));
    if (s.auth.kind !== 'password') assert.fail(`auth is ${s.auth.kind}`);
    assert.equal(s.auth.password.reveal(), 'hunter2-sEcReT');
    for (const shown of [JSON.stringify(s), inspect(s, { depth: 10 }), String(s.auth.password)])
      assert.ok(!shown.includes('hunter2'), shown);
  });

  it('a password Secret is a reference the speaker resolves', () => {
    const s = only(peer('tor', { peerAddress: '192.0.2.1', passwordSecret: { name: 'tor-auth' } }));
    assert.deepEqual(s.auth, { kind: 'secret', namespace: 'metallb-system', name: 'tor-auth' });
  });

  it('sessions are sorted by peer name, whatever the object order', () => {
    const peers = ['c', 'a', 'b'].map((n, i) => peer(n, { peerAddress: `192.0.2.${i + 1}` }));
    const names = (objects: unknown[]) => sessionsForNode(bgpConfig(...objects), {}).map((s) => s.name);
    assert.deepEqual(names(peers), ['a', 'b', 'c']);
    assert.deepEqual(names([...peers].reverse()), ['a', 'b', 'c']);
  });
});
