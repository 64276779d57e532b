// herald plan: which nodes may announce (labels, conditions, advertisements) and on which
// interfaces; services without an announcer and the reason why.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXCLUDE_LABEL } from '../../../src/core/election/nodes.js';
import { L2_ALL, POOL, at, docs, node, plan, ranked, service } from './helpers.js';

const IP = '10.0.0.5';
const ad = (name: string, spec: Record<string, unknown>): string =>
  `apiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata: {name: ${name}, namespace: metallb-system}\nspec: ${JSON.stringify({ ipAddressPools: ['p'], ...spec })}`;

describe('herald plan: candidate nodes', () => {
  it('excluded, network-unavailable and unselected nodes say why; the rest rank', () => {
    const s = at(
      plan(
        docs(
          POOL,
          ad('zone-a', { nodeSelectors: [{ matchLabels: { zone: 'a' } }] }),
          node('excluded', { zone: 'a', [EXCLUDE_LABEL]: '' }),
          node('no-cni', { zone: 'a' }, true),
          node('zone-b', { zone: 'b' }),
          node('a1', { zone: 'a' }),
          node('a2', { zone: 'a' }),
          service('web', { ip: IP }),
        ),
      ).services,
    );
    const [winner, other] = ranked(['a1', 'a2'], IP);
    assert.deepEqual(s.nodes, {
      excluded: 'excludedFromLoadBalancers',
      'no-cni': 'networkUnavailable',
      'zone-b': 'noMatchingL2Advertisement',
      a1: winner === 'a1' ? 'announcing' : 'notOwner',
      a2: other === 'a2' ? 'notOwner' : 'announcing',
    });
    assert.equal(s.l2.node, winner);
  });

  const interfaceRows: { name: string; ads: string[]; want: string[] }[] = [
    {
      name: 'one advertisement with interfaces',
      ads: [ad('x', { interfaces: ['eth1', 'eth0'] })],
      want: ['eth0', 'eth1'],
    },
    {
      name: 'two advertisements: the union',
      ads: [ad('x', { interfaces: ['eth1'] }), ad('y', { interfaces: ['bond0', 'eth1'] })],
      want: ['bond0', 'eth1'],
    },
    {
      name: 'one without a list: every interface',
      ads: [ad('x', { interfaces: ['eth1'] }), L2_ALL],
      want: [],
    },
    {
      name: 'only advertisements selecting the winner count',
      ads: [
        ad('x', { interfaces: ['eth1'] }),
        ad('y', { interfaces: ['eth9'], nodeSelectors: [{ matchLabels: { none: 'x' } }] }),
      ],
      want: ['eth1'],
    },
  ];
  for (const row of interfaceRows) {
    it(`interfaces from L2Advertisements: ${row.name}`, () => {
      const s = at(plan(docs(POOL, ...row.ads, node('n1'), node('n2'), service('web', { ip: IP }))).services);
      assert.equal(s.l2.node, ranked(['n1', 'n2'], IP)[0]);
      assert.deepEqual(s.l2.interfaces, row.want);
    });
  }
});

describe('herald plan: nobody announces', () => {
  const NODES = [node('n1'), node('n2')];
  const EMPTY_POOL = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: manual, namespace: metallb-system}
spec: {addresses: [10.1.0.0/24], autoAssign: false}`;
  const rows: { name: string; objects: string[]; members?: string[]; reason: string; nodes: string[] }[] = [
    {
      name: 'no address (no pool to allocate from)',
      objects: [EMPTY_POOL, ...NODES, service('web')],
      reason: 'noAddress',
      nodes: ['noAddress', 'noAddress'],
    },
    {
      name: 'address in no pool',
      objects: [POOL, L2_ALL, ...NODES, service('web', { ip: '192.0.2.1' })],
      reason: 'addressNotInAnyPool',
      nodes: ['noMatchingL2Advertisement', 'noMatchingL2Advertisement'],
    },
    {
      name: 'no L2Advertisement for the pool',
      objects: [POOL, ...NODES, service('web', { ip: IP })],
      members: ['n1'],
      reason: 'noMatchingL2Advertisement',
      nodes: ['noMatchingL2Advertisement', 'memberNotAlive'],
    },
    {
      name: 'every member gone',
      objects: [POOL, L2_ALL, ...NODES, service('web', { ip: IP })],
      members: [],
      reason: 'memberNotAlive',
      nodes: ['memberNotAlive', 'memberNotAlive'],
    },
    {
      name: 'different reasons on each node',
      objects: [
        POOL,
        L2_ALL,
        node('n1', { [EXCLUDE_LABEL]: 'true' }),
        node('n2'),
        service('web', { ip: IP }),
      ],
      members: ['n1'],
      reason: 'noEligibleNode',
      nodes: ['excludedFromLoadBalancers', 'memberNotAlive'],
    },
    {
      name: 'no nodes at all',
      objects: [POOL, L2_ALL, service('web', { ip: IP })],
      reason: 'noNodes',
      nodes: [],
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const s = at(plan(docs(...row.objects), row.members).services);
      assert.equal(s.l2.node, null);
      assert.deepEqual(s.l2.interfaces, []);
      assert.equal(s.l2.reason, row.reason);
      assert.deepEqual(Object.values(s.nodes), row.nodes);
    });
  }
});
