// Cheap sanity checks of the manifests under deploy/: every document parses, namespaced objects
// live in metallb-system, the speaker runs on the host network with the ports and capabilities
// it needs, RBAC grants each agent what it reads and writes and the speaker nothing more,
// kustomization.yaml lists every manifest and sets the image, and the Containerfile's claims that
// hold without building it. (test/integration/k8s-deploy.test.ts applies it all to an apiserver.)
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { main } from '../../src/cli/main.js';
import { buildAllCrds, CRD_DIR, generateCrdFiles } from '../../src/core/config/crd/index.js';
import { FRRK8S_GROUP, KINDS, METALLB_GROUP, STATUS_KINDS } from '../../src/core/config/kinds.js';

const ROOT = join(import.meta.dirname, '..', '..');
const NS = 'metallb-system';
const allCrds = buildAllCrds();
const KUSTOMIZATION = 'kustomization.yaml';
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  engines: { node: string };
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Every YAML document under deploy/ (but the kustomization), parsed as kubectl would. */
function deployDocuments(): { file: string; doc: Record<string, unknown> }[] {
  const out: { file: string; doc: Record<string, unknown> }[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.yaml') && name !== KUSTOMIZATION) {
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
  securityContext?: { runAsUser?: number; capabilities?: { add?: string[]; drop?: string[] } };
  volumeMounts?: { name: string; mountPath: string }[];
  livenessProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string } };
}
interface PodSpec {
  hostNetwork?: boolean;
  securityContext?: { runAsUser?: number; runAsNonRoot?: boolean };
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

  it('the speaker DaemonSet: hostNetwork, capabilities, node name, ports 7472 and 7946/tcp+udp, gossip key, control-plane toleration', () => {
    const ds = find('DaemonSet', 'speaker') as Workload | undefined;
    assert.ok(ds, 'no DaemonSet speaker');
    const pod = ds.spec.template.spec;
    assert.equal(pod.hostNetwork, true);
    const c = pod.containers[0]!;
    assert.equal(c.image, 'ghcr.io/herald-lb/herald:0.1.0');
    assert.equal(c.args[0], 'speaker');
    assert.ok(c.args.includes('--node-name=$(NODE_NAME)'));
    assert.equal(c.env?.find((e) => e.name === 'NODE_NAME')?.valueFrom?.fieldRef?.fieldPath, 'spec.nodeName');
    assert.deepEqual(c.securityContext?.capabilities?.add?.slice().sort(), [
      'NET_ADMIN',
      'NET_RAW',
      'SYS_NICE',
    ]);
    assert.deepEqual(c.securityContext.capabilities.drop, ['ALL']);
    // Added capabilities are effective only for root (no ambient capabilities in Kubernetes), and
    // the image's default user is not root.
    assert.equal(c.securityContext.runAsUser, 0);
    assert.deepEqual(
      c.ports?.map((p) => `${p.containerPort}/${p.protocol}`),
      ['7472/TCP', '7946/TCP', '7946/UDP'],
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

  it('RBAC: bindings name roles and ServiceAccounts that exist; no rule uses a wildcard', () => {
    for (const { doc } of docs.filter(
      (d) => d.doc.kind === 'ClusterRoleBinding' || d.doc.kind === 'RoleBinding',
    )) {
      const ref = doc.roleRef as { kind: string; name: string };
      assert.ok(find(ref.kind, ref.name), `${ref.kind} ${ref.name}`);
      for (const s of doc.subjects as { name: string }[]) assert.ok(find('ServiceAccount', s.name), s.name);
    }
    for (const { doc } of docs.filter((d) => d.doc.kind === 'ClusterRole' || d.doc.kind === 'Role')) {
      for (const rule of doc.rules as Rule[]) {
        const fields = [...rule.apiGroups, ...rule.resources, ...rule.verbs];
        assert.ok(!fields.some((f) => f.includes('*')), JSON.stringify(rule));
      }
    }
  });

  it("the speaker's RBAC is exactly what it reads and writes: it writes only its status objects, Events and its FRRConfiguration", () => {
    const read = ['get', 'list', 'watch'];
    const write = ['create', 'update', 'patch', 'delete'];
    const configKinds = KINDS.filter((k) => k.crd && k.group === METALLB_GROUP).map((k) => k.plural);
    const statusKinds = STATUS_KINDS.map((k) => k.plural);
    const expected = [
      ...grantRows('cluster', '', ['services', 'nodes', 'namespaces'], read),
      ...grantRows('cluster', 'discovery.k8s.io', ['endpointslices'], read),
      ...grantRows('cluster', '', ['events'], ['create', 'patch']),
      ...grantRows(NS, METALLB_GROUP, configKinds, read),
      ...grantRows(NS, METALLB_GROUP, statusKinds, [...read, ...write]),
      ...grantRows(
        NS,
        METALLB_GROUP,
        statusKinds.map((p) => `${p}/status`),
        ['get', 'update', 'patch'],
      ),
      // The FRR-K8s backend: server-side apply (patch; create when absent) and delete, no update.
      ...grantRows(NS, FRRK8S_GROUP, ['frrconfigurations'], [...read, 'create', 'patch', 'delete']),
      ...grantRows(NS, '', ['secrets'], read),
    ].sort();
    assert.deepEqual(grantsOf(docs, 'speaker'), expected);
  });

  it('the controller may do what it does: read the configuration, write Service status, pool status, Events, its Lease', () => {
    const grants = new Set(grantsOf(docs, 'controller'));
    const needed = [
      ...grantRows('cluster', '', ['services', 'namespaces'], ['get', 'list', 'watch']),
      ...grantRows('cluster', '', ['services', 'services/status'], ['update', 'patch']),
      ...grantRows('cluster', '', ['events'], ['create', 'patch']),
      ...grantRows(
        NS,
        METALLB_GROUP,
        KINDS.filter((k) => k.crd && k.group === METALLB_GROUP).map((k) => k.plural),
        ['get', 'list', 'watch'],
      ),
      ...grantRows(NS, METALLB_GROUP, ['ipaddresspools/status'], ['update', 'patch']),
      ...grantRows(NS, '', ['secrets'], ['get', 'list', 'watch', 'create']),
      ...grantRows(NS, 'coordination.k8s.io', ['leases'], ['get', 'create', 'update']),
    ];
    assert.deepEqual(
      needed.filter((n) => !grants.has(n)),
      [],
    );
    assert.ok(![...grants].some((g) => g.endsWith(' delete')), 'the controller deletes nothing');
  });

  it('every CRD of deploy/crds/ is read by an agent', () => {
    const granted = [...grantsOf(docs, 'speaker'), ...grantsOf(docs, 'controller')];
    for (const crd of allCrds) {
      const resource = `${crd.spec.group}/${crd.spec.names.plural}`;
      assert.ok(
        granted.some((g) => g.includes(` ${resource} `) && g.endsWith(' list')),
        resource,
      );
    }
  });
});

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** `scope group/resource verb` rows (scope: "cluster" or a namespace). */
function grantRows(scope: string, group: string, resources: string[], verbs: string[]): string[] {
  return resources.flatMap((r) => verbs.map((v) => `${scope} ${group}/${r} ${v}`));
}

/** Every grant of a ServiceAccount of metallb-system, through its bindings, as sorted rows. */
function grantsOf(docs: { doc: Record<string, unknown> }[], account: string): string[] {
  const rows = new Set<string>();
  const role = (kind: string, name: string, namespace?: string) =>
    docs.find((d) => {
      const meta = d.doc.metadata as { name: string; namespace?: string };
      return d.doc.kind === kind && meta.name === name && (kind !== 'Role' || meta.namespace === namespace);
    })?.doc;
  for (const { doc } of docs) {
    if (doc.kind !== 'ClusterRoleBinding' && doc.kind !== 'RoleBinding') continue;
    const subjects = doc.subjects as { kind: string; name: string; namespace?: string }[];
    if (!subjects.some((s) => s.kind === 'ServiceAccount' && s.name === account && s.namespace === NS))
      continue;
    const ref = doc.roleRef as { kind: string; name: string };
    const namespace = (doc.metadata as { namespace?: string }).namespace;
    const scope = doc.kind === 'ClusterRoleBinding' ? 'cluster' : (namespace ?? '');
    for (const rule of (role(ref.kind, ref.name, namespace)?.rules ?? []) as Rule[]) {
      const named = rule.resourceNames ? `[${rule.resourceNames.join(',')}]` : '';
      for (const group of rule.apiGroups)
        for (const row of grantRows(scope, group, rule.resources, rule.verbs)) rows.add(row + named);
    }
  }
  return [...rows].sort();
}

describe('deploy/kustomization.yaml', () => {
  const kustomization = parseYaml(readFileSync(join(ROOT, 'deploy', KUSTOMIZATION), 'utf8')) as {
    resources: string[];
    images: { name: string; newName?: string; newTag: string }[];
  };

  it('lists every manifest under deploy/: the generated CRDs, daemonset.yaml, webhooks.yaml', () => {
    const crdFiles = generateCrdFiles().map((f) => f.path.slice('deploy/'.length));
    assert.deepEqual(kustomization.resources, [...crdFiles, 'daemonset.yaml', 'webhooks.yaml']);
    const onDisk = [
      ...readdirSync(join(ROOT, CRD_DIR)).map((f) => `crds/${f}`),
      ...readdirSync(join(ROOT, 'deploy')),
    ].filter((f) => f.endsWith('.yaml') && f !== KUSTOMIZATION);
    assert.deepEqual(onDisk.sort(), [...kustomization.resources].sort());
  });

  it("sets the one image every workload runs, tagged with package.json's version", () => {
    const [image, ...others] = kustomization.images;
    assert.deepEqual(others, []);
    assert.equal(image?.newTag, pkg.version);
    const name = image.newName ?? image.name;
    const containers = deployDocuments()
      .filter((d) => d.doc.kind === 'Deployment' || d.doc.kind === 'DaemonSet')
      .flatMap((d) => (d.doc as Workload).spec.template.spec.containers);
    assert.ok(containers.length >= 2);
    // The manifests name the same image, so `kubectl apply -f` runs it too.
    for (const c of containers) assert.equal(c.image, `${image.name}:${pkg.version}`, c.name);
    assert.equal(name, image.name);
  });
});

/** The Containerfile's instructions (continuations joined, comments dropped), by stage. */
function containerfile(): { instruction: string; args: string }[][] {
  const text = readFileSync(join(ROOT, 'Containerfile'), 'utf8').replace(/\\\n/g, ' ');
  const stages: { instruction: string; args: string }[][] = [[]];
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
    if (!match || line.trimStart().startsWith('#')) continue;
    const step = { instruction: match[1]!, args: match[2]!.replace(/\s+/g, ' ').trim() };
    if (step.instruction === 'FROM') stages.push([]);
    stages.at(-1)!.push(step);
  }
  return stages;
}

/** Whether .dockerignore (podman reads it too) keeps `path` out of the build context. */
function ignored(path: string): boolean {
  const patterns = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const parts = path.replace(/\/$/, '').split('/');
  return patterns.some((pattern) => {
    const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
    return parts.some((_, i) => re.test(parts.slice(0, i + 1).join('/')));
  });
}

describe('Containerfile', () => {
  const [args = [], build = [], runtime = []] = containerfile();
  const copies = (stage: { instruction: string; args: string }[]) =>
    stage
      .filter((s) => s.instruction === 'COPY')
      .map((s) => {
        const words = s.args.split(' ');
        const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
        const paths = words.filter((w) => !w.startsWith('--'));
        return { from, sources: paths.slice(0, -1), target: paths.at(-1)! };
      });

  it('builds on Node 20 (Debian bookworm), the major package.json engines and @types/node name', () => {
    const image = /^NODE_IMAGE=(\S+)$/.exec(args.find((s) => s.instruction === 'ARG')?.args ?? '')?.[1];
    assert.match(image ?? '', /(^|\/)node:(\d+)-bookworm-slim$/);
    const major = /node:(\d+)-/.exec(image ?? '')?.[1];
    assert.equal(major, /(\d+)/.exec(pkg.engines.node)?.[1]);
    assert.equal(major, /(\d+)/.exec(pkg.devDependencies['@types/node'] ?? '')?.[1]);
    assert.equal(build[0]?.args, '${NODE_IMAGE} AS build');
    assert.equal(runtime[0]?.args, '${NODE_IMAGE}');
  });

  it('the build stage has a compiler and Python for node-gyp, and runs npm ci, npm run build, npm prune --omit=dev in order', () => {
    const runs = build.filter((s) => s.instruction === 'RUN').map((s) => s.args);
    assert.ok(runs.some((r) => /apt-get install .*\bbuild-essential\b/.test(r) && /\bpython3\b/.test(r)));
    const order = ['npm ci', 'npm run build', 'npm prune --omit=dev'].map((c) =>
      runs.findIndex((r) => r.includes(c)),
    );
    assert.ok(order.every((i) => i >= 0) && order[0]! < order[1]! && order[1]! <= order[2]!, String(order));
  });

  it('the build stage copies what `npm run build` reads, from paths that exist and .dockerignore keeps', () => {
    const sources = copies(build).flatMap((c) => c.sources);
    for (const source of sources) {
      assert.ok(existsSync(join(ROOT, source)), `${source} does not exist`);
      assert.ok(!ignored(source), `${source} is excluded by .dockerignore`);
    }
    const copied = (path: string) =>
      sources.some((s) => path === s || path.startsWith(s.endsWith('/') ? s : `${s}/`));
    const script = pkg.scripts.build ?? '';
    const files = [...script.matchAll(/(\S+\.(?:json|mjs))/g)].map((m) => m[1]!);
    assert.ok(files.length >= 2, script);
    for (const file of [...files, 'tsconfig.json', 'package-lock.json', 'src/cli/main.ts', 'bin/herald'])
      assert.ok(copied(file), `${file} is not copied into the build stage`);
    for (const addon of readdirSync(join(ROOT, 'native')))
      assert.ok(copied(`native/${addon}/binding.gyp`), addon);
    // The image builds its own dependencies, dist/ and addons, not the host's.
    for (const path of ['node_modules', 'dist', 'native/af_packet/build']) assert.ok(ignored(path), path);
  });

  it('the runtime stage has package.json, dist/, production node_modules, bin/herald and every addon the code loads', (t) => {
    const runtimeCopies = copies(runtime);
    const workdir = runtime.find((s) => s.instruction === 'WORKDIR')?.args;
    assert.equal(workdir, '/app');
    const fromBuild = runtimeCopies.filter((c) => c.from === 'build');
    assert.deepEqual(
      runtimeCopies.filter((c) => c.from !== 'build'),
      [],
      'the runtime stage takes everything from the build stage',
    );
    const paths = fromBuild.flatMap((c) => c.sources.map((s) => s.replace(/^\/app\//, '')));
    for (const p of ['package.json', 'node_modules/', 'dist/', 'bin/herald']) assert.ok(paths.includes(p), p);
    // Each source lands at the same path under /app.
    for (const c of fromBuild) {
      for (const s of c.sources) {
        const rel = s.replace(/^\/app\//, '');
        const dir = rel.endsWith('/') ? rel : rel.slice(0, rel.lastIndexOf('/') + 1);
        assert.equal(c.target, rel.endsWith('/') ? rel : dir || './', `COPY ${s} ${c.target}`);
      }
    }
    const loaded = new Set<string>();
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.ts'))
          for (const m of readFileSync(path, 'utf8').matchAll(/'(?:\.\.\/)+(native\/[^']+\.node)'/g))
            loaded.add(m[1]!);
      }
    };
    walk(join(ROOT, 'src'));
    assert.ok(loaded.size >= 2, [...loaded].join());
    for (const addon of loaded) assert.ok(paths.includes(addon), `${addon} is not in the image`);
    if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
      t.skip('dist/ is not built: run npm run build');
      return;
    }
    for (const p of paths) assert.ok(existsSync(join(ROOT, p)), `${p} does not exist after npm run build`);
  });

  it("runs bin/herald as a non-root user by default; the ports it exposes are the workloads'", () => {
    const entrypoint = runtime.find((s) => s.instruction === 'ENTRYPOINT')?.args ?? '';
    assert.deepEqual(JSON.parse(entrypoint), ['/app/bin/herald']);
    assert.ok(statSync(join(ROOT, 'bin', 'herald')).mode & 0o111, 'bin/herald is executable');
    assert.match(readFileSync(join(ROOT, 'bin', 'herald'), 'utf8'), /^#!\/usr\/bin\/env -S node /);
    const user = runtime.findLast((s) => s.instruction === 'USER')?.args;
    assert.equal(user, '65534:65534');
    const workloads = deployDocuments()
      .filter((d) => d.doc.kind === 'Deployment' || d.doc.kind === 'DaemonSet')
      .map((d) => d.doc as Workload);
    const controller = workloads.find((w) => w.kind === 'Deployment')?.spec.template.spec;
    assert.equal(controller?.securityContext?.runAsUser, 65534);
    const exposed = (runtime.find((s) => s.instruction === 'EXPOSE')?.args ?? '').split(' ').sort();
    const ports = [
      ...new Set(
        workloads
          .flatMap((w) => w.spec.template.spec.containers.flatMap((c) => c.ports ?? []))
          .map((p) => `${p.containerPort}/${p.protocol.toLowerCase()}`),
      ),
    ].sort();
    assert.deepEqual(exposed, ports);
  });
});
