// What a node's ServiceBGPStatus says: per Service it advertises, the peers its routes go to.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { advertisedPeers } from '../../../src/core/bgp-plan/index.js';
import { EXCLUDE_LABEL } from '../../../src/core/election/nodes.js';
import { bgpAd, bgpConfig, endpoints, node, peer, planOf, pool, svc } from './bgp-helpers.js';

const TOR = peer('tor', { peerAddress: '192.0.2.1' });
const EDGE = peer('edge', { peerAddress: '192.0.2.2' });
const V6 = peer('v6-only', { peerAddress: '2001:db8::1' });
const RACK = peer('rack-b', { peerAddress: '192.0.2.3', nodeSelectors: [{ matchLabels: { rack: 'b' } }] });

describe('advertisedPeers (ServiceBGPStatus.status.peers)', () => {
  const config = bgpConfig(
    pool('blue', ['10.1.0.0/24']),
    pool('red', ['10.2.0.0/24']),
    TOR,
    EDGE,
    V6,
    RACK,
    bgpAd('blue-everywhere', { ipAddressPools: ['blue'] }),
    bgpAd('red-to-edge', { ipAddressPools: ['red'], peers: ['edge'] }),
  );
  const services = [svc('b', ['10.1.0.1']), svc('r', ['10.2.0.1']), svc('none', [])];

  it('the sessions of this node that carry a route of the Service, sorted; families count', () => {
    const peers = advertisedPeers(planOf(config, services, node('n1')));
    // v6-only does not carry IPv4 routes; rack-b does not select n1.
    assert.deepEqual(
      [...peers],
      [
        ['default/b', ['edge', 'tor']],
        ['default/r', ['edge']],
      ],
    );
  });

  it('a peer selecting this node by label is listed on that node only', () => {
    const peers = advertisedPeers(planOf(config, services, node('n2', { rack: 'b' })));
    assert.deepEqual(peers.get('default/b'), ['edge', 'rack-b', 'tor']);
  });

  it('no entry for a Service this node does not advertise (excluded node, no local endpoint)', () => {
    assert.equal(advertisedPeers(planOf(config, services, node('n1', { [EXCLUDE_LABEL]: '' }))).size, 0);
    const local = [svc('b', ['10.1.0.1'], { externalTrafficPolicy: 'Local' })];
    const eps = endpoints({ 'default/b': ['n2'] });
    assert.equal(advertisedPeers(planOf(config, local, node('n1'), eps)).size, 0);
    assert.deepEqual([...advertisedPeers(planOf(config, local, node('n2'), eps)).keys()], ['default/b']);
  });
});
