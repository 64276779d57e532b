// Properties of the BGP planner over random configurations: the plan does not depend on the
// order of objects (advertisements, peers, pools, services, communities, names in lists), and the
// diff between two plans turns the first route table into the second.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  applyRouteDiff,
  diffRoutes,
  planBgpNode,
  type BgpNodePlan,
} from '../../../src/core/bgp-plan/index.js';
import type { BgpAdvertisement, BgpCommunity, BgpPeer, Config } from '../../../src/core/config/types.js';
import type { LabelSelector } from '../../../src/core/labels.js';
import type { ServiceEndpoints } from '../../../src/core/election/nodes.js';
import { bgpConfig, node, pool, svc } from './bgp-helpers.js';

const BASE = bgpConfig(
  pool('p4', ['10.1.0.0/24']),
  pool('q4', ['10.2.0.0/25']),
  pool('p6', ['2001:db8:1::/120']),
);
const NODE_NAMES = ['n1', 'n2', 'n3'];
const PEER_NAMES = ['r1', 'r2', 'r3'];
const COMMUNITIES: BgpCommunity[] = [
  { kind: 'standard', asn: 65535, value: 65281, text: '65535:65281' },
  { kind: 'standard', asn: 64500, value: 1, text: '64500:1' },
  { kind: 'large', global: 64500, local1: 1, local2: 2, text: 'large:64500:1:2' },
  { kind: 'large', global: 1, local1: 0, local2: 0, text: 'large:1:0:0' },
];
const selectorArb: fc.Arbitrary<LabelSelector[]> = fc.constantFrom(
  [],
  [{ matchLabels: { rack: 'a' } }],
  [{ matchLabels: { rack: 'b' } }],
  [{ matchExpressions: [{ key: 'edge', operator: 'Exists' as const }] }],
  [{ matchLabels: { rack: 'a' } }, { matchLabels: { rack: 'b' } }],
);
const adArb = (i: number): fc.Arbitrary<BgpAdvertisement> =>
  fc.record({
    name: fc.constant(`ad${i}`),
    pools: fc.subarray(['p4', 'q4', 'p6'], { minLength: 1 }),
    aggregationLength: fc.integer({ min: 24, max: 32 }),
    aggregationLengthV6: fc.constantFrom(112, 120, 124, 128),
    localPref: fc.option(fc.constantFrom(0, 50, 100, 300), { nil: undefined }),
    communities: fc.subarray(COMMUNITIES),
    nodeSelectors: selectorArb,
    peers: fc.subarray(PEER_NAMES),
    serviceSelectors: fc.constantFrom([], [{ matchLabels: { app: 'web' } }]),
  });
const peerArb = (name: string, i: number): fc.Arbitrary<BgpPeer> =>
  fc.record({
    name: fc.constant(name),
    myASN: fc.constant(64500),
    peerASN: fc.constantFrom(64500, 64600),
    dynamicASN: fc.constant(undefined),
    peerAddress: fc.constantFrom(`192.0.2.${i + 1}`, `2001:db8:ff::${i + 1}`),
    interface: fc.constant(undefined),
    peerPort: fc.constant(179),
    sourceAddress: fc.constantFrom(undefined, '192.0.2.100'),
    routerID: fc.constant(undefined),
    holdTimeMs: fc.constant(90_000),
    keepaliveTimeMs: fc.constant(30_000),
    connectTimeMs: fc.constant(undefined),
    password: fc.constantFrom(undefined, 'pw'),
    passwordSecret: fc.constant(undefined),
    bfdProfile: fc.constant(undefined),
    ebgpMultiHop: fc.constant(false),
    vrf: fc.constant(''),
    nodeSelectors: selectorArb,
    enableGracefulRestart: fc.constant(false),
    disableMP: fc.constant(false),
    dualStackAddressFamily: fc.boolean(),
    localASN: fc.constant(undefined),
  });
const ipArb = fc.oneof(
  fc.integer({ min: 0, max: 255 }).map((x) => `10.1.0.${x}`),
  fc.integer({ min: 0, max: 127 }).map((x) => `10.2.0.${x}`),
  fc.integer({ min: 0, max: 255 }).map((x) => `2001:db8:1::${x.toString(16)}`),
  fc.constant('172.16.0.1'),
);
const serviceArb = (i: number) =>
  fc
    .record({
      ips: fc.uniqueArray(ipArb, { maxLength: 2 }),
      web: fc.boolean(),
      local: fc.boolean(),
      endpointNodes: fc.option(fc.subarray(NODE_NAMES), { nil: undefined }),
    })
    .map((s) => ({
      model: svc(`s${i}`, s.ips, {
        labels: s.web ? { app: 'web' } : {},
        externalTrafficPolicy: s.local ? ('Local' as const) : ('Cluster' as const),
      }),
      endpointNodes: s.endpointNodes,
    }));
const labelsArb = fc.record(
  { rack: fc.constantFrom('a', 'b'), edge: fc.constant('true') },
  { requiredKeys: [] },
);

const scenarioArb = fc
  .record({
    adCount: fc.integer({ min: 0, max: 4 }),
    serviceCount: fc.integer({ min: 0, max: 6 }),
    peers: fc.tuple(...PEER_NAMES.map((n, i) => peerArb(n, i))).chain((all) => fc.subarray(all)),
    nodeLabels: fc.tuple(labelsArb, labelsArb, labelsArb),
    endpointsKnown: fc.boolean(),
  })
  .chain((s) =>
    fc.record({
      ads: fc.tuple(...Array.from({ length: s.adCount }, (_, i) => adArb(i))),
      services: fc.tuple(...Array.from({ length: s.serviceCount }, (_, i) => serviceArb(i))),
      peers: fc.constant(s.peers),
      nodeLabels: fc.constant(s.nodeLabels),
      endpointsKnown: fc.constant(s.endpointsKnown),
      seed: fc.integer(),
    }),
  );

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function configOf(s: Scenario, pools = [...BASE.pools]): Config {
  return {
    ...BASE,
    pools: new Map(pools),
    bgpAdvertisements: s.ads,
    peers: new Map(s.peers.map((p) => [p.name, p])),
  };
}

function endpointsOf(s: Scenario): Map<string, ServiceEndpoints> | undefined {
  if (!s.endpointsKnown) return undefined;
  return new Map(
    s.services.map(({ model, endpointNodes }) => [
      `default/${model.name}`,
      { anyUsable: (endpointNodes ?? []).length > 0, nodesWithUsable: new Set(endpointNodes ?? []) },
    ]),
  );
}

/** A deterministic shuffle from the scenario's seed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let x = seed | 1;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Every part of a plan as plain data; service outcomes by key (their map follows input order). */
function normal(plan: BgpNodePlan) {
  return {
    node: plan.node,
    sessions: JSON.parse(JSON.stringify(plan.sessions)) as unknown,
    routes: [...plan.routes].map(([peer, routes]) => [peer, [...routes]]),
    services: [...plan.services]
      .map(([key, o]) => [key, o.kind === 'idle' ? o.reason : [...o.peers]] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  };
}

describe('bgp plan (properties)', () => {
  it('does not depend on the order of advertisements, peers, pools, services or names in lists', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const config = configOf(s);
        const reordered: Scenario = {
          ...s,
          ads: shuffled(s.ads, s.seed).map((ad, i) => ({
            ...ad,
            pools: shuffled(ad.pools, s.seed + i),
            peers: shuffled(ad.peers, s.seed - i),
            communities: shuffled(ad.communities, s.seed * 3 + i),
          })),
          peers: shuffled(s.peers, s.seed + 7),
        };
        const config2 = configOf(reordered, shuffled([...BASE.pools], s.seed + 11));
        const services = s.services.map((x) => x.model);
        const eps = endpointsOf(s);
        s.nodeLabels.forEach((labels, i) => {
          const n = node(NODE_NAMES[i]!, labels);
          const a = planBgpNode({ config, services, endpoints: eps }, n);
          const b = planBgpNode(
            { config: config2, services: shuffled(services, s.seed + 13), endpoints: eps },
            n,
          );
          assert.deepEqual(normal(b), normal(a));
        });
      }),
      { numRuns: 300 },
    );
  });

  it('the diff between two plans of a node turns the first route table into the second', () => {
    fc.assert(
      fc.property(scenarioArb, scenarioArb, (first, second) => {
        // The same node under two views: different advertisements, peers, services, endpoints.
        const n = node('n1', first.nodeLabels[0]);
        const plan = (s: Scenario) =>
          planBgpNode(
            { config: configOf(s), services: s.services.map((x) => x.model), endpoints: endpointsOf(s) },
            n,
          );
        const before = plan(first).routes;
        const after = plan(second).routes;
        const applied = applyRouteDiff(before, diffRoutes(before, after));
        assert.deepEqual(
          [...applied].map(([p, r]) => [p, [...r]]),
          [...after].map(([p, r]) => [p, [...r]]),
        );
      }),
      { numRuns: 200 },
    );
  });
});
