// Which advertisement, node, service and peer a route needs, and the named reason for each "no".
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXCLUDE_LABEL } from '../../../src/core/election/nodes.js';
import { bgpAd, bgpConfig, node, outcomeOf, peer, planOf, pool, routesTo, svc } from './bgp-helpers.js';

const POOLS = [pool('blue', ['10.1.0.0/24']), pool('red', ['10.2.0.0/24'])];
const labelled = [
  pool('blue', ['10.1.0.0/24']),
  {
    ...pool('red', ['10.2.0.0/24']),
    metadata: { name: 'red', namespace: 'metallb-system', labels: { tier: 'db' } },
  },
];
const TOR = peer('tor', { peerAddress: '192.0.2.1' });
const EDGE = peer('edge', { peerAddress: '192.0.2.2' });

describe('bgp selection: pools', () => {
  it('an advertisement covers the pools it names, those its selectors select, or every pool', () => {
    const config = bgpConfig(
      ...labelled,
      TOR,
      EDGE,
      bgpAd('named', { ipAddressPools: ['blue'], peers: ['tor'] }),
      bgpAd('selected', { ipAddressPoolSelectors: [{ matchLabels: { tier: 'db' } }], peers: ['edge'] }),
    );
    const plan = planOf(config, [svc('b', ['10.1.0.1']), svc('r', ['10.2.0.1'])]);
    assert.deepEqual(outcomeOf(plan, 'b'), { edge: 'peerNotInAdvertisement', tor: ['10.1.0.1/32'] });
    assert.deepEqual(outcomeOf(plan, 'r'), { edge: ['10.2.0.1/32'], tor: 'peerNotInAdvertisement' });
    const every = planOf(bgpConfig(...labelled, TOR, bgpAd('all', {})), [
      svc('b', ['10.1.0.1']),
      svc('r', ['10.2.0.1']),
    ]);
    assert.deepEqual(routesTo(every, 'tor'), [{ prefix: '10.1.0.1/32' }, { prefix: '10.2.0.1/32' }]);
  });

  it('noBgpAdvertisement: no advertisement covers the pool; addressNotInAnyPool; noAddress', () => {
    const config = bgpConfig(...POOLS, TOR, bgpAd('blue-only', { ipAddressPools: ['blue'] }));
    const plan = planOf(config, [
      svc('red', ['10.2.0.1']),
      svc('stray', ['172.16.0.1', 'not-an-ip']),
      svc('pending', []),
    ]);
    assert.equal(outcomeOf(plan, 'red'), 'noBgpAdvertisement');
    assert.equal(outcomeOf(plan, 'stray'), 'addressNotInAnyPool');
    assert.equal(outcomeOf(plan, 'pending'), 'noAddress');
    assert.equal(plan.routes.size, 0);
  });

  it("an address outside every pool is skipped; the service's other addresses are still advertised", () => {
    const plan = planOf(bgpConfig(...POOLS, TOR, bgpAd('all', {})), [
      svc('half', ['172.16.0.1', '10.1.0.4']),
    ]);
    assert.deepEqual(outcomeOf(plan, 'half'), { tor: ['10.1.0.4/32'] });
  });
});

describe('bgp selection: services, nodes and peers', () => {
  it('serviceSelectors: only selected services; serviceNotSelected otherwise', () => {
    const config = bgpConfig(
      ...POOLS,
      TOR,
      bgpAd('web', { serviceSelectors: [{ matchLabels: { app: 'web' } }] }),
    );
    const plan = planOf(config, [
      svc('web', ['10.1.0.1'], { labels: { app: 'web' } }),
      svc('db', ['10.1.0.2']),
    ]);
    assert.deepEqual(outcomeOf(plan, 'web'), { tor: ['10.1.0.1/32'] });
    assert.equal(outcomeOf(plan, 'db'), 'serviceNotSelected');
  });

  it('advertisement nodeSelectors: nodeNotSelectedByAdvertisement on the others', () => {
    const config = bgpConfig(
      ...POOLS,
      TOR,
      bgpAd('rack-a', { nodeSelectors: [{ matchLabels: { rack: 'a' } }] }),
    );
    const services = [svc('web', ['10.1.0.1'])];
    assert.deepEqual(outcomeOf(planOf(config, services, node('n1', { rack: 'a' })), 'web'), {
      tor: ['10.1.0.1/32'],
    });
    assert.equal(
      outcomeOf(planOf(config, services, node('n2', { rack: 'b' })), 'web'),
      'nodeNotSelectedByAdvertisement',
    );
  });

  it('an advertisement that selects the node counts even when another does not', () => {
    const config = bgpConfig(
      ...POOLS,
      TOR,
      bgpAd('rack-a', { nodeSelectors: [{ matchLabels: { rack: 'a' } }], communities: ['1:1'] }),
      bgpAd('rack-b', { nodeSelectors: [{ matchLabels: { rack: 'b' } }], communities: ['2:2'] }),
    );
    const plan = planOf(config, [svc('web', ['10.1.0.1'])], node('n2', { rack: 'b' }));
    assert.deepEqual(routesTo(plan, 'tor'), [{ prefix: '10.1.0.1/32', communities: ['2:2'] }]);
  });

  it('peer nodeSelectors decide the sessions; a node without any has noPeers', () => {
    const config = bgpConfig(
      ...POOLS,
      peer('tor-a', { peerAddress: '192.0.2.1', nodeSelectors: [{ matchLabels: { rack: 'a' } }] }),
      peer('tor-b', { peerAddress: '192.0.2.3', nodeSelectors: [{ matchLabels: { rack: 'b' } }] }),
      EDGE,
      bgpAd('all', {}),
    );
    const services = [svc('web', ['10.1.0.1'])];
    const a = planOf(config, services, node('n1', { rack: 'a' }));
    assert.deepEqual(
      a.sessions.map((s) => s.name),
      ['edge', 'tor-a'],
    );
    assert.deepEqual(outcomeOf(a, 'web'), { edge: ['10.1.0.1/32'], 'tor-a': ['10.1.0.1/32'] });
    const c = planOf(config, services, node('n3', { rack: 'c' }));
    assert.deepEqual(
      c.sessions.map((s) => s.name),
      ['edge'],
    );
    const lonely = planOf(
      bgpConfig(
        ...POOLS,
        peer('tor-a', { nodeSelectors: [{ matchLabels: { rack: 'a' } }] }),
        bgpAd('all', {}),
      ),
      services,
      node('n3', { rack: 'c' }),
    );
    assert.deepEqual(lonely.sessions, []);
    assert.equal(outcomeOf(lonely, 'web'), 'noPeers');
  });

  it('advertisement peers: only the named peers get the route; peerNotInAdvertisement for the rest', () => {
    const config = bgpConfig(...POOLS, TOR, EDGE, bgpAd('edge-only', { peers: ['edge'] }));
    const plan = planOf(config, [svc('web', ['10.1.0.1'])]);
    assert.deepEqual(outcomeOf(plan, 'web'), { edge: ['10.1.0.1/32'], tor: 'peerNotInAdvertisement' });
    assert.deepEqual([...plan.routes.keys()], ['edge']);
  });

  it('a peer name that matches no BGPPeer advertises to nobody (seed 035/043)', () => {
    const config = bgpConfig(...POOLS, TOR, bgpAd('typo', { peers: ['t0r'] }));
    const plan = planOf(config, [svc('web', ['10.1.0.1'])]);
    assert.deepEqual(outcomeOf(plan, 'web'), { tor: 'peerNotInAdvertisement' });
    assert.equal(plan.routes.size, 0);
  });

  it('a node with NetworkUnavailable or the exclusion label announces nothing, but keeps its sessions', () => {
    const config = bgpConfig(...POOLS, TOR, bgpAd('all', {}));
    const services = [svc('web', ['10.1.0.1'])];
    const down = planOf(config, services, node('n1', {}, true));
    assert.equal(outcomeOf(down, 'web'), 'networkUnavailable');
    assert.deepEqual(
      down.sessions.map((s) => s.name),
      ['tor'],
    );
    const excluded = planOf(config, services, node('n1', { [EXCLUDE_LABEL]: '' }));
    assert.equal(outcomeOf(excluded, 'web'), 'excludedFromLoadBalancers');
    assert.equal(excluded.routes.size, 0);
  });

  it('services of another loadBalancerClass, and non-LoadBalancer services, are not in the plan', () => {
    const config = bgpConfig(...POOLS, TOR, bgpAd('all', {}));
    const plan = planOf(config, [
      svc('other', ['10.1.0.1'], { loadBalancerClass: 'someone-else' }),
      svc('cluster-ip', ['10.1.0.2'], { type: 'ClusterIP' }),
      svc('mine', ['10.1.0.3']),
    ]);
    assert.deepEqual([...plan.services.keys()], ['default/mine']);
    assert.deepEqual(routesTo(plan, 'tor'), [{ prefix: '10.1.0.3/32' }]);
  });
});
