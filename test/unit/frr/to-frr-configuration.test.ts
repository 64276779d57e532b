// The FRR-K8s backend's object (frrConfigurationForNode): one FRRConfiguration per node, named and
// selecting the node as MetalLB's frr-k8s mode does. The strong check is equivalence: for every
// BGP scenario of the golden files (seed procedures, examples/bgp on each node, unnumbered/VRF/
// local-as/passwords, the merge with users' FRRConfigurations), the object, validated by Herald's
// own FRRConfiguration parser and merged as FRR-K8s merges, renders the same frr.conf (comments
// aside: they name the source objects) as the frr backend renders from the plan directly.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { planBgpNode, type BgpNodePlan } from '../../../src/core/bgp-plan/index.js';
import { applyInOrder } from '../../../src/core/config/apply.js';
import { parse } from '../../../src/core/config/parse.js';
import type { Config } from '../../../src/core/config/types.js';
import type { Labels } from '../../../src/core/labels.js';
import { viewFromObjects } from '../../../src/core/plan/view.js';
import { readYamlInputs } from '../../../src/files/yaml-files.js';
import { renderFrr, secretPasswordFrom } from '../../../src/frr/render/index.js';
import {
  frrConfigurationForNode,
  type FrrConfigurationObject,
} from '../../../src/frr/render/to-frr-configuration.js';
import { fixtureFile } from '../config/helpers.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const frrFixture = (name: string): string => join(ROOT, 'test', 'fixtures', 'frr', name);
const SERVICE_203 = frrFixture('services-doc-example-bgp.yaml');

interface Scenario {
  readonly name: string;
  readonly node: string;
  readonly paths: readonly string[];
}

const seeds = (...n: string[]): string[] => n.map(fixtureFile);

/** The BGP scenarios of golden.test.ts (the FRRConfiguration-only ones have no plan to carry). */
const SCENARIOS: readonly Scenario[] = [
  { name: 'seed 013 basic', node: 'node1', paths: [...seeds('012', '013', '026'), SERVICE_203] },
  {
    name: 'seed 015/016 localPref and communities',
    node: 'node1',
    paths: [...seeds('014', '015', '016', '026'), SERVICE_203],
  },
  { name: 'seed 026 peer, nothing advertised', node: 'node1', paths: seeds('026') },
  {
    name: 'seed 031/032 peers per pool',
    node: 'node1',
    paths: [...seeds('027', '028', '029', '030', '031', '032'), frrFixture('services-peers-per-pool.yaml')],
  },
  { name: 'seed 033 VRF peer', node: 'node1', paths: seeds('033', '034', '035', '036') },
  {
    name: 'seed 037 node selector',
    node: 'compute-1.example.com',
    paths: [...seeds('037'), frrFixture('nodes-compute.yaml')],
  },
  { name: 'seed 038/044 BFD', node: 'node1', paths: seeds('038', '044') },
  {
    name: 'seed 039 dual-stack iBGP',
    node: 'node1',
    paths: [...seeds('012', '013', '039'), SERVICE_203],
  },
  {
    name: 'seed 043 community alias',
    node: 'node1',
    paths: [...seeds('040', '041', '042', '043'), SERVICE_203],
  },
  { name: 'seed 050 VRF symmetric routing', node: 'node1', paths: seeds('050', '051', '052', '036') },
  { name: 'seed 054/055 alwaysBlock', node: 'node1', paths: seeds('054', '055') },
  { name: 'seed 064-068 blog BGP + BFD', node: 'node1', paths: seeds('064', '066', '067', '068') },
  ...['node1', 'node2', 'node3'].map((node) => ({
    name: `examples/bgp ${node}`,
    node,
    paths: [join(ROOT, 'examples', 'bgp')],
  })),
  { name: 'unnumbered, VRF, local-as, passwords', node: 'node1', paths: [frrFixture('unnumbered-vrf.yaml')] },
  { name: "merged with users' FRRConfigurations", node: 'rack-a-1', paths: [frrFixture('merge.yaml')] },
];

interface Loaded {
  readonly config: Config;
  readonly objects: readonly unknown[];
  readonly plan: BgpNodePlan;
  readonly labels: Labels;
}

const NS = 'metallb-system';

async function load(s: Scenario): Promise<Loaded> {
  const objects = applyInOrder(await readYamlInputs(s.paths), NS).kept.map((k) => k.value);
  const parsed = parse(objects, { namespace: NS, references: 'warn' });
  assert.ok(parsed.ok, JSON.stringify(parsed.ok ? [] : parsed.issues));
  const { view } = viewFromObjects(parsed.config, objects, [s.node]);
  const node = view.nodes.find((n) => n.name === s.node) ?? {
    name: s.node,
    labels: {},
    networkUnavailable: false,
  };
  // The kubelet's label, which the object's nodeSelector matches.
  const labels = { ...node.labels, 'kubernetes.io/hostname': s.node };
  return { config: parsed.config, objects, plan: planBgpNode(view, { ...node, labels }), labels };
}

/** frr.conf without comment lines: those name the objects a block comes from. */
const routing = (text: string): string =>
  text
    .split('\n')
    .filter((line) => !/^\s*!/.test(line))
    .join('\n');

function objectOf(l: Loaded): FrrConfigurationObject {
  const result = frrConfigurationForNode({ config: l.config, plan: l.plan, namespace: NS });
  assert.ok(result.ok, JSON.stringify(result.ok ? [] : result.errors));
  return result.object;
}

describe('frrConfigurationForNode: the FRR-K8s object renders what the frr backend renders', () => {
  for (const s of SCENARIOS) {
    it(s.name, async () => {
      const l = await load(s);
      const secretPassword = secretPasswordFrom(l.objects, NS);
      const direct = renderFrr({ config: l.config, plan: l.plan, nodeLabels: l.labels, secretPassword });
      assert.ok(direct.ok, JSON.stringify(direct.ok ? [] : direct.errors));

      const object = objectOf(l);
      // Through the same door as any FRRConfiguration: strict schema, field rules, merge checks.
      const withObject = parse([...l.objects, JSON.parse(JSON.stringify(object))], {
        namespace: NS,
        references: 'warn',
      });
      assert.ok(withObject.ok, JSON.stringify(withObject.ok ? [] : withObject.issues));
      // FRR-K8s knows no BGPPeer, BFDProfile or Service: only the FRRConfigurations.
      const viaObject = renderFrr({
        config: { ...withObject.config, peers: new Map(), bfdProfiles: new Map() },
        plan: { node: s.node, sessions: [], routes: new Map(), services: new Map() },
        nodeLabels: l.labels,
        secretPassword,
      });
      assert.ok(viaObject.ok, JSON.stringify(viaObject.ok ? [] : viaObject.errors));
      assert.equal(routing(viaObject.text), routing(direct.text));
      // Another node is not selected: the object carries this node's plan only.
      const other = renderFrr({
        config: { ...withObject.config, peers: new Map(), bfdProfiles: new Map() },
        plan: { node: 'elsewhere', sessions: [], routes: new Map(), services: new Map() },
        nodeLabels: { 'kubernetes.io/hostname': 'elsewhere' },
        secretPassword,
      });
      assert.ok(other.ok);
      assert.ok(
        !other.model.routers.get('')?.sources.includes(`FRRConfiguration ${NS}/metallb-${s.node}`),
        'selected another node',
      );
    });
  }
});

describe('frrConfigurationForNode: the object itself', () => {
  const scenario = (name: string): Scenario => {
    const found = SCENARIOS.find((s) => s.name === name);
    assert.ok(found, name);
    return found;
  };

  it("is MetalLB's: metallb-<node> in the namespace given, selecting the node by kubernetes.io/hostname", async () => {
    const l = await load(scenario('examples/bgp node1'));
    const result = frrConfigurationForNode({ config: l.config, plan: l.plan, namespace: 'frr-k8s-system' });
    assert.ok(result.ok);
    assert.equal(result.empty, false);
    assert.equal(result.object.apiVersion, 'frrk8s.metallb.io/v1beta1');
    assert.equal(result.object.kind, 'FRRConfiguration');
    assert.deepEqual(result.object.metadata, {
      name: 'metallb-node1',
      namespace: 'frr-k8s-system',
      labels: { 'app.kubernetes.io/managed-by': 'herald' },
    });
    assert.deepEqual(result.object.spec.nodeSelector, {
      matchLabels: { 'kubernetes.io/hostname': 'node1' },
    });
  });

  it("advertises to each neighbour exactly the plan's prefixes for it, with its localPref and communities", async () => {
    const l = await load(scenario('seed 015/016 localPref and communities'));
    const object = objectOf(l);
    for (const session of l.plan.sessions) {
      const router = object.spec.bgp.routers.find((r) => (r.vrf ?? '') === session.vrf);
      const neighbor = router?.neighbors.find((n) => n.address === session.peerAddress);
      assert.ok(neighbor, session.name);
      const routes = [...(l.plan.routes.get(session.name)?.values() ?? [])];
      assert.deepEqual([...neighbor.toAdvertise.allowed.prefixes].sort(), routes.map((r) => r.prefix).sort());
      for (const route of routes) {
        const prefs: { localPref: number }[] = (neighbor.toAdvertise.withLocalPref ?? []).filter((g) =>
          g.prefixes.includes(route.prefix),
        );
        assert.deepEqual(
          prefs.map((g) => g.localPref),
          route.localPref === undefined ? [] : [route.localPref],
        );
        const communities: string[] = (neighbor.toAdvertise.withCommunity ?? [])
          .filter((g) => g.prefixes.includes(route.prefix))
          .map((g) => g.community);
        assert.equal(communities.length, route.communities.length + route.largeCommunities.length);
      }
    }
    // Every advertised prefix is one of the router's (FRR-K8s refuses the object otherwise).
    for (const r of object.spec.bgp.routers)
      for (const n of r.neighbors)
        for (const p of n.toAdvertise.allowed.prefixes) assert.ok(r.prefixes.includes(p), p);
  });

  it('names a password Secret, never its password; a plain BGPPeer password stays plain (as MetalLB writes it)', async () => {
    const l = await load(scenario('unnumbered, VRF, local-as, passwords'));
    const secrets = l.plan.sessions.filter((s) => s.auth.kind === 'secret');
    assert.ok(secrets.length > 0, 'the fixture has a passwordSecret');
    const text = JSON.stringify(objectOf(l));
    const secretPassword = secretPasswordFrom(l.objects, NS);
    for (const s of secrets) {
      if (s.auth.kind !== 'secret') continue;
      assert.ok(text.includes(JSON.stringify({ name: s.auth.name, namespace: s.auth.namespace })));
      const password = secretPassword(s.auth.namespace, s.auth.name);
      assert.ok(password !== undefined && !text.includes(password), 'the Secret password is in the object');
    }
    assert.ok(!text.includes('secret:'), 'a stand-in leaked');
  });

  it('is deterministic (same input, same JSON) and empty for a node without sessions or BFD profiles', async () => {
    const a = await load(scenario('examples/bgp node2'));
    const b = await load(scenario('examples/bgp node2'));
    assert.equal(JSON.stringify(objectOf(a)), JSON.stringify(objectOf(b)));
    const none = await load(scenario('seed 054/055 alwaysBlock'));
    const result = frrConfigurationForNode({
      config: { ...none.config, bfdProfiles: new Map() },
      plan: { ...none.plan, sessions: [], routes: new Map() },
      namespace: NS,
    });
    assert.ok(result.ok);
    assert.equal(result.empty, true);
  });

  it('refuses what the frr backend refuses: a BFD profile that does not exist', async () => {
    const l = await load(scenario('seed 038/044 BFD'));
    const result = frrConfigurationForNode({
      config: { ...l.config, bfdProfiles: new Map() },
      plan: {
        ...l.plan,
        sessions: l.plan.sessions.map((s) => (s.bfd ? { ...s, bfd: { ...s.bfd, settings: undefined } } : s)),
      },
      namespace: NS,
    });
    assert.ok(!result.ok);
    assert.match(result.errors[0]?.message ?? '', /BFD profile .* does not exist/);
  });
});
