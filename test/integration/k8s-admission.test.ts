// The controller's admission and conversion webhooks on a real kube-apiserver: startAdmission()
// in this process under the controller ServiceAccount's token (deploy/'s RBAC), registered by
// deploy/webhooks.yaml with its clientConfigs pointed at 127.0.0.1 (no Service networking here).
// kubectl must run asynchronously: the API server calls back into this very process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { loadKubeConfig } from '../../src/k8s/client.js';
import { startAdmission, type AdmissionHandle } from '../../src/k8s/admission.js';
import { startControlPlane, type ControlPlane } from '../support/k8s/control-plane.js';
import {
  eventually,
  installDeploy,
  installWebhooksAt,
  NAMESPACE,
  serviceAccountToken,
} from '../support/k8s/cluster.js';
import { freePorts } from './ports.js';

const KINDS = 'ipaddresspools,l2advertisements,bgpadvertisements,bgppeers,bfdprofiles,communities';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

const yaml = (o: unknown): string => JSON.stringify(o);
const pool = (name: string, addresses: string[], namespace = NAMESPACE) =>
  yaml({
    apiVersion: 'metallb.io/v1beta1',
    kind: 'IPAddressPool',
    metadata: { name, namespace },
    spec: { addresses },
  });

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

describe('admission and conversion webhooks on a real kube-apiserver', { timeout: 240_000 }, () => {
  let cp: ControlPlane;
  let admission: AdmissionHandle | undefined;
  let port = 0;
  let objects: unknown[] = [];
  const logs: { level: string; fields: Record<string, unknown>; message?: string }[] = [];
  const log = {
    info: (fields: Record<string, unknown>, message?: string) =>
      logs.push({ level: 'info', fields, message }),
    warn: (fields: Record<string, unknown>, message?: string) =>
      logs.push({ level: 'warn', fields, message }),
    error: (fields: Record<string, unknown>, message?: string) =>
      logs.push({ level: 'error', fields, message }),
  };

  /** kubectl as the admin, without blocking this process's event loop. */
  const kubectl = (args: readonly string[], input?: string): Promise<Run> =>
    new Promise((resolve) => {
      const started = performance.now();
      const child = spawn(cp.kubectlPath, ['--kubeconfig', cp.kubeconfig(), ...args]);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) =>
        resolve({ code: code ?? -1, stdout, stderr, ms: performance.now() - started }),
      );
      child.stdin.end(input ?? '');
    });
  const ok = async (args: readonly string[], input?: string): Promise<Run> => {
    const run = await kubectl(args, input);
    assert.equal(run.code, 0, `kubectl ${args.join(' ')}: ${run.stderr}`);
    return run;
  };
  const refused = async (args: readonly string[], input?: string): Promise<string> => {
    const run = await kubectl(args, input);
    assert.notEqual(run.code, 0, `kubectl ${args.join(' ')} should have been refused`);
    return run.stderr;
  };
  // What the controller's informers would hold; refreshed before every write under test.
  const refresh = async (): Promise<void> => {
    const list = JSON.parse((await ok(['get', KINDS, '-n', NAMESPACE, '-o', 'json'])).stdout) as {
      items: unknown[];
    };
    objects = list.items;
  };
  const getJson = async (args: readonly string[]) =>
    JSON.parse((await ok(['get', ...args, '-o', 'json'])).stdout) as {
      apiVersion: string;
      metadata: { resourceVersion: string; annotations?: Record<string, string> };
      spec: Record<string, unknown>;
      data?: Record<string, string>;
      webhooks?: { clientConfig: { caBundle?: string } }[];
    };

  const start = async (): Promise<AdmissionHandle> => {
    const kubeConfig = loadKubeConfig(cp.kubeconfig(serviceAccountToken(cp, 'controller'), 'admission'));
    return startAdmission({
      kubeConfig,
      namespace: NAMESPACE,
      listen: { host: '127.0.0.1', port },
      extraIpSans: ['127.0.0.1'],
      currentObjects: () => objects,
      log,
    });
  };

  before(async () => {
    cp = await startControlPlane();
    installDeploy(cp);
    [port = 0] = await freePorts(1);
    installWebhooksAt(cp, port);
    admission = await start();
    // The API server picks up webhook configuration changes asynchronously.
    await eventually(async () => {
      const run = await kubectl(
        ['apply', '--dry-run=server', '-f', '-'],
        pool('probe', ['10.99.0.0/24'], 'default'),
      );
      return run.stderr.includes('resource must be created in metallb-system namespace') ? true : undefined;
    }, 'the validating webhook to be called');
  });

  after(async () => {
    await admission?.stop();
    await cp.stop();
  });

  it('stores the certificates in the Secret and the CA in the webhook configuration and the CRD', async () => {
    const secret = await getJson(['secret', '-n', NAMESPACE, 'metallb-webhook-cert']);
    const ca = Buffer.from(secret.data?.['ca.crt'] ?? '', 'base64').toString();
    assert.match(ca, /BEGIN CERTIFICATE/);
    const bundle = Buffer.from(ca).toString('base64');
    const config = await getJson(['validatingwebhookconfiguration', 'metallb-webhook-configuration']);
    assert.ok(config.webhooks?.every((w) => w.clientConfig.caBundle === bundle));
    const crd = await getJson(['crd', 'bgppeers.metallb.io']);
    const conversion = crd.spec.conversion as { webhook: { clientConfig: { caBundle: string } } };
    assert.equal(conversion.webhook.clientConfig.caBundle, bundle);
  });

  it('accepts a pool that fits, refuses one that overlaps, naming the object and the field path', async (t) => {
    await refresh();
    await ok(['apply', '-f', '-'], pool('p1', ['10.0.0.0/24']));
    await refresh();
    const stderr = await refused(['apply', '-f', '-'], pool('p2', ['10.0.0.0/24']));
    assert.match(
      stderr,
      /denied the request: IPAddressPool metallb-system\/p2: spec\.addresses\[0\]: CIDR "10\.0\.0\.0\/24" in pool "p2" overlaps with already defined CIDR "10\.0\.0\.0\/24"/,
    );
    t.diagnostic(stderr.trim());
  });

  it('refuses objects outside the agent namespace', async () => {
    const stderr = await refused(['apply', '-f', '-'], pool('elsewhere', ['10.1.0.0/24'], 'default'));
    assert.match(
      stderr,
      /IPAddressPool default\/elsewhere: metadata\.namespace: resource must be created in metallb-system namespace/,
    );
  });

  it('refuses deleting a BFD profile a BGPPeer uses; allows it once the peer is gone', async () => {
    await refresh();
    await ok(
      ['apply', '-f', '-'],
      yaml({
        apiVersion: 'metallb.io/v1beta1',
        kind: 'BFDProfile',
        metadata: { name: 'bfd1', namespace: NAMESPACE },
        spec: {},
      }),
    );
    await ok(
      ['apply', '-f', '-'],
      yaml({
        apiVersion: 'metallb.io/v1beta2',
        kind: 'BGPPeer',
        metadata: { name: 'uses-bfd', namespace: NAMESPACE },
        spec: { myASN: 64500, peerASN: 64501, peerAddress: '10.2.0.1', bfdProfile: 'bfd1' },
      }),
    );
    await refresh();
    const stderr = await refused(['delete', 'bfdprofile', '-n', NAMESPACE, 'bfd1']);
    assert.match(
      stderr,
      /BFDProfile metallb-system\/bfd1: cannot be deleted: used by BGPPeer metallb-system\/uses-bfd \(spec\.bfdProfile\)/,
    );
    await ok(['delete', 'bgppeer', '-n', NAMESPACE, 'uses-bfd']);
    await refresh();
    await ok(['delete', 'bfdprofile', '-n', NAMESPACE, 'bfd1']);
  });

  it('stores a v1beta1 BGPPeer as v1beta2 (through the conversion webhook) and serves it back as v1beta1', async () => {
    await refresh();
    const spec = {
      myASN: 64500,
      peerASN: 64502,
      peerAddress: '10.3.0.1',
      holdTime: '30s',
      password: 'pw',
      ebgpMultiHop: true,
    };
    const created = await ok(
      ['apply', '-f', '-'],
      yaml({
        apiVersion: 'metallb.io/v1beta1',
        kind: 'BGPPeer',
        metadata: { name: 'old-style', namespace: NAMESPACE },
        spec,
      }),
    );
    assert.match(created.stderr, /v1beta1 BGPPeer is deprecated/);
    const stored = await getJson(['bgppeers.v1beta2.metallb.io', '-n', NAMESPACE, 'old-style']);
    assert.equal(stored.apiVersion, 'metallb.io/v1beta2');
    assert.deepEqual(stored.spec, spec);
    const back = await getJson(['bgppeers.v1beta1.metallb.io', '-n', NAMESPACE, 'old-style']);
    assert.equal(back.apiVersion, 'metallb.io/v1beta1');
    assert.deepEqual(back.spec, spec);
  });

  it('keeps v1beta2-only fields through a v1beta1 read and write (lossless round trip)', async () => {
    await refresh();
    const spec = {
      myASN: 64500,
      peerASN: 64503,
      peerAddress: '10.4.0.1',
      connectTime: '5s',
      enableGracefulRestart: true,
      localASN: 64999,
      dualStackAddressFamily: true,
    };
    await ok(
      ['apply', '-f', '-'],
      yaml({
        apiVersion: 'metallb.io/v1beta2',
        kind: 'BGPPeer',
        metadata: { name: 'new-style', namespace: NAMESPACE },
        spec,
      }),
    );
    const asV1beta1 = await getJson(['bgppeers.v1beta1.metallb.io', '-n', NAMESPACE, 'new-style']);
    assert.equal(asV1beta1.apiVersion, 'metallb.io/v1beta1');
    assert.deepEqual(asV1beta1.spec, { myASN: 64500, peerASN: 64503, peerAddress: '10.4.0.1' });
    assert.ok(asV1beta1.metadata.annotations?.['herald-lb.io/bgppeer-v1beta2-spec']);
    // A v1beta1 client edits the object it read and writes it back whole.
    await refresh();
    const edited = { ...asV1beta1, spec: { ...asV1beta1.spec, holdTime: '60s' } };
    await ok(['replace', '-f', '-'], yaml(edited));
    const stored = await getJson(['bgppeers.v1beta2.metallb.io', '-n', NAMESPACE, 'new-style']);
    assert.deepEqual(stored.spec, { ...spec, holdTime: '60s' });
    assert.equal(stored.metadata.annotations?.['herald-lb.io/bgppeer-v1beta2-spec'], undefined);
  });

  it('a restarted controller reuses the stored certificate, so replicas agree', async () => {
    const before = await getJson(['secret', '-n', NAMESPACE, 'metallb-webhook-cert']);
    const config = await getJson(['validatingwebhookconfiguration', 'metallb-webhook-configuration']);
    await admission?.stop();
    admission = await start();
    const afterRestart = await getJson(['secret', '-n', NAMESPACE, 'metallb-webhook-cert']);
    assert.equal(afterRestart.metadata.resourceVersion, before.metadata.resourceVersion);
    const configAfter = await getJson(['validatingwebhookconfiguration', 'metallb-webhook-configuration']);
    assert.equal(configAfter.metadata.resourceVersion, config.metadata.resourceVersion);
    await refresh();
    await refused(['apply', '-f', '-'], pool('p3', ['10.0.0.128/25']));
  });

  it('measures the webhook as kubectl sees it (server-side dry run, webhook vs none)', async (t) => {
    await refresh();
    const withWebhook: number[] = [];
    const without: number[] = [];
    for (let i = 0; i < 15; i++) {
      withWebhook.push(
        (await ok(['create', '--dry-run=server', '-f', '-'], pool(`m${i}`, [`10.50.${i}.0/24`]))).ms,
      );
      const cm = yaml({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `m${i}`, namespace: NAMESPACE },
      });
      without.push((await ok(['create', '--dry-run=server', '-f', '-'], cm)).ms);
    }
    // The API server's own measure of the call: request sent → answer read.
    const metrics = (await ok(['get', '--raw', '/metrics'])).stdout;
    const series = (suffix: string) =>
      metrics
        .split('\n')
        .filter((l) => l.startsWith(`apiserver_admission_webhook_admission_duration_seconds_${suffix}{`))
        .filter((l) => l.includes('name="ipaddresspoolvalidationwebhook.metallb.io"'))
        .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
    const calls = series('count');
    assert.ok(calls >= 15, `webhook calls seen by the API server: ${calls}`);
    t.diagnostic(
      `kubectl create --dry-run=server, median of 15: IPAddressPool (webhook) ${median(withWebhook).toFixed(0)} ms, ` +
        `ConfigMap (no webhook) ${median(without).toFixed(0)} ms; API server: ${calls} IPAddressPool webhook ` +
        `calls, mean ${((series('sum') / calls) * 1000).toFixed(1)} ms`,
    );
    assert.ok(
      logs.every((l) => l.level !== 'error'),
      JSON.stringify(logs.filter((l) => l.level === 'error')),
    );
  });
});
