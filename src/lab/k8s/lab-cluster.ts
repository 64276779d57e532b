// `herald lab up --k8s`: the lab's control-plane node. etcd, kube-apiserver (from the cached build
// the test harness uses) and `herald controller` run detached in the namespace `<prefix>cp`,
// attached to the lab bridge like any node: the speakers reach the API at https://10.77.0.3:6443
// over the lab network, each under its own ServiceAccount token, as in a cluster. The apiserver
// listens inside that namespace only; the host talks to it with `herald lab kubectl`, which runs
// the cached kubectl in the namespace. deploy/ is installed as a user would, its webhooks pointed
// at the controller on the namespace's loopback (no Service networking in the lab).
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabHost, LabTopology } from '../topology.js';
import { netnsExec, processAlive, startInNamespace, stateDir } from '../system.js';
import {
  apiserverArgs,
  etcdArgs,
  kubernetesBinaries,
  webhookUrlPatches,
  writeControlPlaneFiles,
  writeKubeconfig,
} from './control-plane.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HERALD = join(ROOT, 'bin', 'herald');
export const LAB_API_PORT = 6443;
const ETCD_CLIENT_PORT = 2379;
const ETCD_PEER_PORT = 2380;
const WEBHOOK_PORT = 9443;
const NAMESPACE = 'metallb-system';
/** Tokens for the lab's components; a kubelet would rotate them, the lab lives shorter than this. */
const TOKEN_DURATION = '720h';

export interface LabKubeState {
  /** The cached Kubernetes binaries (kubectl for `herald lab kubectl`). */
  readonly bin: string;
  readonly etcd: number;
  apiserver: number;
  readonly controller: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const kubeDir = (id: string): string => join(stateDir(id), 'k8s');

/** The kubeconfig of a lab user: `admin`, `controller` or `speaker-<node>` (server 10.77.0.3). */
export const labKubeconfig = (id: string, user = 'admin'): string => join(kubeDir(id), `${user}.kubeconfig`);

/** kubectl as the lab's admin, inside the control-plane namespace; throws with kubectl's stderr. */
export function labKubectl(
  t: LabTopology,
  bin: string,
  args: readonly string[],
  options: { input?: string } = {},
): string {
  try {
    return netnsExec(
      t.controlPlane.namespace,
      [join(bin, 'kubectl'), '--kubeconfig', labKubeconfig(t.id), ...args],
      options,
    );
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`kubectl ${args.join(' ')}: ${(err.stderr ?? err.message).trim()}`, { cause: e });
  }
}

/** Starts etcd and kube-apiserver in the control-plane namespace and waits until it is ready. */
async function startApi(
  t: LabTopology,
  bin: string,
  dir: string,
): Promise<{ etcd: number; apiserver: number }> {
  const ns = t.controlPlane.namespace;
  const logs = join(stateDir(t.id), 'logs');
  const etcd = startInNamespace(
    ns,
    ['etcd', ...etcdArgs({ dir, clientPort: ETCD_CLIENT_PORT, peerPort: ETCD_PEER_PORT })],
    join(logs, 'etcd.log'),
  );
  const apiserver = startLabApiserver(t, bin);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!processAlive(apiserver))
      throw new Error(`kube-apiserver exited; see ${join(logs, 'apiserver.log')}`);
    try {
      if (labKubectl(t, bin, ['get', '--raw', '/readyz']).trim() === 'ok') return { etcd, apiserver };
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`kube-apiserver not ready in 60 s; see ${logs}/apiserver.log`);
    await sleep(250);
  }
}

/** kube-apiserver alone (also to restart it after `herald lab api-stop`); returns its PID. */
export function startLabApiserver(t: LabTopology, bin: string): number {
  return startInNamespace(
    t.controlPlane.namespace,
    [
      join(bin, 'kube-apiserver'),
      ...apiserverArgs({
        dir: kubeDir(t.id),
        etcdClientPort: ETCD_CLIENT_PORT,
        bindAddress: '0.0.0.0',
        advertiseAddress: t.controlPlane.ipv4,
        port: LAB_API_PORT,
      }),
    ],
    join(stateDir(t.id), 'logs', 'apiserver.log'),
  );
}

/** A Node object per lab node, Ready, with its lab addresses (the speakers' gossip seeds). */
function nodeObjects(t: LabTopology): string {
  return t.nodes
    .map(
      (n) => `apiVersion: v1
kind: Node
metadata:
  name: ${n.name}
  labels: { kubernetes.io/hostname: ${n.name}, kubernetes.io/os: linux }`,
    )
    .join('\n---\n');
}

function nodeStatusPatch(n: LabHost): string {
  return JSON.stringify({
    status: {
      addresses: [
        { type: 'InternalIP', address: n.ipv4 },
        { type: 'InternalIP', address: n.ipv6 },
        { type: 'Hostname', address: n.name },
      ],
      conditions: [{ type: 'Ready', status: 'True', reason: 'HeraldLab', message: 'a herald lab node' }],
    },
  });
}

function installDeploy(t: LabTopology, bin: string): void {
  const kubectl = (...args: string[]) => labKubectl(t, bin, args);
  kubectl('apply', '--server-side', '-f', join(ROOT, 'deploy/crds/'));
  kubectl('wait', '--for=condition=Established', '--timeout=30s', 'crd', '--all');
  kubectl('apply', '--server-side', '-f', join(ROOT, 'deploy/daemonset.yaml'));
  kubectl('apply', '--server-side', '-f', join(ROOT, 'deploy/webhooks.yaml'));
  const config = JSON.parse(
    kubectl('get', 'validatingwebhookconfiguration', 'metallb-webhook-configuration', '-o', 'json'),
  ) as { webhooks: { clientConfig: { service: { path: string } } }[] };
  const patches = webhookUrlPatches(
    config.webhooks.map((w) => w.clientConfig.service.path),
    `https://127.0.0.1:${WEBHOOK_PORT}`,
  );
  kubectl(
    'patch',
    'validatingwebhookconfiguration',
    'metallb-webhook-configuration',
    '--type=json',
    '-p',
    JSON.stringify(patches.webhooks),
  );
  kubectl('patch', 'crd', 'bgppeers.metallb.io', '--type=json', '-p', JSON.stringify(patches.conversion));
}

/** A kubeconfig for a ServiceAccount's fresh token (TokenRequest), server on the lab network. */
function serviceAccountKubeconfig(t: LabTopology, bin: string, account: string, user: string): string {
  const token = labKubectl(t, bin, [
    'create',
    'token',
    account,
    '-n',
    NAMESPACE,
    `--duration=${TOKEN_DURATION}`,
  ]).trim();
  return writeKubeconfig(labKubeconfig(t.id, user), {
    server: `https://${t.controlPlane.ipv4}:${LAB_API_PORT}`,
    caFile: join(kubeDir(t.id), 'certs', 'apiserver.crt'),
    token,
    user,
  });
}

/**
 * The control plane, deploy/, Node objects, and the controller (under its ServiceAccount). The
 * control-plane namespace must be attached to the bridge already. Speakers come after, each
 * with `labKubeconfig(id, 'speaker-<node>')`.
 */
export async function startLabKubernetes(
  t: LabTopology,
  progress: (m: string) => void,
): Promise<LabKubeState> {
  progress('Kubernetes: the cached kube-apiserver and kubectl (built by scripts/build-k8s.sh when missing)');
  const bin = kubernetesBinaries();
  const dir = kubeDir(t.id);
  mkdirSync(dir, { recursive: true });
  const files = writeControlPlaneFiles(dir);
  writeKubeconfig(labKubeconfig(t.id), {
    server: `https://${t.controlPlane.ipv4}:${LAB_API_PORT}`,
    caFile: files.caFile,
    token: files.adminToken,
    user: 'admin',
  });
  progress(
    `Kubernetes: etcd and kube-apiserver in ${t.controlPlane.namespace} (${t.controlPlane.ipv4}:${LAB_API_PORT})`,
  );
  const api = await startApi(t, bin, dir);
  progress('Kubernetes: deploy/ (CRDs, RBAC, webhooks) and the Node objects');
  installDeploy(t, bin);
  labKubectl(t, bin, ['apply', '-f', '-'], { input: nodeObjects(t) });
  for (const n of t.nodes)
    labKubectl(t, bin, [
      'patch',
      'node',
      n.name,
      '--subresource=status',
      '--type=merge',
      '-p',
      nodeStatusPatch(n),
    ]);
  progress('Kubernetes: herald controller under the controller ServiceAccount');
  const controller = startInNamespace(
    t.controlPlane.namespace,
    [
      process.execPath,
      HERALD,
      'controller',
      '--kubeconfig',
      serviceAccountKubeconfig(t, bin, 'controller', 'controller'),
      '--webhook-listen',
      `127.0.0.1:${WEBHOOK_PORT}`,
      '--webhook-ip-san',
      '127.0.0.1',
      '--metrics-listen',
      `${t.controlPlane.ipv4}:7472`,
      '--log-format',
      'json',
      '--log-level',
      'debug',
    ],
    join(stateDir(t.id), 'logs', 'controller.log'),
    ROOT,
  );
  for (const n of t.nodes) serviceAccountKubeconfig(t, bin, 'speaker', `speaker-${n.name}`);
  return { bin, ...api, controller };
}

/**
 * Applies YAML as the admin, retrying while the controller's webhook is not serving yet (the
 * webhooks fail closed, as deploy/ sets them) — up to `timeoutMs`.
 */
export async function labApply(t: LabTopology, bin: string, yaml: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      labKubectl(t, bin, ['apply', '-f', '-'], { input: yaml });
      return;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (!/webhook|connection refused|EOF|x509/i.test(message) || Date.now() > deadline) throw e;
      await sleep(300);
    }
  }
}

/** The kubectl the lab uses, for `herald lab kubectl` (runs it as the admin in the namespace). */
export function runLabKubectl(t: LabTopology, bin: string, args: readonly string[]): number {
  try {
    execFileSync(
      'ip',
      [
        'netns',
        'exec',
        t.controlPlane.namespace,
        join(bin, 'kubectl'),
        '--kubeconfig',
        labKubeconfig(t.id),
        ...args,
      ],
      { stdio: 'inherit' },
    );
    return 0;
  } catch (e) {
    return (e as { status?: number }).status ?? 1;
  }
}
