// Golden frr.conf files: `herald frr render` (in process) for every BGP/FRR procedure of the seed
// documents, for examples/bgp on each node, and for what only the FRR backend carries, compared
// byte for byte with test/golden/frr/<name>.frr.conf. UPDATE_GOLDEN=1 rewrites them (review the
// diff: they are what FRR gets). frr-syntax.test.ts runs FRR's own parser over the same files.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../../../src/cli/main.js';
import { fixtureFile } from '../config/helpers.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
export const GOLDEN_DIR = join(ROOT, 'test', 'golden', 'frr');
const FRR_FIXTURES = join(ROOT, 'test', 'fixtures', 'frr');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

interface Scenario {
  readonly name: string;
  readonly node: string;
  /** Seed fixture numbers (test/fixtures/seed-examples) and other files, in apply order. */
  readonly seeds?: readonly string[];
  readonly files?: readonly string[];
  readonly namespace?: string;
}

const extra = (name: string): string => join(FRR_FIXTURES, name);
const SERVICE_203 = extra('services-doc-example-bgp.yaml');

/** Each seed procedure with its companion objects (INDEX.md), a Service where it has none. */
const SCENARIOS: readonly Scenario[] = [
  // 002 §25.2.2.1: basic advertisement to the §25.3.2 peer (eBGP, IPv4: the /128 stays home).
  { name: 'seed-013-bgp-basic', node: 'node1', seeds: ['012', '013', '026'], files: [SERVICE_203] },
  // §25.2.3.1: /32 with NO_ADVERTISE and localPref 100 (eBGP: not sent), /30 with 8000:800.
  {
    name: 'seed-015-016-bgp-advanced',
    node: 'node1',
    seeds: ['014', '015', '016', '026'],
    files: [SERVICE_203],
  },
  // §25.3.2: one peer, nothing to advertise yet.
  { name: 'seed-026-bgp-peer', node: 'node1', seeds: ['026'] },
  // §25.3.3: pool1 only to peer1, pool2 only to peer2.
  {
    name: 'seed-031-032-peers-per-pool',
    node: 'node1',
    seeds: ['027', '028', '029', '030', '031', '032'],
    files: [extra('services-peers-per-pool.yaml')],
  },
  // §25.3.4: a peer in VRF ens4vrf; the advertisement names "frrviavrf", so nothing goes to it.
  { name: 'seed-033-vrf-peer', node: 'node1', seeds: ['033', '034', '035', '036'] },
  // §25.3.5.1: the peer selects compute-1 by hostname label; compute-3 has no BGP at all.
  {
    name: 'seed-037-peer-node-selector',
    node: 'compute-1.example.com',
    seeds: ['037'],
    files: [extra('nodes-compute.yaml')],
  },
  {
    name: 'seed-037-peer-node-selector-unselected',
    node: 'compute-3.example.com',
    seeds: ['037'],
    files: [extra('nodes-compute.yaml')],
  },
  // §25.3.5.2 with the §25.5.2 profile: BFD, holdTime 10s.
  { name: 'seed-038-044-peer-bfd', node: 'node1', seeds: ['038', '044'] },
  // §25.3.5.3: iBGP to an IPv4 and an IPv6 peer; LOCAL_PREF 0 as the plan says (seed 002 §25.2.2).
  {
    name: 'seed-039-dual-stack-peers',
    node: 'node1',
    seeds: ['012', '013', '039'],
    files: [SERVICE_203],
  },
  // §25.4.2: community alias; the advertisement names "doc-example-peer", absent here.
  {
    name: 'seed-043-community-alias',
    node: 'node1',
    seeds: ['040', '041', '042', '043'],
    files: [SERVICE_203],
  },
  // §25.7.3: the VRF peer of the symmetric-routing procedure.
  { name: 'seed-050-vrf-symmetric-routing', node: 'node1', seeds: ['050', '051', '052', '036'] },
  // §25.8.1: FRR-K8s receive-all neighbour with the operator's alwaysBlock.
  { name: 'seed-054-055-frr-k8s-always-block', node: 'node1', seeds: ['054', '055'] },
  // §25.8.2.x: FRRConfigurations of FRR-K8s' own namespace (rendered as that namespace's agent).
  ...(
    [
      ['056', 'routers'],
      ['057', 'advertise-subset'],
      ['058', 'advertise-all'],
      ['059', 'receive-subset'],
      ['060', 'receive-all'],
      ['061', 'bfd'],
    ] as const
  ).map(([seed, what]) => ({
    name: `seed-${seed}-frrconfiguration-${what}`,
    node: 'node1',
    seeds: [seed],
    namespace: 'frr-k8s-system',
  })),
  // Seed 003 (the BGP/FRR blog): legacy AddressPool, v1beta1 peer with BFD, nginx Service.
  { name: 'seed-064-068-blog-bgp-bfd', node: 'node1', seeds: ['064', '066', '067', '068'] },
  // examples/bgp on each node: racks a and b with the edge, node3 peerless.
  ...['node1', 'node2', 'node3'].map((node) => ({
    name: `examples-bgp-${node}`,
    node,
    files: [join(ROOT, 'examples', 'bgp')],
  })),
  // What only the FRR backend carries, and the FRR-K8s merge of plan and FRRConfigurations.
  { name: 'unnumbered-vrf-password', node: 'node1', files: [extra('unnumbered-vrf.yaml')] },
  { name: 'merge-plan-and-frrconfigurations', node: 'rack-a-1', files: [extra('merge.yaml')] },
];

export async function renderCli(
  args: readonly string[],
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += `${t}\n`) });
  return { code, out, err };
}

function argsOf(s: Scenario): string[] {
  const paths = [...(s.seeds ?? []).map(fixtureFile), ...(s.files ?? [])];
  return ['frr', 'render', '--node', s.node, ...(s.namespace ? ['--namespace', s.namespace] : []), ...paths];
}

describe('golden frr.conf files', () => {
  for (const scenario of SCENARIOS) {
    it(scenario.name, async () => {
      const run = await renderCli(argsOf(scenario));
      assert.equal(run.code, 0, run.err);
      const file = join(GOLDEN_DIR, `${scenario.name}.frr.conf`);
      if (UPDATE) writeFileSync(file, run.out);
      assert.equal(run.out, readFileSync(file, 'utf8'), `${file} differs (UPDATE_GOLDEN=1 rewrites it)`);
    });
  }

  it('every golden file has its scenario (none left over)', () => {
    const names = new Set(SCENARIOS.map((s) => `${s.name}.frr.conf`));
    const files = readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.frr.conf'));
    assert.deepEqual(
      files.filter((f) => !names.has(f)),
      [],
    );
  });
});
