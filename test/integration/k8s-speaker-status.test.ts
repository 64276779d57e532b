// The speaker's Kubernetes status on a real kube-apiserver (RBAC enforced), everything under the
// speaker ServiceAccount's own token (deploy/'s RBAC): the kube source's informers read the
// configuration, Nodes, Services and EndpointSlices; the speaker's pure planning (node rules,
// externalTrafficPolicy: Local, advertisedPeers) decides per node; the status reporters write
// ServiceBGPStatus / ServiceL2Status objects and nodeAssigned Events, update them when peers
// change, delete them when a node stops advertising, and clean up after a restart. Writing
// anywhere else is refused (least privilege).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KubeConfigSource } from '../../src/app/kube-source.js';
import { advertisedPeers, planBgpNodes } from '../../src/core/bgp-plan/index.js';
import { parse } from '../../src/core/config/parse.js';
import { viewFromObjects } from '../../src/core/plan/view.js';
import { BgpStatusReporter } from '../../src/k8s/bgp-status.js';
import { loadKubeConfig } from '../../src/k8s/client.js';
import { EventRecorder } from '../../src/k8s/event-recorder.js';
import { L2StatusReporter } from '../../src/k8s/l2-status.js';
import { KubeApiError, KubeRest } from '../../src/k8s/rest.js';
import { WriteQueue } from '../../src/k8s/write-queue.js';
import { createEventLog } from '../../src/observe/log.js';
import {
  NAMESPACE,
  apply,
  eventsFor,
  eventually,
  getJson,
  installDeploy,
  serviceAccountToken,
} from '../support/k8s/cluster.js';
import { startControlPlane, type ControlPlane } from '../support/k8s/control-plane.js';

interface StatusObject {
  metadata: { name: string; labels?: Record<string, string> };
  status?: {
    node?: string;
    serviceName?: string;
    serviceNamespace?: string;
    peers?: string[];
    interfaces?: { name: string }[];
  };
}

const CONFIG = `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: pool, namespace: ${NAMESPACE} }
spec: { addresses: [10.30.0.0/28] }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: tor, namespace: ${NAMESPACE} }
spec: { myASN: 64512, peerASN: 64513, peerAddress: 192.0.2.1 }
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
spec: { ipAddressPools: [pool] }
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: { name: all, namespace: ${NAMESPACE} }
spec: { ipAddressPools: [pool] }
`;

const node = (name: string, labels: Record<string, string> = {}): string => `
apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels: ${JSON.stringify({ 'kubernetes.io/hostname': name, ...labels })}
`;

const lbService = (name: string, policy: 'Cluster' | 'Local'): string => `
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: default }
spec:
  type: LoadBalancer
  externalTrafficPolicy: ${policy}
  selector: { app: ${name} }
  ports: [{ port: 80, targetPort: 8080 }]
`;

const slice = (service: string, nodeName: string, ready: boolean): string => `
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${service}-1
  namespace: default
  labels: { kubernetes.io/service-name: ${service} }
addressType: IPv4
ports: [{ port: 8080, protocol: TCP }]
endpoints:
  - addresses: [10.244.3.7]
    nodeName: ${nodeName}
    conditions: { ready: ${ready}, serving: ${ready}, terminating: false }
`;

describe('speaker status on a real apiserver, under the speaker ServiceAccount', { timeout: 240_000 }, () => {
  let cp: ControlPlane;
  let rest: KubeRest;
  let source: KubeConfigSource;
  let changes = 0;
  const queues: WriteQueue[] = [];
  const writeErrors: string[] = [];
  const log = createEventLog({ node: 'test', level: 'silent', format: 'json' });

  /** The per-node writers, as a speaker on that node builds them (own queue and Event recorder). */
  const reporters = (nodeName: string) => {
    const queue = new WriteQueue({
      concurrency: 4,
      initialRetryMs: 100,
      onError: (key, error) => writeErrors.push(`${nodeName} ${key}: ${String(error)}`),
    });
    queues.push(queue);
    const events = new EventRecorder(rest, queue, { component: 'metallb-speaker', instance: nodeName });
    const options = {
      rest,
      queue,
      events,
      namespace: NAMESPACE,
      node: nodeName,
      serviceUid: (ns: string, name: string) =>
        getJson<{ metadata: { uid: string } }>(cp, ['service', '-n', ns, name]).metadata.uid,
    };
    return {
      queue,
      bgp: new BgpStatusReporter(options),
      l2: new L2StatusReporter({ ...options, interfacesOf: (a) => a.interfaces }),
    };
  };

  /** What every node advertises over BGP now, from the informers' view, as the speaker plans it. */
  const plans = async (): Promise<Map<string, Map<string, string[]>>> => {
    const objects = await source.read();
    const result = parse(objects, { namespace: NAMESPACE, references: 'require' });
    assert.ok(result.ok, JSON.stringify(result.ok ? [] : result.issues));
    const { view } = viewFromObjects(result.config, objects, undefined, source.addresses);
    return new Map(planBgpNodes(view, view.nodes).map((p) => [p.node, advertisedPeers(p)]));
  };

  const bgpStatuses = (): { node: string; service: string; peers: string[]; labels: string }[] =>
    getJson<{ items: StatusObject[] }>(cp, ['servicebgpstatuses', '-n', NAMESPACE])
      .items.map((o) => ({
        node: o.status?.node ?? '',
        service: `${o.status?.serviceNamespace ?? ''}/${o.status?.serviceName ?? ''}`,
        peers: o.status?.peers ?? [],
        labels: [
          o.metadata.labels?.['metallb.io/node'],
          o.metadata.labels?.['metallb.io/service-namespace'],
          o.metadata.labels?.['metallb.io/service-name'],
        ].join(' '),
      }))
      .sort((a, b) => `${a.node} ${a.service}`.localeCompare(`${b.node} ${b.service}`));

  const idle = async (): Promise<void> => {
    await Promise.all(queues.map((q) => q.idle()));
  };

  before(async () => {
    cp = await startControlPlane();
    installDeploy(cp);
    const token = serviceAccountToken(cp, 'speaker');
    const kubeConfig = loadKubeConfig(cp.kubeconfig(token, 'speaker'));
    rest = new KubeRest(kubeConfig);
    apply(cp, CONFIG);
    apply(
      cp,
      node('node1') +
        '---' +
        node('node2', { 'node.kubernetes.io/exclude-from-external-load-balancers': '' }) +
        '---' +
        node('node3'),
    );
    apply(cp, lbService('web', 'Cluster') + '---' + lbService('local', 'Local'));
    apply(cp, slice('web', 'node1', true) + '---' + slice('local', 'node3', true));
    for (const [name, ip] of [
      ['web', '10.30.0.1'],
      ['local', '10.30.0.2'],
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
    source = new KubeConfigSource({ kubeConfig, rest, namespace: NAMESPACE, log });
    await source.start(() => changes++);
  });

  after(async () => {
    source.stop();
    for (const q of queues) q.close();
    rest.close();
    await cp.stop();
  });

  it('one ServiceBGPStatus per advertising node and Service, labelled, with its peers; excluded and endpoint-less nodes have none', async () => {
    const planned = await plans();
    assert.deepEqual([...(planned.get('node2') ?? [])], [], 'node2 is excluded from load balancers');
    const writers = new Map(['node1', 'node2', 'node3'].map((n) => [n, reporters(n)]));
    for (const [n, w] of writers) w.bgp.apply(planned.get(n) ?? new Map());
    await idle();
    assert.deepEqual(bgpStatuses(), [
      { node: 'node1', service: 'default/web', peers: ['edge', 'tor'], labels: 'node1 default web' },
      { node: 'node3', service: 'default/local', peers: ['tor'], labels: 'node3 default local' },
      { node: 'node3', service: 'default/web', peers: ['tor'], labels: 'node3 default web' },
    ]);
    const messages = eventsFor(cp, 'default', 'Service', 'web')
      .filter((e) => e.reason === 'nodeAssigned')
      .map((e) => `${e.type} ${e.message}`)
      .sort();
    assert.deepEqual(messages, [
      'Normal announcing from node "node1" with protocol "bgp"',
      'Normal announcing from node "node3" with protocol "bgp"',
    ]);
    assert.deepEqual(writeErrors, []);

    // A peer removed: node1's object is updated in place.
    cp.kubectl(['delete', 'bgppeer', '-n', NAMESPACE, 'edge']);
    const updated = await eventually(async () => {
      const p = await plans();
      return p.get('node1')?.get('default/web')?.length === 1 ? p : undefined;
    }, 'the informers to drop the edge peer');
    for (const [n, w] of writers) w.bgp.apply(updated.get(n) ?? new Map());
    await idle();
    assert.deepEqual(
      bgpStatuses().map((s) => `${s.node} ${s.service} ${s.peers.join(',')}`),
      ['node1 default/web tor', 'node3 default/local tor', 'node3 default/web tor'],
    );

    // The Local Service's only endpoint stops being ready: node3 stops advertising it, its object goes.
    apply(cp, slice('local', 'node3', false));
    const withoutLocal = await eventually(async () => {
      const p = await plans();
      return p.get('node3')?.has('default/local') === false ? p : undefined;
    }, 'the informers to see the endpoint not ready');
    for (const [n, w] of writers) w.bgp.apply(withoutLocal.get(n) ?? new Map());
    await idle();
    assert.deepEqual(
      bgpStatuses().map((s) => `${s.node} ${s.service}`),
      ['node1 default/web', 'node3 default/web'],
    );
    assert.deepEqual(writeErrors, []);
    assert.ok(changes > 0, 'the source told of the changes');
  });

  it('after a restart a node removes its objects for Services it no longer advertises, and only its own', async () => {
    // node1 gets the exclude label while its speaker is down; the restarted speaker plans nothing.
    cp.kubectl(['label', 'node', 'node1', 'node.kubernetes.io/exclude-from-external-load-balancers=true']);
    const planned = await eventually(async () => {
      const p = await plans();
      return p.get('node1')?.size === 0 ? p : undefined;
    }, 'node1 excluded');
    const restarted = reporters('node1');
    restarted.bgp.apply(planned.get('node1') ?? new Map());
    await restarted.bgp.removeStale();
    await idle();
    assert.deepEqual(
      bgpStatuses().map((s) => `${s.node} ${s.service}`),
      ['node3 default/web'],
    );
  });

  it('ServiceL2Status: interfaces in status, same labels, removed when withdrawn', async () => {
    const w = reporters('node3');
    w.l2.apply(
      new Map([['default/web', { service: 'default/web', ips: ['10.30.0.1'], interfaces: ['eth1'] }]]),
    );
    await idle();
    const [l2] = getJson<{ items: StatusObject[] }>(cp, [
      'servicel2statuses',
      '-n',
      NAMESPACE,
      '-l',
      'metallb.io/node=node3',
    ]).items;
    assert.ok(l2);
    assert.deepEqual(l2.status, {
      node: 'node3',
      serviceName: 'web',
      serviceNamespace: 'default',
      interfaces: [{ name: 'eth1' }],
    });
    assert.equal(l2.metadata.labels?.['metallb.io/service-name'], 'web');
    w.l2.apply(new Map());
    await idle();
    assert.deepEqual(getJson<{ items: unknown[] }>(cp, ['servicel2statuses', '-n', NAMESPACE]).items, []);
    assert.deepEqual(writeErrors, []);
  });

  it('least privilege: the speaker cannot write status objects outside its namespace, nor Services', async () => {
    const refused = async (
      path: string,
      body: unknown,
      method: 'POST' | 'PATCH' = 'POST',
    ): Promise<number> => {
      try {
        await rest.request({ method, path, body });
        return 200;
      } catch (e) {
        return e instanceof KubeApiError ? e.status : -1;
      }
    };
    const status = {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'ServiceBGPStatus',
      metadata: { name: 'elsewhere', namespace: 'default' },
    };
    assert.equal(
      await refused('/apis/metallb.io/v1beta1/namespaces/default/servicebgpstatuses', status),
      403,
    );
    assert.equal(
      await refused(
        '/api/v1/namespaces/default/services/web/status',
        { status: { loadBalancer: {} } },
        'PATCH',
      ),
      403,
    );
  });
});
