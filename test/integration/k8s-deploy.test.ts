// deploy/ installs: `kubectl apply --server-side -k deploy/` on a real kube-apiserver (RBAC
// enforced) creates every object kustomize renders, with the image kustomization.yaml sets; the
// CRDs become Established and serve the speaker's status objects; and the RBAC is proven with the
// agents' own ServiceAccount tokens: the speaker writes only its status objects and Events, the
// controller writes Service status but deletes nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { startControlPlane, type ControlPlane } from '../support/k8s/control-plane.js';
import { NAMESPACE, serviceAccountToken } from '../support/k8s/cluster.js';

const DEPLOY = join(import.meta.dirname, '../../deploy');

interface ObjectRef {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

const refOf = (o: ObjectRef): string =>
  `${o.apiVersion} ${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

describe('deploy/ on a real kube-apiserver', { timeout: 180_000 }, () => {
  let cp: ControlPlane;
  let rendered: ObjectRef[] = [];
  let renderedYaml = '';
  const tokens = new Map<string, string>();

  /** `kubectl auth can-i` under a ServiceAccount's own token: true (yes) or false (no). */
  const canI = (account: string, args: readonly string[]): boolean => {
    const token = tokens.get(account) ?? serviceAccountToken(cp, account);
    tokens.set(account, token);
    const run = spawnSync(
      cp.kubectlPath,
      ['--kubeconfig', cp.kubeconfig(token, account), 'auth', 'can-i', ...args],
      { encoding: 'utf8' },
    );
    if (run.status === 0 || run.status === 1) return run.status === 0;
    throw new Error(`kubectl auth can-i ${args.join(' ')}: ${run.stderr}`);
  };
  /** kubectl under a ServiceAccount's token; the error text when it fails. */
  const asAccount = (account: string, args: readonly string[], input?: string): string | undefined => {
    try {
      cp.kubectl(args, { token: tokens.get(account) ?? serviceAccountToken(cp, account), input });
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  };

  before(async () => {
    cp = await startControlPlane();
  });
  after(async () => {
    await cp.stop();
  });

  it('kubectl kustomize renders every manifest, with the image of kustomization.yaml on every workload', () => {
    renderedYaml = cp.kubectl(['kustomize', DEPLOY]);
    rendered = parseAllDocuments(renderedYaml)
      .map((d) => d.toJS() as ObjectRef | null)
      .filter((o): o is ObjectRef => o !== null);
    const kinds = new Set(rendered.map((o) => o.kind));
    for (const kind of [
      'Namespace',
      'CustomResourceDefinition',
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'Role',
      'RoleBinding',
      'Deployment',
      'DaemonSet',
      'Service',
      'ValidatingWebhookConfiguration',
    ])
      assert.ok(kinds.has(kind), kind);
    const crds = rendered.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name);
    for (const crd of [
      'servicel2statuses.metallb.io',
      'servicebgpstatuses.metallb.io',
      'bgppeers.metallb.io',
    ])
      assert.ok(crds.includes(crd), crd);
    const images = rendered
      .filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet')
      .flatMap((o) => (o as Workload).spec.template.spec.containers.map((c) => c.image));
    assert.equal(images.length, 2);
    assert.deepEqual([...new Set(images)], ['ghcr.io/herald-lb/herald:0.1.0']);
  });

  it('kubectl apply --server-side -k deploy/ creates every object; the CRDs are Established; applying again conflicts with nothing', () => {
    assert.ok(rendered.length > 0, 'kustomize rendered nothing');
    cp.kubectl(['apply', '--server-side', '-k', DEPLOY]);
    const crds = rendered
      .filter((o) => o.kind === 'CustomResourceDefinition')
      .map((o) => `crd/${o.metadata.name}`);
    cp.kubectl(['wait', '--for=condition=Established', '--timeout=30s', ...crds]);
    const live = JSON.parse(cp.kubectl(['get', '-f', '-', '-o', 'json'], { input: renderedYaml })) as {
      items: ObjectRef[];
    };
    assert.deepEqual(live.items.map(refOf).sort(), rendered.map(refOf).sort());
    for (const crd of live.items.filter((o) => o.kind === 'CustomResourceDefinition')) {
      const conditions = (crd as { status?: { conditions?: { type: string; status: string }[] } }).status
        ?.conditions;
      assert.equal(conditions?.find((c) => c.type === 'Established')?.status, 'True', crd.metadata.name);
      assert.equal(conditions.find((c) => c.type === 'NamesAccepted')?.status, 'True', crd.metadata.name);
    }
    // Idempotent, and no field is owned by anyone else (no conflict to force).
    const again = cp.kubectl(['apply', '--server-side', '-k', DEPLOY]);
    assert.match(again, /serverside-applied/);
  });

  it("the speaker may read what it announces and write its status objects and Events (its own token's view)", () => {
    const inNs = ['-n', NAMESPACE];
    const yes: string[][] = [
      ['list', 'services', '-A'],
      ['watch', 'services', '-A'],
      ['list', 'endpointslices.discovery.k8s.io', '-A'],
      ['watch', 'nodes'],
      ['list', 'namespaces'],
      ['create', 'events', '-n', 'default'],
      ['patch', 'events', '-n', 'team-a'],
      ['watch', 'ipaddresspools.metallb.io', ...inNs],
      ['list', 'l2advertisements.metallb.io', ...inNs],
      ['list', 'bgppeers.metallb.io', ...inNs],
      ['list', 'bfdprofiles.metallb.io', ...inNs],
      ['list', 'communities.metallb.io', ...inNs],
      ['list', 'bgpadvertisements.metallb.io', ...inNs],
      ['watch', 'frrconfigurations.frrk8s.metallb.io', ...inNs],
      ['create', 'frrconfigurations.frrk8s.metallb.io', ...inNs],
      ['patch', 'frrconfigurations.frrk8s.metallb.io', ...inNs],
      ['delete', 'frrconfigurations.frrk8s.metallb.io', ...inNs],
      ['get', 'secrets', ...inNs],
      ['watch', 'secrets', ...inNs],
      ...['create', 'get', 'list', 'watch', 'update', 'patch', 'delete'].flatMap((verb) => [
        [verb, 'servicel2statuses.metallb.io', ...inNs],
        [verb, 'servicebgpstatuses.metallb.io', ...inNs],
      ]),
      ['patch', 'servicel2statuses.metallb.io', '--subresource=status', ...inNs],
      ['update', 'servicebgpstatuses.metallb.io', '--subresource=status', ...inNs],
    ];
    const no: string[][] = [
      ['update', 'services', '-n', 'default'],
      ['patch', 'services', '-n', 'default'],
      ['patch', 'services', '--subresource=status', '-n', 'default'],
      ['update', 'services', '--subresource=status', '-n', 'default'],
      ['delete', 'services', '-n', 'default'],
      ['create', 'secrets', ...inNs],
      ['update', 'secrets', ...inNs],
      ['delete', 'secrets', ...inNs],
      ['get', 'secrets', '-n', 'default'],
      ['get', 'leases.coordination.k8s.io', ...inNs],
      ['create', 'leases.coordination.k8s.io', ...inNs],
      ['update', 'leases.coordination.k8s.io', ...inNs],
      ['update', 'nodes'],
      ['patch', 'nodes', '--subresource=status'],
      ['get', 'configmaps', ...inNs],
      ['create', 'ipaddresspools.metallb.io', ...inNs],
      ['patch', 'ipaddresspools.metallb.io', '--subresource=status', ...inNs],
      ['update', 'bgppeers.metallb.io', ...inNs],
      ['update', 'frrconfigurations.frrk8s.metallb.io', ...inNs],
      ['create', 'frrconfigurations.frrk8s.metallb.io', '-n', 'default'],
      ['create', 'servicel2statuses.metallb.io', '-n', 'default'],
      ['list', 'servicel2statuses.metallb.io', '-A'],
      ['update', 'events', '-n', 'default'],
      ['delete', 'events', '-n', 'default'],
      ['create', 'events.events.k8s.io', '-n', 'default'],
      ['create', 'pods', ...inNs],
      ['update', 'customresourcedefinitions.apiextensions.k8s.io'],
      ['*', '*'],
    ];
    assert.deepEqual(
      yes.filter((args) => !canI('speaker', args)).map((a) => a.join(' ')),
      [],
      'refused to the speaker',
    );
    assert.deepEqual(
      no.filter((args) => canI('speaker', args)).map((a) => a.join(' ')),
      [],
      'allowed to the speaker',
    );
  });

  it("the speaker's whole list of rights (kubectl auth can-i --list): reads, and writes only to its status objects, Events and FRRConfigurations", () => {
    const token = tokens.get('speaker') ?? serviceAccountToken(cp, 'speaker');
    const rights = (namespace: string): Record<string, string> => {
      const table = cp.kubectl(['auth', 'can-i', '--list', '-n', namespace, '--no-headers'], { token });
      const out: Record<string, string> = {};
      for (const line of table.split('\n')) {
        // Resource rows (non-resource URL rows start with blanks); self-reviews every user has.
        const m = /^(\S+)\s+\[[^\]]*\]\s+\[[^\]]*\]\s+\[([^\]]*)\]/.exec(line);
        if (m && !/^self\w+reviews\./.test(m[1] ?? ''))
          out[m[1] ?? ''] = (m[2] ?? '').split(' ').sort().join(' ');
      }
      return out;
    };
    const read = 'get list watch';
    const statusObject = 'create delete get list patch update watch';
    const clusterWide = {
      events: 'create patch',
      services: read,
      nodes: read,
      namespaces: read,
      'endpointslices.discovery.k8s.io': read,
    };
    assert.deepEqual(rights(NAMESPACE), {
      ...clusterWide,
      'ipaddresspools.metallb.io': read,
      'addresspools.metallb.io': read,
      'l2advertisements.metallb.io': read,
      'bgpadvertisements.metallb.io': read,
      'bgppeers.metallb.io': read,
      'bfdprofiles.metallb.io': read,
      'communities.metallb.io': read,
      'frrconfigurations.frrk8s.metallb.io': 'create delete get list patch watch',
      secrets: read,
      'servicel2statuses.metallb.io': statusObject,
      'servicebgpstatuses.metallb.io': statusObject,
      'servicel2statuses.metallb.io/status': 'get patch update',
      'servicebgpstatuses.metallb.io/status': 'get patch update',
    });
    // Elsewhere, only the cluster-wide rights.
    assert.deepEqual(rights('default'), clusterWide);
  });

  it("the speaker writes a ServiceL2Status and its status with its own token; MetalLB's columns show it; node and Service cannot change; it cannot touch a Service", () => {
    cp.kubectl(['create', 'namespace', 'team-a']);
    cp.kubectl(['create', 'service', 'loadbalancer', 'web', '--tcp=80:8080', '-n', 'team-a']);
    const object = {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'ServiceL2Status',
      metadata: { name: 'l2-web', namespace: NAMESPACE },
      spec: {},
    };
    assert.equal(asAccount('speaker', ['create', '-f', '-'], JSON.stringify(object)), undefined);
    const status = {
      node: 'node1',
      serviceName: 'web',
      serviceNamespace: 'team-a',
      interfaces: [{ name: 'eth0' }],
    };
    const patchStatus = (s: Record<string, unknown>) =>
      asAccount('speaker', [
        'patch',
        'servicel2statuses.metallb.io',
        'l2-web',
        '-n',
        NAMESPACE,
        '--subresource=status',
        '--type=merge',
        '-p',
        JSON.stringify({ status: s }),
      ]);
    assert.equal(patchStatus(status), undefined);
    assert.equal(patchStatus({ interfaces: [{ name: 'eth0' }, { name: 'eth1' }] }), undefined);
    assert.match(patchStatus({ node: 'node2' }) ?? '', /node is immutable/);
    const table = cp.kubectl(['get', 'servicel2statuses.metallb.io', '-n', NAMESPACE]);
    assert.match(table, /ALLOCATED NODE\s+SERVICE NAME\s+SERVICE NAMESPACE/);
    assert.match(table, /l2-web\s+node1\s+web\s+team-a/);

    const bgp = { ...object, kind: 'ServiceBGPStatus', metadata: { name: 'bgp-web', namespace: NAMESPACE } };
    assert.equal(asAccount('speaker', ['create', '-f', '-'], JSON.stringify(bgp)), undefined);
    assert.equal(
      asAccount('speaker', ['delete', 'servicebgpstatuses.metallb.io', 'bgp-web', '-n', NAMESPACE]),
      undefined,
    );

    const forbidden = asAccount('speaker', [
      'patch',
      'service',
      'web',
      '-n',
      'team-a',
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: { loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } } }),
    ]);
    assert.match(forbidden ?? '', /forbidden/i);
    assert.match(
      asAccount('speaker', ['label', 'service', 'web', '-n', 'team-a', 'x=y']) ?? '',
      /forbidden/i,
    );
  });

  it('the controller may write Service status, pool status, Events and its Lease, and may not delete Services', () => {
    const inNs = ['-n', NAMESPACE];
    const yes: string[][] = [
      ['patch', 'services', '--subresource=status', '-n', 'default'],
      ['update', 'services', '--subresource=status', '-n', 'default'],
      ['patch', 'services', '-n', 'default'],
      ['watch', 'namespaces'],
      ['create', 'events', '-n', 'default'],
      ['patch', 'ipaddresspools.metallb.io', '--subresource=status', ...inNs],
      ['list', 'bgppeers.metallb.io', ...inNs],
      ['create', 'secrets', ...inNs],
      ['update', 'leases.coordination.k8s.io', ...inNs],
    ];
    const no: string[][] = [
      ['delete', 'services', '-n', 'default'],
      ['create', 'services', '-n', 'default'],
      ['delete', 'secrets', ...inNs],
      ['update', 'nodes'],
      ['create', 'servicel2statuses.metallb.io', ...inNs],
      ['update', 'ipaddresspools.metallb.io', ...inNs],
      ['create', 'secrets', '-n', 'default'],
    ];
    assert.deepEqual(
      yes.filter((args) => !canI('controller', args)).map((a) => a.join(' ')),
      [],
      'refused to the controller',
    );
    assert.deepEqual(
      no.filter((args) => canI('controller', args)).map((a) => a.join(' ')),
      [],
      'allowed to the controller',
    );
  });
});

interface Workload extends ObjectRef {
  spec: { template: { spec: { containers: { image: string }[] } } };
}
