// The FRR-K8s backend on a real kube-apiserver (RBAC enforced), everything under the speaker
// ServiceAccount's own token (deploy/'s RBAC): the kube source's informers read the configuration,
// Nodes and Services; NodeBgp, as `herald speaker --bgp-backend frr-k8s` composes it, plans each
// node and keeps its FRRConfiguration metallb-<node> by server-side apply. The object carries the
// plan's prefixes to the node's peers (the password by Secret reference), a Service removed leaves
// it, an unchanged plan writes nothing, stop() withdraws it; writing elsewhere is refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KubeConfigSource } from '../../src/app/kube-source.js';
import { NodeBgp } from '../../src/app/bgp.js';
import { parse } from '../../src/core/config/parse.js';
import { viewFromObjects, type ClusterView } from '../../src/core/plan/view.js';
import { loadKubeConfig } from '../../src/k8s/client.js';
import { KubeFrrConfigurationStore } from '../../src/k8s/frr-configuration-store.js';
import { KubeApiError, KubeRest } from '../../src/k8s/rest.js';
import { createEventLog } from '../../src/observe/log.js';
import { StateBoard } from '../../src/observe/state-board.js';
import {
  NAMESPACE,
  apply,
  eventually,
  getJson,
  installDeploy,
  serviceAccountToken,
} from '../support/k8s/cluster.js';
import { startControlPlane, type ControlPlane } from '../support/k8s/control-plane.js';

const CONFIG = `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: pool, namespace: ${NAMESPACE} }
spec: { addresses: [10.40.0.0/28] }
---
apiVersion: v1
kind: Secret
metadata: { name: tor-password, namespace: ${NAMESPACE} }
type: kubernetes.io/basic-auth
stringData: { password: s3cret-tor }
---
apiVersion: metallb.io/v1beta1
kind: BFDProfile
metadata: { name: fast, namespace: ${NAMESPACE} }
spec: { receiveInterval: 300, transmitInterval: 300 }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: tor, namespace: ${NAMESPACE} }
spec:
  myASN: 64512
  peerASN: 64513
  peerAddress: 192.0.2.1
  bfdProfile: fast
  passwordSecret: { name: tor-password, namespace: ${NAMESPACE} }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: edge, namespace: ${NAMESPACE} }
spec:
  myASN: 64512
  peerASN: 64514
  peerAddress: 192.0.2.2
  nodeSelectors: [{ matchLabels: { kubernetes.io/hostname: node1 } }]
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: { name: all, namespace: ${NAMESPACE} }
spec: { ipAddressPools: [pool], communities: ["64512:100"] }
`;

const node = (name: string): string => `
apiVersion: v1
kind: Node
metadata: { name: ${name}, labels: { kubernetes.io/hostname: ${name} } }
`;

const lbService = (name: string): string => `
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: default }
spec: { type: LoadBalancer, selector: { app: ${name} }, ports: [{ port: 80, targetPort: 8080 }] }
`;

interface Neighbor {
  address?: string;
  asn?: number;
  password?: string;
  passwordSecret?: { name: string; namespace: string };
  bfdProfile?: string;
  toAdvertise: {
    allowed: { prefixes: string[] };
    withCommunity?: { community: string; prefixes: string[] }[];
  };
}
interface FrrConfigurationView {
  metadata: {
    name: string;
    namespace: string;
    resourceVersion: string;
    managedFields?: { manager: string }[];
  };
  spec: {
    nodeSelector: { matchLabels: Record<string, string> };
    bgp: {
      routers: { asn: number; prefixes: string[]; neighbors: Neighbor[] }[];
      bfdProfiles: { name: string }[];
    };
  };
}

describe(
  'FRR-K8s backend on a real apiserver, under the speaker ServiceAccount',
  { timeout: 240_000 },
  () => {
    let cp: ControlPlane;
    let rest: KubeRest;
    let source: KubeConfigSource;
    const log = createEventLog({ node: 'test', level: 'silent', format: 'json' });
    const speakers = new Map<string, NodeBgp>();

    const speakerFor = (name: string): NodeBgp => {
      const existing = speakers.get(name);
      if (existing) return existing;
      const board = new StateBoard();
      const bgp = new NodeBgp({
        node: name,
        routerId: '10.0.0.1',
        log,
        inspect: board.inspect,
        board,
        secretPassword: () => undefined,
        backend: 'frr-k8s',
        frrK8s: {
          store: new KubeFrrConfigurationStore(rest),
          namespace: NAMESPACE,
          externalNamespace: 'frr-k8s-system',
        },
      });
      speakers.set(name, bgp);
      return bgp;
    };

    /** The informers' view now, as the speaker builds it. */
    const view = async (): Promise<ClusterView> => {
      const objects = await source.read();
      const result = parse(objects, { namespace: NAMESPACE, references: 'require' });
      assert.ok(result.ok, JSON.stringify(result.ok ? [] : result.issues));
      return viewFromObjects(result.config, objects, undefined, source.addresses).view;
    };

    /** LoadBalancer Services with an address (the apiserver's own `kubernetes` Service aside). */
    const balanced = (v: ClusterView): number =>
      v.services.filter((s) => s.type === 'LoadBalancer' && s.ingressIPs.length > 0).length;

    const frrConfigurations = (): FrrConfigurationView[] =>
      getJson<{ items: FrrConfigurationView[] }>(cp, ['frrconfigurations.frrk8s.metallb.io', '-A']).items;

    const objectOf = (nodeName: string): FrrConfigurationView | undefined =>
      frrConfigurations().find((o) => o.metadata.name === `metallb-${nodeName}`);

    /** Neighbour address → the prefixes it is sent. */
    const advertised = (o: FrrConfigurationView | undefined): Record<string, string[]> =>
      Object.fromEntries(
        (o?.spec.bgp.routers ?? []).flatMap((r) =>
          r.neighbors.map((n) => [n.address ?? '', [...n.toAdvertise.allowed.prefixes].sort()]),
        ),
      );

    before(async () => {
      cp = await startControlPlane();
      installDeploy(cp);
      const token = serviceAccountToken(cp, 'speaker');
      rest = new KubeRest(loadKubeConfig(cp.kubeconfig(token, 'speaker')));
      apply(cp, CONFIG);
      apply(cp, node('node1') + '---' + node('node2'));
      apply(cp, lbService('web') + '---' + lbService('db'));
      for (const [name, ip] of [
        ['web', '10.40.0.1'],
        ['db', '10.40.0.2'],
      ] as const)
        cp.kubectl([
          'patch',
          'service',
          '-n',
          'default',
          name,
          '--subresource=status',
          '--type=merge',
          '-p',
          JSON.stringify({ status: { loadBalancer: { ingress: [{ ip }] } } }),
        ]);
      source = new KubeConfigSource({
        kubeConfig: loadKubeConfig(cp.kubeconfig(token, 'speaker')),
        rest,
        namespace: NAMESPACE,
        log,
      });
      await source.start(() => undefined);
    });

    after(async () => {
      for (const bgp of speakers.values()) await bgp.stop();
      source.stop();
      rest.close();
      await cp.stop();
    });

    it("each node's metallb-<node> carries the plan's prefixes to its peers, the password by Secret reference", async () => {
      const v = await eventually(async () => {
        const current = await view();
        return balanced(current) === 2 && current.nodes.length === 2 ? current : undefined;
      }, 'the informers to see both Services and Nodes');
      for (const n of ['node1', 'node2']) speakerFor(n).update(v);
      const node1 = await eventually(() => objectOf('node1'), 'metallb-node1');
      const node2 = await eventually(() => objectOf('node2'), 'metallb-node2');
      const both = ['10.40.0.1/32', '10.40.0.2/32'];
      assert.deepEqual(advertised(node1), { '192.0.2.1': both, '192.0.2.2': both });
      assert.deepEqual(advertised(node2), { '192.0.2.1': both }, 'edge selects node1 only');
      assert.deepEqual(node1.spec.nodeSelector, { matchLabels: { 'kubernetes.io/hostname': 'node1' } });
      assert.equal(node1.metadata.namespace, NAMESPACE);
      assert.deepEqual(node1.spec.bgp.routers[0]?.prefixes, both);
      const tor = node1.spec.bgp.routers.flatMap((r) => r.neighbors).find((n) => n.address === '192.0.2.1');
      assert.ok(tor);
      assert.deepEqual(tor.passwordSecret, { name: 'tor-password', namespace: NAMESPACE });
      assert.equal(tor.bfdProfile, 'fast');
      assert.deepEqual(tor.toAdvertise.withCommunity, [{ community: '64512:100', prefixes: both }]);
      assert.deepEqual(
        node1.spec.bgp.bfdProfiles.map((p) => p.name),
        ['fast'],
      );
      assert.ok(!JSON.stringify(node1).includes('s3cret-tor'), 'the Secret password is in the object');
      assert.ok(
        getJson<FrrConfigurationView>(cp, [
          'frrconfigurations.frrk8s.metallb.io',
          '-n',
          NAMESPACE,
          'metallb-node1',
          '--show-managed-fields',
        ]).metadata.managedFields?.some((f) => f.manager === 'herald-speaker'),
        'applied by the speaker',
      );
      // Nothing else is written: exactly the two nodes' objects, in the speaker's namespace.
      assert.deepEqual(
        frrConfigurations()
          .map((o) => `${o.metadata.namespace}/${o.metadata.name}`)
          .sort(),
        [`${NAMESPACE}/metallb-node1`, `${NAMESPACE}/metallb-node2`],
      );
    });

    it('an unchanged plan writes nothing; a Service removed leaves the object', async () => {
      const before = objectOf('node1')?.metadata.resourceVersion;
      speakerFor('node1').update(await view());
      await new Promise((resolve) => setTimeout(resolve, 600));
      assert.equal(objectOf('node1')?.metadata.resourceVersion, before, 'a no-op write reached the API');

      cp.kubectl(['delete', 'service', '-n', 'default', 'db']);
      const v = await eventually(async () => {
        const current = await view();
        return balanced(current) === 1 ? current : undefined;
      }, 'the informers to drop db');
      for (const n of ['node1', 'node2']) speakerFor(n).update(v);
      const node1 = await eventually(() => {
        const o = objectOf('node1');
        return o?.spec.bgp.routers[0]?.prefixes.length === 1 ? o : undefined;
      }, "db's prefix to leave metallb-node1");
      assert.deepEqual(advertised(node1), { '192.0.2.1': ['10.40.0.1/32'], '192.0.2.2': ['10.40.0.1/32'] });
      await eventually(
        () => (advertised(objectOf('node2'))['192.0.2.1']?.length === 1 ? true : undefined),
        "db's prefix to leave metallb-node2",
      );
    });

    it("RBAC holds: the speaker's token cannot write FRRConfigurations elsewhere", async () => {
      const store = new KubeFrrConfigurationStore(rest);
      const elsewhere = {
        apiVersion: 'frrk8s.metallb.io/v1beta1',
        kind: 'FRRConfiguration',
        metadata: { name: 'metallb-node1', namespace: 'default' },
        spec: {},
      };
      await assert.rejects(
        store.put(elsewhere),
        (e: unknown) => e instanceof KubeApiError && e.status === 403,
      );
      await assert.rejects(
        store.remove('default', 'anything'),
        (e: unknown) => e instanceof KubeApiError && e.status === 403,
      );
    });

    it("stop() withdraws the node's object, and only its own", async () => {
      const bgp = speakerFor('node2');
      await bgp.stop();
      speakers.delete('node2');
      await eventually(() => (objectOf('node2') ? undefined : true), 'metallb-node2 to go');
      assert.ok(objectOf('node1'), 'metallb-node1 went too');
    });
  },
);
