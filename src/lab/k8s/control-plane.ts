// The pieces of a one-machine Kubernetes control plane shared by the test harness and
// `herald lab up --k8s`: the cached binaries (scripts/build-k8s.sh builds kube-apiserver and
// kubectl from the Go module proxy), the files a run needs (service-account keys, a static admin
// token), the command lines of etcd (Debian's etcd-server) and kube-apiserver (RBAC enforced),
// and kubeconfig files. Where the processes run (a child of a test, or detached in the lab's
// control-plane namespace) is the caller's business.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUILD_SCRIPT = fileURLToPath(new URL('../../../scripts/build-k8s.sh', import.meta.url));

/** The directory of the cached Kubernetes binaries; builds them (minutes, once) when missing. */
export function kubernetesBinaries(): string {
  const out = execFileSync(BUILD_SCRIPT, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const dir = out.trim().split('\n').pop() ?? '';
  if (!existsSync(join(dir, 'kube-apiserver')))
    throw new Error(`build-k8s.sh gave no kube-apiserver in "${dir}"`);
  return dir;
}

export interface ControlPlaneFiles {
  readonly adminToken: string;
  /** Where kube-apiserver writes its self-signed serving certificate (and clients find the CA). */
  readonly caFile: string;
}

/** Service-account signing keys and a static token for the admin (group system:masters). */
export function writeControlPlaneFiles(dir: string): ControlPlaneFiles {
  mkdirSync(join(dir, 'certs'), { recursive: true });
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'sa.key'), keys.privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
  });
  writeFileSync(join(dir, 'sa.pub'), keys.publicKey.export({ type: 'spki', format: 'pem' }));
  const adminToken = randomBytes(24).toString('hex');
  writeFileSync(join(dir, 'tokens.csv'), `${adminToken},herald-admin,herald-admin,system:masters\n`, {
    mode: 0o600,
  });
  return { adminToken, caFile: join(dir, 'certs', 'apiserver.crt') };
}

export interface EtcdOptions {
  readonly dir: string;
  readonly clientPort: number;
  readonly peerPort: number;
}

/** etcd on loopback, its data under `dir` (keep that on tmpfs: etcd fsyncs every write). */
export function etcdArgs(o: EtcdOptions): string[] {
  const client = `http://127.0.0.1:${o.clientPort}`;
  const peer = `http://127.0.0.1:${o.peerPort}`;
  return [
    '--name',
    'herald',
    '--data-dir',
    join(o.dir, 'etcd'),
    '--listen-client-urls',
    client,
    '--advertise-client-urls',
    client,
    '--listen-peer-urls',
    peer,
    '--initial-advertise-peer-urls',
    peer,
    '--initial-cluster',
    `herald=${peer}`,
  ];
}

export interface ApiserverOptions {
  readonly dir: string;
  readonly etcdClientPort: number;
  /** 127.0.0.1 for tests; 0.0.0.0 inside the lab's control-plane namespace (its addresses only). */
  readonly bindAddress: string;
  /** The address in the serving certificate (with "localhost" when binding every address). */
  readonly advertiseAddress: string;
  readonly port: number;
}

export function apiserverArgs(o: ApiserverOptions): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${o.etcdClientPort}`,
    `--bind-address=${o.bindAddress}`,
    `--advertise-address=${o.advertiseAddress}`,
    `--secure-port=${o.port}`,
    // No kubernetes Service endpoints to maintain: nothing here routes the service network.
    '--endpoint-reconciler-type=none',
    `--cert-dir=${join(o.dir, 'certs')}`,
    '--service-account-issuer=https://kubernetes.default.svc',
    `--service-account-key-file=${join(o.dir, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(o.dir, 'sa.key')}`,
    '--service-cluster-ip-range=10.96.0.0/16,fd00:10:96::/108',
    `--token-auth-file=${join(o.dir, 'tokens.csv')}`,
    '--authorization-mode=Node,RBAC',
    // Pods are never run, so no ServiceAccount admission (it would want a token controller).
    '--disable-admission-plugins=ServiceAccount',
    '--allow-privileged=true',
    '--profiling=false',
    '--v=0',
  ];
}

export interface KubeconfigOptions {
  readonly server: string;
  readonly caFile: string;
  readonly token: string;
  readonly user: string;
}

export function kubeconfigYaml(o: KubeconfigOptions): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: herald',
    '  cluster:',
    `    server: ${o.server}`,
    `    certificate-authority: ${o.caFile}`,
    'users:',
    `- name: ${o.user}`,
    '  user:',
    `    token: ${o.token}`,
    'contexts:',
    `- name: ${o.user}`,
    '  context:',
    '    cluster: herald',
    `    user: ${o.user}`,
    `current-context: ${o.user}`,
    '',
  ].join('\n');
}

/** Writes a kubeconfig readable by its owner only (it holds a bearer token). */
export function writeKubeconfig(file: string, o: KubeconfigOptions): string {
  writeFileSync(file, kubeconfigYaml(o), { mode: 0o600 });
  return file;
}

/**
 * JSON patches pointing deploy/webhooks.yaml's webhooks, and the BGPPeer CRD's conversion, at a
 * URL instead of the metallb-webhook-service Service (nothing routes Service addresses here).
 */
export function webhookUrlPatches(
  webhookPaths: readonly string[],
  baseUrl: string,
): { webhooks: object[]; conversion: object[] } {
  return {
    webhooks: webhookPaths.map((path, i) => ({
      op: 'replace',
      path: `/webhooks/${i}/clientConfig`,
      value: { url: `${baseUrl}${path}` },
    })),
    conversion: [
      { op: 'replace', path: '/spec/conversion/webhook/clientConfig', value: { url: `${baseUrl}/convert` } },
    ],
  };
}
