// `herald controller` against a real kube-apiserver (etcd, RBAC enforced), running as its own
// process under the controller ServiceAccount's token bound by deploy/'s RBAC: the allocation
// rules of behaviour.md §2 end to end, with the exact Events, the pool annotation and pool status;
// addresses unchanged across a controller restart and an apiserver restart; an invalid
// configuration refused whole while the last good one keeps serving.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startControlPlane, type ControlPlane } from '../support/k8s/control-plane.js';
import {
  apply,
  eventually,
  eventsFor,
  getJson,
  ingressOf,
  installDeploy,
  NAMESPACE,
  service,
  startController,
  type HeraldProcess,
} from '../support/k8s/cluster.js';
import { freePorts } from './ports.js';

const CONFIG = `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: default-pool, namespace: ${NAMESPACE} }
spec: { addresses: [10.20.0.0/29, 2001:db8:20::/125] }
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: reserved, namespace: ${NAMESPACE} }
spec: { addresses: [10.21.0.0/30], autoAssign: false }
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: team-a, namespace: ${NAMESPACE} }
spec:
  addresses: [10.22.0.0/30]
  serviceAllocation: { priority: 10, namespaces: [team-a] }
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: tiny, namespace: ${NAMESPACE} }
spec: { addresses: [10.23.0.0/31], autoAssign: false }
`;

interface ServiceSpec {
  readonly namespace?: string;
  readonly annotations?: Record<string, string>;
  readonly spec?: Record<string, unknown>;
  readonly ports?: readonly { port: number; protocol: string }[];
}

/** A LoadBalancer Service as JSON (kubectl apply reads it like YAML). */
const lbService = (name: string, s: ServiceSpec = {}): string =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: s.namespace ?? 'default', annotations: s.annotations ?? {} },
    spec: { type: 'LoadBalancer', ports: s.ports ?? [{ port: 80, protocol: 'TCP' }], ...s.spec },
  });

describe('herald controller on a real kube-apiserver', { timeout: 300_000 }, () => {
  let cp: ControlPlane;
  let controller: HeraldProcess;
  let metricsPort = 0;

  const ips = (name: string, namespace = 'default'): string[] => ingressOf(service(cp, namespace, name));
  const assigned = (name: string, count = 1, namespace = 'default'): Promise<string[]> =>
    eventually(() => {
      const got = ips(name, namespace);
      return got.length >= count ? got : undefined;
    }, `${namespace}/${name} to get ${count} address(es)`);
  const eventOf = (name: string, reason: string, namespace = 'default') =>
    eventually(
      () => eventsFor(cp, namespace, 'Service', name).find((e) => e.reason === reason),
      `event ${reason} on ${namespace}/${name}`,
    );
  const metrics = async (): Promise<string> =>
    (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();

  before(async () => {
    cp = await startControlPlane();
    installDeploy(cp);
    cp.kubectl(['create', 'namespace', 'team-a']);
    apply(cp, CONFIG);
    [metricsPort = 0] = await freePorts(1);
    controller = startController(cp, 'controller-a', ['--metrics-listen', `127.0.0.1:${metricsPort}`]);
  });

  after(async () => {
    await controller.stop('SIGKILL');
    await cp.stop();
  });

  it('allocates the lowest free address of the auto-assign pool, with IPAllocated and the pool annotation', async () => {
    apply(cp, lbService('auto'));
    assert.deepEqual(await assigned('auto'), ['10.20.0.0']);
    const event = await eventOf('auto', 'IPAllocated');
    assert.equal(event.type, 'Normal');
    assert.equal(event.message, 'Assigned IP ["10.20.0.0"]');
    const annotations = await eventually(
      () => service(cp, 'default', 'auto').metadata.annotations?.['metallb.io/ip-allocated-from-pool'],
      'pool annotation',
    );
    assert.equal(annotations, 'default-pool');
  });

  it('gives a requested address from a pool that is not auto-assigned', async () => {
    apply(cp, lbService('requested', { annotations: { 'metallb.io/loadBalancerIPs': '10.21.0.2' } }));
    assert.deepEqual(await assigned('requested'), ['10.21.0.2']);
  });

  it('refuses a requested address outside every pool with the seed message', async () => {
    apply(cp, lbService('invalid-request', { annotations: { 'metallb.io/loadBalancerIPs': '4.3.2.1' } }));
    const event = await eventOf('invalid-request', 'AllocationFailed');
    assert.equal(event.type, 'Warning');
    assert.equal(
      event.message,
      'Failed to allocate IP for "default/invalid-request": "4.3.2.1" is not allowed in config',
    );
    assert.deepEqual(ips('invalid-request'), []);
  });

  it('refuses both spec.loadBalancerIP and the annotation, and a malformed annotation', async () => {
    apply(
      cp,
      lbService('both', {
        annotations: { 'metallb.io/loadBalancerIPs': '10.20.0.6' },
        spec: { loadBalancerIP: '10.20.0.5' },
      }),
    );
    const both = await eventOf('both', 'LoadBalancerFailed');
    assert.equal(
      both.message,
      'invalid requested loadbalancer IPs: service can not have both metallb.io/loadBalancerIPs and svc.Spec.LoadBalancerIP',
    );
    apply(cp, lbService('malformed', { annotations: { 'metallb.io/loadBalancerIPs': 'not-an-ip' } }));
    const malformed = await eventOf('malformed', 'LoadBalancerFailed');
    assert.equal(
      malformed.message,
      'invalid requested loadbalancer IPs: invalid metallb.io/loadBalancerIPs: "not-an-ip"',
    );
    assert.deepEqual(ips('both'), []);
    assert.deepEqual(ips('malformed'), []);
  });

  it('allocates from the annotated pool, and from an auto-assign pool with a warning when it does not exist', async () => {
    apply(cp, lbService('pooled', { annotations: { 'metallb.io/address-pool': 'reserved' } }));
    assert.deepEqual(await assigned('pooled'), ['10.21.0.0']);
    apply(cp, lbService('unknown-pool', { annotations: { 'metallb.io/address-pool': 'nope' } }));
    assert.deepEqual(await assigned('unknown-pool'), ['10.20.0.1']);
    const warning = await eventOf('unknown-pool', 'UnknownAddressPool');
    assert.equal(
      warning.message,
      'address pool "nope" does not exist: allocating from a pool that permits automatic assignment',
    );
  });

  it('prefers the pool whose serviceAllocation selects the namespace', async () => {
    apply(cp, lbService('app', { namespace: 'team-a' }));
    assert.deepEqual(await assigned('app', 1, 'team-a'), ['10.22.0.0']);
  });

  it('shares an address between services with the same key and different ports', async () => {
    const shared = { 'metallb.io/allow-shared-ip': 'dns', 'metallb.io/loadBalancerIPs': '10.20.0.7' };
    apply(cp, lbService('dns-tcp', { annotations: shared, ports: [{ port: 53, protocol: 'TCP' }] }));
    apply(cp, lbService('dns-udp', { annotations: shared, ports: [{ port: 53, protocol: 'UDP' }] }));
    assert.deepEqual(await assigned('dns-tcp'), ['10.20.0.7']);
    assert.deepEqual(await assigned('dns-udp'), ['10.20.0.7']);
    // Same port and protocol: the address is not free for a third one.
    apply(cp, lbService('dns-tcp-2', { annotations: shared, ports: [{ port: 53, protocol: 'TCP' }] }));
    const refused = await eventOf('dns-tcp-2', 'AllocationFailed');
    assert.match(refused.message, /^Failed to allocate IP for "default\/dns-tcp-2": /);
  });

  it('gives a dual-stack service one address per family from one pool', async () => {
    apply(
      cp,
      lbService('dual', { spec: { ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'] } }),
    );
    assert.deepEqual(await assigned('dual', 2), ['10.20.0.2', '2001:db8:20::']);
    const event = await eventOf('dual', 'IPAllocated');
    assert.equal(event.message, 'Assigned IP ["10.20.0.2" "2001:db8:20::"]');
  });

  it('reports an exhausted pool, and frees the address of a deleted service', async () => {
    const tiny = { 'metallb.io/address-pool': 'tiny' };
    apply(cp, lbService('tiny-1', { annotations: tiny }));
    assert.deepEqual(await assigned('tiny-1'), ['10.23.0.0']);
    apply(cp, lbService('tiny-2', { annotations: tiny }));
    assert.deepEqual(await assigned('tiny-2'), ['10.23.0.1']);
    apply(cp, lbService('tiny-3', { annotations: tiny }));
    const exhausted = await eventOf('tiny-3', 'AllocationFailed');
    assert.equal(
      exhausted.message,
      'Failed to allocate IP for "default/tiny-3": no available IPs in pool "tiny"',
    );
    cp.kubectl(['delete', 'service', '-n', 'default', 'tiny-1']);
    // The freed address goes to the next service asking for it.
    apply(cp, lbService('tiny-4', { annotations: tiny }));
    assert.deepEqual(await assigned('tiny-4'), ['10.23.0.0']);
  });

  it('leaves Services of another loadBalancerClass alone', async () => {
    apply(cp, lbService('other-class', { spec: { loadBalancerClass: 'example.com/other' } }));
    apply(cp, lbService('after-other-class'));
    // Handled in order: once the next one is allocated, the other class was seen and skipped.
    await assigned('after-other-class');
    assert.deepEqual(ips('other-class'), []);
    assert.deepEqual(eventsFor(cp, 'default', 'Service', 'other-class'), []);
    // Free the address again so the later tests see the same pool state.
    cp.kubectl(['delete', 'service', '-n', 'default', 'after-other-class']);
  });

  it('serves a legacy AddressPool (deprecated, still accepted): its CRD warns and a Service gets its address', async () => {
    apply(
      cp,
      `apiVersion: metallb.io/v1beta1
kind: AddressPool
metadata: { name: legacy, namespace: metallb-system }
spec:
  protocol: layer2
  addresses: [10.29.0.0/30]
  autoAssign: false
`,
    );
    apply(cp, lbService('legacy-user', { annotations: { 'metallb.io/address-pool': 'legacy' } }));
    assert.deepEqual(await assigned('legacy-user'), ['10.29.0.0']);
    const crd = getJson<{ spec: { versions: { deprecated?: boolean }[] } }>(cp, [
      'crd',
      'addresspools.metallb.io',
    ]);
    assert.equal(crd.spec.versions[0]?.deprecated, true);
    cp.kubectl(['delete', 'service', '-n', 'default', 'legacy-user']);
  });

  it('shows its informers live in /debug/state, as the visualizer does', async () => {
    const state = (await (await fetch(`http://127.0.0.1:${metricsPort}/debug/state`)).json()) as {
      actors: { id: string; machine: string; state: string }[];
      ready: Record<string, boolean>;
    };
    const services = state.actors.find((a) => a.id === 'informer:v1/services');
    assert.equal(services?.machine, 'informer');
    assert.equal(services.state, 'synced');
    assert.ok(state.actors.some((a) => a.id === 'informer:metallb.io/v1beta1/ipaddresspools'));
    assert.deepEqual(state.ready, { informersSynced: true, configLoaded: true });
    const page = await (await fetch(`http://127.0.0.1:${metricsPort}/debug/statecharts`)).text();
    assert.match(page, /<h1>Herald controller <span id="node">controller-a<\/span><\/h1>/);
    const charts = (await (await fetch(`http://127.0.0.1:${metricsPort}/debug/charts`)).json()) as {
      id: string;
      svg: string;
    }[];
    assert.match(charts.find((c) => c.id === 'informer')?.svg ?? '', /<svg/);
  });

  it('writes pool status and the allocator metrics', async () => {
    const status = await eventually(() => {
      const pool = getJson<{ status?: { assignedIPv4: number; availableIPv4: number } }>(cp, [
        'ipaddresspool',
        '-n',
        NAMESPACE,
        'tiny',
      ]);
      return pool.status?.assignedIPv4 === 2 ? pool.status : undefined;
    }, 'tiny pool status');
    assert.equal(status.availableIPv4, 0);
    const text = await metrics();
    assert.match(text, /metallb_allocator_addresses_in_use_total\{pool="tiny"\} 2/);
    assert.match(text, /metallb_allocator_addresses_total\{pool="reserved"\} 4/);
    assert.match(text, /metallb_k8s_client_config_loaded_bool 1/);
  });

  it('refuses an invalid configuration whole, names the field, and keeps serving the last good one', async () => {
    apply(
      cp,
      `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: overlapping, namespace: ${NAMESPACE} }
spec: { addresses: [10.20.0.0/30], autoAssign: false }
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: extra, namespace: ${NAMESPACE} }
spec: { addresses: [10.24.0.0/30], autoAssign: false }
`,
    );
    const event = await eventually(
      () =>
        eventsFor(cp, NAMESPACE, 'IPAddressPool', 'overlapping').find(
          (e) => e.reason === 'InvalidConfiguration',
        ),
      'InvalidConfiguration event on the overlapping pool',
    );
    assert.equal(event.type, 'Warning');
    assert.match(
      event.message,
      /^spec\.addresses\[0\]: CIDR "10\.20\.0\.0\/30" in pool "overlapping" overlaps with/,
    );
    await eventually(
      async () => ((await metrics()).includes('metallb_k8s_client_config_stale_bool 1') ? true : undefined),
      'stale',
    );
    // The new pool "extra" came with the refused set, so it is not in force: a request for it fails…
    apply(cp, lbService('wants-extra', { annotations: { 'metallb.io/loadBalancerIPs': '10.24.0.1' } }));
    const refused = await eventOf('wants-extra', 'AllocationFailed');
    assert.match(refused.message, /"10\.24\.0\.1" is not allowed in config/);
    // …while the last good configuration keeps allocating.
    apply(cp, lbService('after-refusal'));
    assert.deepEqual(await assigned('after-refusal'), ['10.20.0.3']);
    // Fixing it brings the new pool in, and the waiting service gets its address.
    cp.kubectl(['delete', 'ipaddresspool', '-n', NAMESPACE, 'overlapping']);
    assert.deepEqual(await assigned('wants-extra'), ['10.24.0.1']);
  });

  it('keeps every address across a controller restart and an apiserver restart', async () => {
    const all = () =>
      Object.fromEntries(
        getJson<{ items: { metadata: { namespace: string; name: string } }[] }>(cp, [
          'services',
          '-A',
        ]).items.map((s) => [
          `${s.metadata.namespace}/${s.metadata.name}`,
          ips(s.metadata.name, s.metadata.namespace),
        ]),
      );
    const before = all();
    await controller.stop('SIGKILL');
    // A service created while no controller runs is allocated after those holding addresses.
    apply(cp, lbService('while-down'));
    controller = startController(cp, 'controller-a', ['--metrics-listen', `127.0.0.1:${metricsPort}`]);
    assert.deepEqual(await assigned('while-down'), ['10.20.0.4']);
    const afterRestart = all();
    for (const [key, held] of Object.entries(before)) assert.deepEqual(afterRestart[key], held, key);

    await cp.killApiserver();
    await new Promise((r) => setTimeout(r, 2000));
    await cp.startApiserver();
    // The informers recover by themselves and the controller goes on allocating.
    apply(cp, lbService('after-apiserver-restart'));
    assert.deepEqual(await assigned('after-apiserver-restart', 1, 'default'), ['10.20.0.5']);
    const afterApiserver = all();
    for (const [key, held] of Object.entries(afterRestart)) assert.deepEqual(afterApiserver[key], held, key);
    const degraded = controller.lines().filter((l) => l.component === 'informer' && l.state === 'degraded');
    assert.ok(degraded.length > 0, 'the informers noticed the outage');
  });
});
