// Node rules as MetalLB's speaker applies them, fed the objects as the kube source delivers them
// (JSON as the apiserver returns it, stamped with apiVersion and kind by the InformerSet): the
// exclude label (and --ignore-exclude-lb), NetworkUnavailable, and what does not matter (NotReady,
// cordoned); `externalTrafficPolicy: Local` announcing only from nodes with a ready or serving
// endpoint of the Service in its EndpointSlices, for layer 2 and BGP alike.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planBgpNodes } from '../../../src/core/bgp-plan/index.js';
import { EXCLUDE_LABEL, nodeBar, type NodeModel } from '../../../src/core/election/nodes.js';
import { planLayer2 } from '../../../src/core/plan/index.js';
import { viewFromObjects } from '../../../src/core/plan/view.js';
import { configOf } from './helpers.js';

const NS = 'metallb-system';
const IP = '10.0.0.5';

const config = [
  {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'IPAddressPool',
    metadata: { name: 'p', namespace: NS, uid: 'u1', resourceVersion: '10' },
    spec: { addresses: ['10.0.0.0/28'], autoAssign: true, avoidBuggyIPs: false },
  },
  {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'L2Advertisement',
    metadata: { name: 'l2', namespace: NS },
    spec: { ipAddressPools: ['p'] },
  },
  {
    apiVersion: 'metallb.io/v1beta2',
    kind: 'BGPPeer',
    metadata: { name: 'router', namespace: NS },
    spec: { myASN: 64512, peerASN: 64513, peerAddress: '10.1.0.1' },
  },
  {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'BGPAdvertisement',
    metadata: { name: 'bgp', namespace: NS },
    spec: { ipAddressPools: ['p'] },
  },
];

/** A Node as the apiserver returns it (kubelet-written conditions, addresses, spec). */
function apiNode(
  name: string,
  o: { labels?: Record<string, string>; ready?: boolean; network?: boolean; cordoned?: boolean } = {},
): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      uid: `uid-${name}`,
      resourceVersion: '100',
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...o.labels },
    },
    spec: o.cordoned
      ? { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] }
      : {},
    status: {
      addresses: [{ type: 'InternalIP', address: `192.168.0.${name.slice(-1)}` }],
      conditions: [
        {
          type: 'NetworkUnavailable',
          status: o.network === false ? 'True' : 'False',
          reason: o.network === false ? 'NoRouteCreated' : 'RouteCreated',
        },
        { type: 'Ready', status: o.ready === false ? 'Unknown' : 'True', reason: 'KubeletReady' },
      ],
    },
  };
}

function apiService(name: string, policy: 'Cluster' | 'Local'): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '200' },
    spec: {
      type: 'LoadBalancer',
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080, nodePort: 30080 }],
      externalTrafficPolicy: policy,
      internalTrafficPolicy: 'Cluster',
      ...(policy === 'Local' ? { healthCheckNodePort: 31000 } : {}),
    },
    status: { loadBalancer: { ingress: [{ ip: IP, ipMode: 'VIP' }] } },
  };
}

type Conditions = { ready?: boolean; serving?: boolean; terminating?: boolean };

/** An EndpointSlice as the EndpointSlice controller writes it. */
function apiSlice(
  service: string,
  endpoints: [node: string | undefined, Conditions][],
  name = `${service}-x7k2p`,
): unknown {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name,
      namespace: 'default',
      generateName: `${service}-`,
      labels: {
        'kubernetes.io/service-name': service,
        'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
      },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: service, uid: `uid-${service}` }],
    },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: endpoints.map(([nodeName, conditions], i) => ({
      addresses: [`10.244.${i}.7`],
      conditions,
      ...(nodeName ? { nodeName } : {}),
      targetRef: { kind: 'Pod', namespace: 'default', name: `${service}-${i}` },
    })),
  };
}

const NODES = ['node1', 'node2', 'node3', 'node4', 'node5'];

/** Who may announce: layer-2 reasons per node, and per node the BGP outcome (`peers` or a reason). */
function decide(objects: readonly unknown[], ignoreExcludeLb = false) {
  const cfg = configOf(objects);
  const { view } = viewFromObjects(cfg, objects, undefined, 'status', { ignoreExcludeLb });
  const [l2] = planLayer2({ ...view, alive: undefined });
  assert.ok(l2);
  const bgp = Object.fromEntries(
    planBgpNodes(view, view.nodes).map((plan) => {
      const outcome = plan.services.get('default/web');
      return [plan.node, outcome?.kind === 'idle' ? outcome.reason : 'peers'];
    }),
  );
  return { l2: Object.fromEntries(l2.election.reasons), winner: l2.election.winner, bgp };
}

describe('node rules (MetalLB speaker): exclude label, NetworkUnavailable, not Ready and cordoned', () => {
  const nodes = [
    apiNode('node1', { labels: { [EXCLUDE_LABEL]: 'true' } }),
    apiNode('node2', { network: false }),
    apiNode('node3', { ready: false }),
    apiNode('node4', { cordoned: true }),
    apiNode('node5'),
  ];

  it('bars excluded and network-unavailable nodes from layer 2 and BGP; NotReady and cordoned nodes announce', () => {
    const d = decide([...config, ...nodes, apiService('web', 'Cluster'), apiSlice('web', [['node5', {}]])]);
    assert.equal(d.l2.node1, 'excludedFromLoadBalancers');
    assert.equal(d.l2.node2, 'networkUnavailable');
    for (const n of ['node3', 'node4', 'node5'])
      assert.ok(['announcing', 'notOwner'].includes(d.l2[n] ?? ''), `${n}: ${d.l2[n]}`);
    assert.deepEqual(d.bgp, {
      node1: 'excludedFromLoadBalancers',
      node2: 'networkUnavailable',
      node3: 'peers',
      node4: 'peers',
      node5: 'peers',
    });
  });

  it('--ignore-exclude-lb: the label no longer bars; NetworkUnavailable still does', () => {
    const d = decide(
      [...config, ...nodes, apiService('web', 'Cluster'), apiSlice('web', [['node5', {}]])],
      true,
    );
    assert.ok(['announcing', 'notOwner'].includes(d.l2.node1 ?? ''));
    assert.equal(d.l2.node2, 'networkUnavailable');
    assert.equal(d.bgp.node1, 'peers');
    assert.equal(d.bgp.node2, 'networkUnavailable');
  });

  it('nodeBar: any value of the label excludes; a node without conditions is available', () => {
    const bare: NodeModel = { name: 'n', labels: {}, networkUnavailable: false };
    assert.equal(nodeBar(bare), undefined);
    assert.equal(nodeBar({ ...bare, labels: { [EXCLUDE_LABEL]: '' } }), 'excludedFromLoadBalancers');
    assert.equal(
      nodeBar({ ...bare, labels: { [EXCLUDE_LABEL]: 'false' } }, { ignoreExcludeLb: true }),
      undefined,
    );
    assert.equal(
      nodeBar({ ...bare, networkUnavailable: true, labels: { [EXCLUDE_LABEL]: '' } }),
      'networkUnavailable',
    );
  });
});

describe('externalTrafficPolicy: Local from EndpointSlices as the apiserver serves them', () => {
  const nodes = NODES.map((n) => apiNode(n));
  const slices = [
    apiSlice('web', [
      ['node1', { ready: true, serving: true, terminating: false }],
      ['node2', { ready: false, serving: false, terminating: false }],
      // Terminating but still serving: usable (MetalLB's EndpointCanServe).
      ['node3', { ready: false, serving: true, terminating: true }],
      [undefined, { ready: true, serving: true, terminating: false }],
    ]),
    // A second slice of the same Service: its endpoints count too.
    apiSlice('web', [['node4', {}]], 'web-9qzt4'),
  ];

  it('only nodes with a ready or serving endpoint of the Service announce (layer 2 and BGP)', () => {
    const d = decide([...config, ...nodes, apiService('web', 'Local'), ...slices]);
    assert.equal(d.l2.node2, 'noLocalEndpoint');
    assert.equal(d.l2.node5, 'noLocalEndpoint');
    for (const n of ['node1', 'node3', 'node4'])
      assert.ok(['announcing', 'notOwner'].includes(d.l2[n] ?? ''), `${n}: ${d.l2[n]}`);
    assert.deepEqual(d.bgp, {
      node1: 'peers',
      node2: 'noLocalEndpoint',
      node3: 'peers',
      node4: 'peers',
      node5: 'noLocalEndpoint',
    });
  });

  it('Cluster policy: every node, as long as some endpoint anywhere is usable', () => {
    const d = decide([...config, ...nodes, apiService('web', 'Cluster'), ...slices]);
    assert.ok(Object.values(d.bgp).every((v) => v === 'peers'));
    assert.ok(d.winner);
  });

  it('no usable endpoint at all: nobody announces', () => {
    const d = decide([
      ...config,
      ...nodes,
      apiService('web', 'Local'),
      apiSlice('web', [['node1', { ready: false, serving: false, terminating: true }]]),
    ]);
    assert.equal(d.winner, undefined);
    assert.ok(Object.values(d.l2).every((r) => r === 'noUsableEndpoint'));
    assert.ok(Object.values(d.bgp).every((r) => r === 'noUsableEndpoint'));
  });
});
