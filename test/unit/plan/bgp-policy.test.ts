// externalTrafficPolicy and endpoints: Cluster announces from every selected node once any
// endpoint is usable; Local only from nodes hosting one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bgpAd, bgpConfig, endpoints, node, outcomeOf, peer, planOf, pool, svc } from './bgp-helpers.js';

const config = bgpConfig(
  pool('p', ['10.1.0.0/24']),
  peer('tor', { peerAddress: '192.0.2.1' }),
  bgpAd('all', {}),
);
const NODES = ['n1', 'n2', 'n3'].map((n) => node(n));
const outcomes = (service: ReturnType<typeof svc>, eps: ReturnType<typeof endpoints> | undefined) =>
  NODES.map((n) => outcomeOf(planOf(config, [service], n, eps), service.name));
const ROUTE = { tor: ['10.1.0.1/32'] };

describe('bgp traffic policy', () => {
  it('Cluster: every node announces when one node hosts a usable endpoint', () => {
    assert.deepEqual(outcomes(svc('web', ['10.1.0.1']), endpoints({ 'default/web': ['n3'] })), [
      ROUTE,
      ROUTE,
      ROUTE,
    ]);
  });

  it('Local: only the nodes hosting a usable endpoint; noLocalEndpoint elsewhere', () => {
    const local = svc('web', ['10.1.0.1'], { externalTrafficPolicy: 'Local' });
    assert.deepEqual(outcomes(local, endpoints({ 'default/web': ['n1', 'n3'] })), [
      ROUTE,
      'noLocalEndpoint',
      ROUTE,
    ]);
  });

  it('no usable endpoint anywhere: noUsableEndpoint on every node, for both policies', () => {
    for (const externalTrafficPolicy of ['Cluster', 'Local'] as const) {
      const s = svc('web', ['10.1.0.1'], { externalTrafficPolicy });
      assert.deepEqual(outcomes(s, endpoints({ 'default/web': [] })), Array(3).fill('noUsableEndpoint'));
      assert.deepEqual(
        outcomes(s, endpoints({ 'default/other': ['n1'] })),
        Array(3).fill('noUsableEndpoint'),
      );
    }
  });

  it('endpoints unknown (no EndpointSlices given): every node hosts one, even for Local', () => {
    const local = svc('web', ['10.1.0.1'], { externalTrafficPolicy: 'Local' });
    assert.deepEqual(outcomes(local, undefined), [ROUTE, ROUTE, ROUTE]);
  });

  it('the node stages come in MetalLB order: advertisement node selection before the endpoint check', () => {
    const picky = bgpConfig(
      pool('p', ['10.1.0.0/24']),
      peer('tor', { peerAddress: '192.0.2.1' }),
      bgpAd('rack-a', { nodeSelectors: [{ matchLabels: { rack: 'a' } }] }),
    );
    const local = svc('web', ['10.1.0.1'], { externalTrafficPolicy: 'Local' });
    const plan = planOf(picky, [local], node('n2', { rack: 'b' }), endpoints({ 'default/web': ['n1'] }));
    assert.equal(outcomeOf(plan, 'web'), 'nodeNotSelectedByAdvertisement');
  });

  it('withdrawn when the last local endpoint goes: the diff of the two plans withdraws the route', async () => {
    const { diffRoutes } = await import('../../../src/core/bgp-plan/index.js');
    const local = svc('web', ['10.1.0.1'], { externalTrafficPolicy: 'Local' });
    const before = planOf(config, [local], node('n1'), endpoints({ 'default/web': ['n1'] }));
    const after = planOf(config, [local], node('n1'), endpoints({ 'default/web': ['n2'] }));
    assert.deepEqual(
      [...diffRoutes(before.routes, after.routes)],
      [['tor', { announce: [], withdraw: ['10.1.0.1/32'] }]],
    );
  });
});
