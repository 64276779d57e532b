// Layer-2 election: MetalLB's ranking and candidate rules, with a named reason for every node.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parse } from '../../../src/core/config/parse.js';
import type { Config } from '../../../src/core/config/types.js';
import { electLayer2, type ElectionService } from '../../../src/core/election/layer2.js';
import { EXCLUDE_LABEL, endpointsByService, type NodeModel } from '../../../src/core/election/nodes.js';
import { obj, pool } from '../config/helpers.js';

function configOf(...extra: unknown[]): Config {
  const result = parse([pool('p', ['10.0.0.0/24']), ...extra]);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.config;
}

const allAds = configOf(obj('L2Advertisement', 'all', {}));
const node = (name: string, labels: Record<string, string> = {}, networkUnavailable = false): NodeModel => ({
  name,
  labels,
  networkUnavailable,
});
const NODES = ['node-a', 'node-b', 'node-c', 'node-d'].map((n) => node(n));
const svc = (ips: string[], more: Partial<ElectionService> = {}): ElectionService => ({
  namespace: 'default',
  name: 'web',
  labels: {},
  externalTrafficPolicy: 'Cluster',
  ips,
  pool: 'p',
  ...more,
});
const everywhere = { anyUsable: true, nodesWithUsable: new Set(NODES.map((n) => n.name)) };
/** The common case: every advertisement, every node alive, an endpoint everywhere. */
const elect = (service: ElectionService) =>
  electLayer2({ config: allAds, service, nodes: NODES, alive: undefined, endpoints: everywhere });

/** The expected winner computed independently: smallest SHA-256(node#ip) as hex. */
function expectedWinner(names: string[], ip: string): string | undefined {
  const hash = (n: string) => createHash('sha256').update(`${n}#${ip}`).digest('hex');
  return [...names].sort((a, b) => (hash(a) < hash(b) ? -1 : hash(a) > hash(b) ? 1 : 0))[0];
}

describe('layer-2 election', () => {
  it('elects the node with the smallest SHA-256 of node#ip, and says notOwner for the rest', () => {
    const result = elect(svc(['10.0.0.7']));
    assert.equal(
      result.winner,
      expectedWinner(
        NODES.map((n) => n.name),
        '10.0.0.7',
      ),
    );
    assert.equal(result.reasons.get(result.winner!), 'announcing');
    assert.deepEqual([...result.reasons.values()].sort(), ['announcing', 'notOwner', 'notOwner', 'notOwner']);
  });

  it('ranks on the first IP only (a dual-stack service is announced by one node)', () => {
    const a = elect(svc(['10.0.0.7', 'fc00::7']));
    const b = elect(svc(['10.0.0.7']));
    assert.equal(a.winner, b.winner);
  });

  it('every speaker computes the same single winner, whatever the input order', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7'], { minLength: 1 }),
        fc.ipV4(),
        (names, ip) => {
          const nodes = names.map((n) => node(n));
          const views = [nodes, [...nodes].reverse()].map(
            (view) =>
              electLayer2({
                config: allAds,
                service: svc([ip]),
                nodes: view,
                alive: undefined,
                endpoints: { anyUsable: true, nodesWithUsable: new Set() },
              }).winner,
          );
          assert.equal(views[0], views[1]);
          assert.equal(views[0], expectedWinner(names, ip));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('removing a non-leader never moves the address; the old leader wins again when it returns', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.nat(3), (ip, drop) => {
        const names = NODES.map((n) => n.name);
        const full = electLayer2({
          config: allAds,
          service: svc([ip]),
          nodes: NODES,
          alive: new Set(names),
          endpoints: everywhere,
        });
        const dropped = names[drop]!;
        const without = electLayer2({
          config: allAds,
          service: svc([ip]),
          nodes: NODES,
          alive: new Set(names.filter((n) => n !== dropped)),
          endpoints: everywhere,
        });
        if (dropped !== full.winner) assert.equal(without.winner, full.winner);
        else {
          assert.notEqual(without.winner, full.winner);
          assert.equal(without.reasons.get(dropped), 'memberNotAlive');
        }
        const back = electLayer2({
          config: allAds,
          service: svc([ip]),
          nodes: NODES,
          alive: new Set(names),
          endpoints: everywhere,
        });
        assert.equal(back.winner, full.winner, 'revertive: same view, same winner');
      }),
      { numRuns: 300 },
    );
  });

  it('services sharing an address elect the same node', () => {
    const a = elect(svc(['10.0.0.9'], { name: 'tcp' }));
    const b = elect(svc(['10.0.0.9'], { name: 'udp' }));
    assert.equal(a.winner, b.winner);
  });

  it('applies every candidate rule with its reason', () => {
    const config = configOf(
      obj('L2Advertisement', 'racks', { nodeSelectors: [{ matchLabels: { rack: 'r1' } }] }),
    );
    const nodes = [
      node('down', { rack: 'r1' }),
      node('cni-not-ready', { rack: 'r1' }, true),
      node('excluded', { rack: 'r1', [EXCLUDE_LABEL]: '' }),
      node('other-rack', { rack: 'r2' }),
      node('no-pod', { rack: 'r1' }),
      node('eligible', { rack: 'r1' }),
    ];
    const alive = new Set(nodes.map((n) => n.name).filter((n) => n !== 'down'));
    const result = electLayer2({
      config,
      service: svc(['10.0.0.3'], { externalTrafficPolicy: 'Local' }),
      nodes,
      alive,
      endpoints: {
        anyUsable: true,
        nodesWithUsable: new Set(['eligible', 'other-rack', 'excluded', 'cni-not-ready', 'down']),
      },
    });
    assert.equal(result.winner, 'eligible');
    assert.deepEqual(Object.fromEntries(result.reasons), {
      down: 'memberNotAlive',
      'cni-not-ready': 'networkUnavailable',
      excluded: 'excludedFromLoadBalancers',
      'other-rack': 'noMatchingL2Advertisement',
      'no-pod': 'noLocalEndpoint',
      eligible: 'announcing',
    });
  });

  it('with Cluster policy the winner need not host an endpoint, but some endpoint must be usable', () => {
    const one = { anyUsable: true, nodesWithUsable: new Set(['node-a']) };
    const result = electLayer2({
      config: allAds,
      service: svc(['10.0.0.4']),
      nodes: NODES,
      alive: undefined,
      endpoints: one,
    });
    assert.equal(
      result.winner,
      expectedWinner(
        NODES.map((n) => n.name),
        '10.0.0.4',
      ),
    );
    const none = electLayer2({
      config: allAds,
      service: svc(['10.0.0.4']),
      nodes: NODES,
      alive: undefined,
      endpoints: { anyUsable: false, nodesWithUsable: new Set() },
    });
    assert.equal(none.winner, undefined);
    assert.deepEqual(new Set(none.reasons.values()), new Set(['noUsableEndpoint']));
  });

  it('a service without an address or whose pool no advertisement covers is announced by nobody', () => {
    assert.equal(elect(svc([])).reasons.get('node-a'), 'noAddress');
    const uncovered = configOf(
      pool('q', ['10.9.0.0/24']),
      obj('L2Advertisement', 'q-only', { ipAddressPools: ['q'] }),
    );
    const result = electLayer2({
      config: uncovered,
      service: svc(['10.0.0.5']),
      nodes: NODES,
      alive: undefined,
      endpoints: everywhere,
    });
    assert.equal(result.winner, undefined);
    assert.equal(result.reasons.get('node-b'), 'noMatchingL2Advertisement');
  });

  it('service selectors of advertisements apply', () => {
    const config = configOf(
      obj('L2Advertisement', 'only-frontend', { serviceSelectors: [{ matchLabels: { tier: 'frontend' } }] }),
    );
    const backend = electLayer2({
      config,
      service: svc(['10.0.0.6'], { labels: { tier: 'backend' } }),
      nodes: NODES,
      alive: undefined,
      endpoints: everywhere,
    });
    assert.equal(backend.winner, undefined);
    const frontend = electLayer2({
      config,
      service: svc(['10.0.0.6'], { labels: { tier: 'frontend' } }),
      nodes: NODES,
      alive: undefined,
      endpoints: everywhere,
    });
    assert.ok(frontend.winner);
  });

  it('interfaces: union of the selecting advertisements; one without a list means all', () => {
    const scoped = configOf(
      obj('L2Advertisement', 'a', { interfaces: ['eth1'] }),
      obj('L2Advertisement', 'b', { interfaces: ['eth0', 'eth1'] }),
    );
    assert.deepEqual(
      electLayer2({
        config: scoped,
        service: svc(['10.0.0.8']),
        nodes: NODES,
        alive: undefined,
        endpoints: everywhere,
      }).interfaces,
      ['eth0', 'eth1'],
    );
    const withAll = configOf(
      obj('L2Advertisement', 'a', { interfaces: ['eth1'] }),
      obj('L2Advertisement', 'b', {}),
    );
    assert.deepEqual(
      electLayer2({
        config: withAll,
        service: svc(['10.0.0.8']),
        nodes: NODES,
        alive: undefined,
        endpoints: everywhere,
      }).interfaces,
      [],
    );
  });
});

describe('EndpointSlice reading', () => {
  it('counts ready or serving endpoints per node, keyed by service', () => {
    const slice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'web-abc', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
      endpoints: [
        { addresses: ['10.1.0.1'], nodeName: 'n1', conditions: { ready: true } },
        {
          addresses: ['10.1.0.2'],
          nodeName: 'n2',
          conditions: { ready: false, serving: true, terminating: true },
        },
        { addresses: ['10.1.0.3'], nodeName: 'n3', conditions: { ready: false, serving: false } },
        { addresses: ['10.1.0.4'], nodeName: 'n4' },
      ],
    };
    const eps = endpointsByService([slice]).get('default/web');
    assert.equal(eps?.anyUsable, true);
    assert.deepEqual([...eps.nodesWithUsable].sort(), ['n1', 'n2', 'n4']);
  });
});
