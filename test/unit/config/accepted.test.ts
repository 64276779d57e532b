// Inputs that must be accepted, with the defaults and derived values parse() fills in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from '../../../src/core/config/parse.js';
import { formatPrefix } from '../../../src/core/net/ip.js';
import { bgpAd, obj, peer, pool } from './helpers.js';

function ok(inputs: unknown[], references: 'require' | 'warn' = 'require') {
  const result = parse(inputs, { references });
  if (!result.ok) assert.fail(JSON.stringify(result.issues, null, 1));
  return result;
}

describe('accepted configurations', () => {
  it('derives keepalive = hold / 3 and hold = keepalive × 3, default 90s/30s', () => {
    const { config } = ok([
      peer('a', { holdTime: '10s' }),
      peer('b', { peerAddress: '10.0.0.2', keepaliveTime: '5s' }),
      peer('c', { peerAddress: '10.0.0.3' }),
      peer('d', { peerAddress: '10.0.0.4', holdTime: '0s' }),
      peer('e', { peerAddress: '10.0.0.5', holdTime: '9s', keepaliveTime: '9s' }),
    ]);
    const timers = (n: string) => [config.peers.get(n)?.holdTimeMs, config.peers.get(n)?.keepaliveTimeMs];
    assert.deepEqual(timers('a'), [10_000, 10_000 / 3]);
    assert.deepEqual(timers('b'), [15_000, 5_000]);
    assert.deepEqual(timers('c'), [90_000, 30_000]);
    assert.deepEqual(timers('d'), [0, 0]);
    assert.deepEqual(timers('e'), [9_000, 9_000], 'keepalive equal to hold is accepted');
  });

  it('summarises ranges into CIDRs and trims spaces around the parts', () => {
    const { config } = ok([pool('p', [' 192.168.10.0 - 192.168.10.7 ', '10.0.0.1-10.0.0.2'])]);
    const entries = config.pools.get('p')?.addresses ?? [];
    assert.deepEqual(entries[0]?.cidrs.map(formatPrefix), ['192.168.10.0/29']);
    assert.deepEqual(entries[1]?.cidrs.map(formatPrefix), ['10.0.0.1/32', '10.0.0.2/32']);
  });

  it('accepts the aggregation length of the widest CIDR of a range (26 for 3.3.3.2-3.3.3.254)', () => {
    const { config } = ok([
      pool('p', ['3.3.3.2-3.3.3.254']),
      bgpAd('a', { ipAddressPools: ['p'], aggregationLength: 26 }),
    ]);
    assert.equal(config.bgpAdvertisements[0]?.aggregationLength, 26);
  });

  it('accepts standard, large and aliased communities, deduplicated', () => {
    const { config } = ok([
      pool('p', ['10.0.0.0/24']),
      obj('Community', 'c', { communities: [{ name: 'NO_ADVERTISE', value: '65535:65282' }] }),
      bgpAd('a', { communities: ['65535:65282', 'NO_ADVERTISE', 'large:4200000000:1:2', '0:0'] }),
    ]);
    assert.deepEqual(
      config.bgpAdvertisements[0]?.communities.map((c) => c.text),
      ['65535:65282', 'large:4200000000:1:2', '0:0'],
    );
  });

  it('accepts IPv6 and dual-stack pools with defaults applied', () => {
    const { config } = ok([
      pool('v6', ['fc00:f853:ccd:e799::/124']),
      pool('dual', ['10.1.0.0/24', '2001:db8::1-2001:db8::ff']),
    ]);
    const dual = config.pools.get('dual');
    assert.deepEqual(
      dual?.addresses.map((a) => a.family),
      [4, 6],
    );
    assert.equal(dual.autoAssign, true);
    assert.equal(dual.avoidBuggyIPs, false);
    assert.equal(config.pools.get('v6')?.addresses[0]?.cidrs.length, 1);
  });

  it('fills BGPAdvertisement defaults (32/128, every pool) and BFD defaults', () => {
    const { config } = ok([pool('p', ['10.0.0.0/24']), bgpAd('a', {}), obj('BFDProfile', 'b', {})]);
    const ad = config.bgpAdvertisements[0];
    assert.deepEqual([ad?.aggregationLength, ad?.aggregationLengthV6, ad?.pools], [32, 128, ['p']]);
    const bfd = config.bfdProfiles.get('b');
    assert.deepEqual(
      [
        bfd?.receiveIntervalMs,
        bfd?.transmitIntervalMs,
        bfd?.echoIntervalMs,
        bfd?.detectMultiplier,
        bfd?.minimumTtl,
      ],
      [300, 300, 50, 3, 254],
    );
  });

  it('allows different localPref when aggregation lengths differ for every family of the pool (seed 015/016)', () => {
    ok([
      pool('p', ['203.0.113.200/30', 'fc00:f853:ccd:e799::/124']),
      bgpAd('adv1', { ipAddressPools: ['p'], localPref: 100, aggregationLength: 32 }),
      bgpAd('adv2', { ipAddressPools: ['p'], localPref: 0, aggregationLength: 30, aggregationLengthV6: 124 }),
    ]);
  });

  it('allows different localPref toward disjoint peers or disjoint nodes', () => {
    ok(
      [
        pool('p', ['10.0.0.0/24']),
        bgpAd('a', { peers: ['x'], localPref: 1 }),
        bgpAd('b', { peers: ['y'], localPref: 2 }),
      ],
      'warn',
    );
    const nodes = [
      { name: 'n1', labels: { rack: 'a' } },
      { name: 'n2', labels: { rack: 'b' } },
    ];
    const result = parse(
      [
        pool('p', ['10.0.0.0/24']),
        bgpAd('a', { nodeSelectors: [{ matchLabels: { rack: 'a' } }], localPref: 1 }),
        bgpAd('b', { nodeSelectors: [{ matchLabels: { rack: 'b' } }], localPref: 2 }),
      ],
      { nodes },
    );
    assert.equal(result.ok, true);
  });

  it('peers on disjoint nodes may differ in routerID and share an address', () => {
    const nodes = [
      { name: 'n1', labels: { rack: 'a' } },
      { name: 'n2', labels: { rack: 'b' } },
    ];
    const result = parse(
      [
        peer('a', { routerID: '1.1.1.1', nodeSelectors: [{ matchLabels: { rack: 'a' } }] }),
        peer('b', { routerID: '2.2.2.2', nodeSelectors: [{ matchLabels: { rack: 'b' } }] }),
      ],
      { nodes },
    );
    assert.equal(result.ok, true, JSON.stringify(result.issues));
  });

  it('converts v1beta1 BGPPeer and legacy AddressPool, warning about each', () => {
    const result = ok([
      { ...peer('old', {}), apiVersion: 'metallb.io/v1beta1' },
      obj('AddressPool', 'legacy', {
        protocol: 'bgp',
        addresses: ['172.18.0.100-172.18.0.255'],
        bgpAdvertisements: [{ localPref: 50 }],
      }),
      obj('AddressPool', 'legacy-l2', { protocol: 'layer2', addresses: ['172.19.0.0/24'] }),
    ]);
    assert.equal(result.config.peers.get('old')?.peerPort, 179);
    assert.deepEqual(
      result.config.bgpAdvertisements.map((a) => [a.pools, a.localPref]),
      [[['legacy'], 50]],
    );
    assert.deepEqual(
      result.config.l2Advertisements.map((a) => a.pools),
      [['legacy-l2']],
    );
    assert.equal(result.issues.filter((i) => i.severity === 'warning').length, 3);
  });

  it('turns missing references into warnings when asked (herald validate)', () => {
    const result = parse(
      [pool('p', ['10.0.0.0/24']), peer('x', { bfdProfile: 'fast' }), bgpAd('a', { communities: ['ALIAS'] })],
      {
        references: 'warn',
      },
    );
    assert.equal(result.ok, true);
    assert.deepEqual(result.issues.map((i) => i.field).sort(), ['spec.bfdProfile', 'spec.communities[0]']);
  });

  it('resolves L2 pool selectors and reports unknown pool names as warnings', () => {
    const labelled = {
      ...pool('east', ['10.2.0.0/24']),
      metadata: { name: 'east', namespace: 'metallb-system', labels: { zone: 'east' } },
    };
    const result = parse(
      [
        pool('p', ['10.0.0.0/24']),
        labelled,
        obj('L2Advertisement', 'l2', {
          ipAddressPools: ['nope'],
          ipAddressPoolSelectors: [{ matchLabels: { zone: 'east' } }],
        }),
      ],
      { references: 'warn' },
    );
    assert.ok(result.ok);
    assert.deepEqual(result.config.l2Advertisements[0]?.pools, ['east']);
    assert.equal(result.issues[0]?.field, 'spec.ipAddressPools[0]');
  });

  it('accepts advertisements, BFD profiles and communities without a spec (every field optional)', () => {
    const bare = (kind: string, name: string) => ({
      apiVersion: 'metallb.io/v1beta1',
      kind,
      metadata: { name, namespace: 'metallb-system' },
    });
    const { config } = ok([
      pool('p', ['10.0.0.0/24']),
      bare('L2Advertisement', 'l2'),
      bare('BGPAdvertisement', 'bgp'),
      bare('BFDProfile', 'b'),
    ]);
    assert.deepEqual(config.l2Advertisements[0]?.pools, ['p']);
    assert.equal(config.bgpAdvertisements[0]?.aggregationLength, 32);
    assert.equal(config.bfdProfiles.get('b')?.detectMultiplier, 3);
  });

  it('is all-or-nothing: one error refuses everything', () => {
    const result = parse([pool('good', ['10.0.0.0/24']), pool('bad', ['nonsense'])]);
    assert.equal(result.ok, false);
    assert.equal('config' in result, false);
  });
});
