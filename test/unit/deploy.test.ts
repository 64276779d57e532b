// Cheap sanity checks of the manifests under deploy/: every document parses, namespaced objects
// live in metallb-system, the speaker runs on the host network with the ports and capabilities
// it needs, and RBAC covers what the agents read and write.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { main } from '../../src/cli/main.js';
import { buildCrds } from '../../src/core/config/crd/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const NS = 'metallb-system';
const crds = buildCrds();

/** Every YAML document under deploy/, parsed as kubectl would. */
function deployDocuments(): { file: string; doc: Record<string, unknown> }[] {
  const out: { file: string; doc: Record<string, unknown> }[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.yaml')) {
        for (const d of parseAllDocuments(readFileSync(path, 'utf8'))) {
          assert.deepEqual('errors' in d ? d.errors : [], [], path);
          const doc = d.toJS() as Record<string, unknown> | null;
          if (doc) out.push({ file: path, doc });
        }
      }
    }
  };
  walk(join(ROOT, 'deploy'));
  return out;
}

interface Container {
  name: string;
  image: string;
  args: string[];
  env?: { name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  ports?: { containerPort: number; protocol: string }[];
  securityContext?: { capabilities?: { add?: string[] } };
  volumeMounts?: { name: string; mountPath: string }[];
  livenessProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string } };
}
interface PodSpec {
  hostNetwork?: boolean;
  serviceAccountName: string;
  containers: Container[];
  tolerations?: { key: string }[];
  volumes?: { name: string; secret?: { secretName: string } }[];
}
type Workload = {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: { template: { spec: PodSpec } };
};

describe('deploy/ manifests', () => {
  const docs = deployDocuments();
  const find = (kind: string, name: string) =>
    docs.find((d) => d.doc.kind === kind && (d.doc.metadata as { name: string }).name === name)?.doc;

  it('every document is a named Kubernetes object; namespaced ones live in metallb-system', () => {
    const clusterScoped = new Set([
      'Namespace',
      'ClusterRole',
      'ClusterRoleBinding',
      'CustomResourceDefinition',
      'ValidatingWebhookConfiguration',
    ]);
    for (const { file, doc } of docs) {
      const meta = doc.metadata as { name?: string; namespace?: string };
      const kind = typeof doc.kind === 'string' ? doc.kind : '';
      assert.ok(typeof doc.apiVersion === 'string' && kind && meta.name, file);
      if (!clusterScoped.has(kind)) assert.equal(meta.namespace, NS, `${file}: ${kind} ${meta.name ?? ''}`);
    }
  });

  it('the speaker DaemonSet: hostNetwork, capabilities, node name, ports 7472 and 7946/tcp, gossip key, control-plane toleration', () => {
    const ds = find('DaemonSet', 'speaker') as Workload | undefined;
    assert.ok(ds, 'no DaemonSet speaker');
    const pod = ds.spec.template.spec;
    assert.equal(pod.hostNetwork, true);
    const c = pod.containers[0]!;
    assert.equal(c.image, 'ghcr.io/herald-lb/herald:0.1.0');
    assert.equal(c.args[0], 'speaker');
    assert.ok(c.args.includes('--node-name=$(NODE_NAME)'));
    assert.equal(c.env?.find((e) => e.name === 'NODE_NAME')?.valueFrom?.fieldRef?.fieldPath, 'spec.nodeName');
    assert.deepEqual(c.securityContext?.capabilities?.add?.slice().sort(), ['NET_ADMIN', 'NET_RAW']);
    assert.deepEqual(
      c.ports?.map((p) => `${p.containerPort}/${p.protocol}`),
      ['7472/TCP', '7946/TCP'],
    );
    const keyFile = c.args.find((a) => a.startsWith('--gossip-key-file='))?.split('=')[1];
    const mount = c.volumeMounts?.find((m) => keyFile?.startsWith(`${m.mountPath}/`));
    assert.equal(pod.volumes?.find((v) => v.name === mount?.name)?.secret?.secretName, 'memberlist');
    assert.ok(pod.tolerations?.some((t) => t.key === 'node-role.kubernetes.io/control-plane'));
  });

  it("the speaker's probes use /healthz and /readyz, and every flag it passes is one `herald speaker` has", async () => {
    const c = (find('DaemonSet', 'speaker') as Workload | undefined)?.spec.template.spec.containers[0];
    assert.ok(c, 'no speaker container');
    assert.equal(c.livenessProbe?.httpGet?.path, '/healthz');
    assert.equal(c.readinessProbe?.httpGet?.path, '/readyz');
    const help: string[] = [];
    await main(['speaker', '--help'], { out: (t) => help.push(t), err: () => undefined });
    for (const flag of c.args.filter((a) => a.startsWith('--')).map((a) => a.split('=')[0] ?? a))
      assert.ok(help.join('').includes(`${flag} `), `herald speaker has no ${flag}`);
  });

  it('the controller Deployment: two replicas electing a leader, metrics on 7472, webhooks on 9443, probes, flags `herald controller` has', async () => {
    const deployment = find('Deployment', 'controller') as
      (Workload & { spec: { replicas?: number } }) | undefined;
    const c = deployment?.spec.template.spec.containers[0];
    assert.equal(c?.args[0], 'controller');
    assert.equal(deployment?.spec.replicas, 2);
    assert.ok(c.args.includes('--leader-elect'));
    assert.ok(c.args.includes('--webhook-listen=0.0.0.0:9443'));
    assert.deepEqual(
      c.ports?.map((p) => p.containerPort),
      [7472, 9443],
    );
    assert.equal(c.livenessProbe?.httpGet?.path, '/healthz');
    assert.equal(c.readinessProbe?.httpGet?.path, '/readyz');
    const help: string[] = [];
    await main(['controller', '--help'], { out: (t) => help.push(t), err: () => undefined });
    for (const flag of c.args.filter((a) => a.startsWith('--')).map((a) => a.split('=')[0] ?? a))
      assert.ok(help.join('').includes(`${flag} `), `herald controller has no ${flag}`);
  });

  it('RBAC grants what the agents read and write, to service accounts that exist', () => {
    type Rule = { apiGroups: string[]; resources: string[] };
    const granted = new Set<string>();
    for (const { doc } of docs.filter((d) => d.doc.kind === 'ClusterRole' || d.doc.kind === 'Role')) {
      for (const rule of doc.rules as Rule[])
        for (const g of rule.apiGroups) for (const r of rule.resources) granted.add(`${g}/${r}`);
    }
    const needed = [
      '/services',
      '/services/status',
      '/events',
      'discovery.k8s.io/endpointslices',
      '/nodes',
      '/namespaces',
      '/secrets',
      '/configmaps',
      'coordination.k8s.io/leases',
      'frrk8s.metallb.io/frrconfigurations',
      'metallb.io/ipaddresspools/status',
    ];
    for (const crd of crds) needed.push(`${crd.spec.group}/${crd.spec.names.plural}`);
    assert.deepEqual(
      needed.filter((n) => !granted.has(n)),
      [],
    );
    for (const { doc } of docs.filter(
      (d) => d.doc.kind === 'ClusterRoleBinding' || d.doc.kind === 'RoleBinding',
    )) {
      const ref = doc.roleRef as { kind: string; name: string };
      assert.ok(find(ref.kind, ref.name), `${ref.kind} ${ref.name}`);
      for (const s of doc.subjects as { name: string }[]) assert.ok(find('ServiceAccount', s.name), s.name);
    }
  });
});
