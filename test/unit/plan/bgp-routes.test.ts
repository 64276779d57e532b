// BGP routes: one per (address × advertisement × peer), aggregated, deduplicated per prefix with
// communities unioned, LOCAL_PREF (the highest) to iBGP peers only, next hop, address families.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bgpAd, bgpConfig, obj, outcomeOf, peer, planOf, pool, routesTo, svc } from './bgp-helpers.js';

const POOLS = [pool('v4', ['10.1.0.0/24']), pool('v6', ['2001:db8:5::/96'])];
const EBGP = peer('ext', {
  peerAddress: '192.0.2.1',
  myASN: 64500,
  peerASN: 64600,
  dualStackAddressFamily: true,
});
/**
 * Two pools whose addresses aggregate to one /26 (10.2.0.0/26): an aggregation length may not be
 * shorter than a pool's widest CIDR, so each pool also holds a /26 elsewhere.
 */
const TWO_POOLS_ONE_PREFIX = [
  pool('a', ['10.2.0.2-10.2.0.63', '10.9.0.0/26']),
  pool('b', ['10.2.0.0/31', '10.8.0.0/26']),
];
const IBGP = peer('int', { peerAddress: '192.0.2.2', myASN: 64500, peerASN: 64500 });

describe('bgp routes: aggregation', () => {
  it('defaults to one host route per address: /32 and /128', () => {
    const config = bgpConfig(...POOLS, EBGP, bgpAd('all', {}));
    const plan = planOf(config, [svc('web', ['10.1.0.77', '2001:db8:5::1:2'])]);
    assert.deepEqual(routesTo(plan, 'ext'), [{ prefix: '10.1.0.77/32' }, { prefix: '2001:db8:5::1:2/128' }]);
  });

  for (const [length, lengthV6, v4, v6] of [
    [24, 112, '10.1.0.0/24', '2001:db8:5::1:0/112'],
    [26, 120, '10.1.0.64/26', '2001:db8:5::1:0/120'],
    [31, 127, '10.1.0.76/31', '2001:db8:5::1:2/127'],
  ] as const) {
    it(`masks to aggregationLength ${length} / aggregationLengthV6 ${lengthV6}`, () => {
      const ad = bgpAd('agg', { aggregationLength: length, aggregationLengthV6: lengthV6 });
      const plan = planOf(bgpConfig(...POOLS, EBGP, ad), [svc('web', ['10.1.0.77', '2001:db8:5::1:2'])]);
      assert.deepEqual(routesTo(plan, 'ext'), [{ prefix: v4 }, { prefix: v6 }]);
    });
  }

  it('an IPv6 aggregate covering many services is one route', () => {
    const ad = bgpAd('agg', { aggregationLengthV6: 112 });
    const services = ['2001:db8:5::1', '2001:db8:5::ffff', '2001:db8:5::8000'].map((ip, i) =>
      svc(`s${i}`, [ip]),
    );
    const plan = planOf(bgpConfig(...POOLS, EBGP, ad), services);
    assert.deepEqual(routesTo(plan, 'ext'), [{ prefix: '2001:db8:5::/112' }]);
    for (const s of services) assert.deepEqual(outcomeOf(plan, s.name), { ext: ['2001:db8:5::/112'] });
  });
});

describe('bgp routes: one route per prefix', () => {
  it('two advertisements giving the same prefix: one route, communities unioned and sorted', () => {
    const config = bgpConfig(
      ...POOLS,
      EBGP,
      obj('Community', 'aliases', { communities: [{ name: 'NO_ADVERTISE', value: '65535:65282' }] }),
      bgpAd('a', { ipAddressPools: ['v4'], communities: ['64500:7', 'large:64500:2:1', 'NO_ADVERTISE'] }),
      bgpAd('b', {
        ipAddressPools: ['v4'],
        communities: ['100:1', '64500:7', 'large:64500:1:9'],
        peers: ['ext'],
      }),
    );
    const plan = planOf(config, [svc('web', ['10.1.0.5'])]);
    assert.deepEqual(routesTo(plan, 'ext'), [
      {
        prefix: '10.1.0.5/32',
        communities: ['100:1', '64500:7', '65535:65282'],
        large: ['64500:1:9', '64500:2:1'],
      },
    ]);
  });

  it('services whose addresses aggregate to one prefix share one route with the union of their communities', () => {
    const config = bgpConfig(
      ...TWO_POOLS_ONE_PREFIX,
      EBGP,
      bgpAd('from-a', { ipAddressPools: ['a'], aggregationLength: 26, communities: ['1:1'] }),
      bgpAd('from-b', { ipAddressPools: ['b'], aggregationLength: 26, communities: ['2:2'] }),
    );
    const plan = planOf(config, [svc('x', ['10.2.0.5']), svc('y', ['10.2.0.1'])]);
    assert.deepEqual(routesTo(plan, 'ext'), [{ prefix: '10.2.0.0/26', communities: ['1:1', '2:2'] }]);
    assert.deepEqual(outcomeOf(plan, 'x'), { ext: ['10.2.0.0/26'] });
    assert.deepEqual(outcomeOf(plan, 'y'), { ext: ['10.2.0.0/26'] });
  });

  it('host route and aggregate of one address are two routes, each with its own communities', () => {
    const config = bgpConfig(
      ...POOLS,
      EBGP,
      bgpAd('host', { ipAddressPools: ['v4'], communities: ['1:1'] }),
      bgpAd('agg', { ipAddressPools: ['v4'], aggregationLength: 24, communities: ['2:2'] }),
    );
    const plan = planOf(config, [svc('web', ['10.1.0.9'])]);
    assert.deepEqual(routesTo(plan, 'ext'), [
      { prefix: '10.1.0.0/24', communities: ['2:2'] },
      { prefix: '10.1.0.9/32', communities: ['1:1'] },
    ]);
  });
});

describe('bgp routes: LOCAL_PREF', () => {
  const twoPoolsOnePrefix = (lpA: number | undefined, lpB: number | undefined) =>
    bgpConfig(
      ...TWO_POOLS_ONE_PREFIX,
      EBGP,
      IBGP,
      bgpAd('from-a', {
        ipAddressPools: ['a'],
        aggregationLength: 26,
        ...(lpA === undefined ? {} : { localPref: lpA }),
      }),
      bgpAd('from-b', {
        ipAddressPools: ['b'],
        aggregationLength: 26,
        ...(lpB === undefined ? {} : { localPref: lpB }),
      }),
    );
  const services = [svc('x', ['10.2.0.5']), svc('y', ['10.2.0.1'])];

  it('is sent to iBGP peers only', () => {
    const plan = planOf(bgpConfig(...POOLS, EBGP, IBGP, bgpAd('lp', { localPref: 150 })), [
      svc('w', ['10.1.0.1']),
    ]);
    assert.deepEqual(routesTo(plan, 'int'), [{ prefix: '10.1.0.1/32', localPref: 150 }]);
    assert.deepEqual(routesTo(plan, 'ext'), [{ prefix: '10.1.0.1/32' }]);
  });

  it('defaults to 0 towards iBGP peers when no advertisement sets it (MetalLB sends 0)', () => {
    const plan = planOf(bgpConfig(...POOLS, IBGP, bgpAd('plain', {})), [svc('w', ['10.1.0.1'])]);
    assert.deepEqual(routesTo(plan, 'int'), [{ prefix: '10.1.0.1/32', localPref: 0 }]);
  });

  for (const [a, b, expected] of [
    [100, 300, 300],
    [300, 100, 300],
    [undefined, 50, 50],
    [70, undefined, 70],
  ] as const) {
    it(`several advertisements, one prefix: the highest wins (${a ?? 'unset'} and ${b ?? 'unset'} → ${expected})`, () => {
      const plan = planOf(twoPoolsOnePrefix(a, b), services);
      assert.deepEqual(routesTo(plan, 'int'), [{ prefix: '10.2.0.0/26', localPref: expected }]);
      const reversed = planOf(twoPoolsOnePrefix(a, b), [...services].reverse());
      assert.deepEqual(routesTo(reversed, 'int'), routesTo(plan, 'int'));
    });
  }

  it('iBGP by dynamicASN internal, or by peerASN equal to localASN when set', () => {
    const config = bgpConfig(
      ...POOLS,
      peer('dyn', { peerAddress: '192.0.2.3', myASN: 64500, peerASN: undefined, dynamicASN: 'internal' }),
      peer('dyn-ext', { peerAddress: '192.0.2.4', myASN: 64500, peerASN: undefined, dynamicASN: 'external' }),
      peer('local-as', { peerAddress: '192.0.2.5', myASN: 64500, peerASN: 65010, localASN: 65010 }),
      bgpAd('lp', { localPref: 10 }),
    );
    const plan = planOf(config, [svc('w', ['10.1.0.1'])]);
    assert.deepEqual(routesTo(plan, 'dyn'), [{ prefix: '10.1.0.1/32', localPref: 10 }]);
    assert.deepEqual(routesTo(plan, 'dyn-ext'), [{ prefix: '10.1.0.1/32' }]);
    assert.deepEqual(routesTo(plan, 'local-as'), [{ prefix: '10.1.0.1/32', localPref: 10 }]);
  });
});

describe('bgp routes: next hop and address families', () => {
  it('next hop is the source address for its family, else self; ORIGIN is IGP', () => {
    const config = bgpConfig(
      ...POOLS,
      peer('src', { peerAddress: '192.0.2.1', sourceAddress: '192.0.2.10', dualStackAddressFamily: true }),
      bgpAd('all', {}),
    );
    const plan = planOf(config, [svc('w', ['10.1.0.1', '2001:db8:5::1'])]);
    assert.deepEqual(routesTo(plan, 'src'), [
      { prefix: '10.1.0.1/32', nextHop: '192.0.2.10' },
      { prefix: '2001:db8:5::1/128' },
    ]);
    for (const route of plan.routes.get('src')?.values() ?? []) assert.equal(route.origin, 'igp');
  });

  it('a session carries its peer address family only, unless dual-stack or unnumbered', () => {
    const config = bgpConfig(
      ...POOLS,
      peer('v4-only', { peerAddress: '192.0.2.1' }),
      peer('v6-only', { peerAddress: '2001:db8:ff::1' }),
      peer('dual', { peerAddress: '192.0.2.2', dualStackAddressFamily: true }),
      peer('unnumbered', { peerAddress: undefined, interface: 'eth1' }),
      bgpAd('all', {}),
    );
    const plan = planOf(config, [
      svc('dual-stack', ['10.1.0.1', '2001:db8:5::1']),
      svc('v6', ['2001:db8:5::2']),
    ]);
    assert.deepEqual(routesTo(plan, 'v4-only'), [{ prefix: '10.1.0.1/32' }]);
    assert.deepEqual(routesTo(plan, 'v6-only'), [
      { prefix: '2001:db8:5::1/128' },
      { prefix: '2001:db8:5::2/128' },
    ]);
    for (const both of ['dual', 'unnumbered'])
      assert.deepEqual(routesTo(plan, both), [
        { prefix: '10.1.0.1/32' },
        { prefix: '2001:db8:5::1/128' },
        { prefix: '2001:db8:5::2/128' },
      ]);
    assert.deepEqual(outcomeOf(plan, 'v6'), {
      dual: ['2001:db8:5::2/128'],
      unnumbered: ['2001:db8:5::2/128'],
      'v4-only': 'addressFamilyNotEnabled',
      'v6-only': ['2001:db8:5::2/128'],
    });
  });
});
