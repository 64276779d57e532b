// `herald controller` under stress on a real kube-apiserver, as its own ServiceAccount: a flood
// of Services at once, and a 60 s apiserver outage — no crash, informers back by themselves,
// nothing reallocated, and allocation going on afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { processAlive } from '../../src/lab/system.js';
import { startControlPlane, type ControlPlane } from '../support/k8s/control-plane.js';
import {
  apply,
  eventually,
  getJson,
  installDeploy,
  NAMESPACE,
  startController,
  type HeraldProcess,
} from '../support/k8s/cluster.js';

const FLOOD = 300;
const OUTAGE_MS = 60_000;

interface ServiceList {
  items: {
    metadata: { name: string; annotations?: Record<string, string> };
    status?: { loadBalancer?: { ingress?: { ip: string }[] } };
  }[];
}

describe('herald controller: a Service flood and a 60 s apiserver outage', { timeout: 300_000 }, () => {
  let cp: ControlPlane;
  let controller: HeraldProcess;

  const addresses = (namespace: string): Map<string, string> => {
    const list = getJson<ServiceList>(cp, ['services', '-n', namespace]);
    return new Map(
      list.items.flatMap((s) => {
        const ip = s.status?.loadBalancer?.ingress?.[0]?.ip;
        return ip ? [[s.metadata.name, ip] as const] : [];
      }),
    );
  };

  before(async () => {
    cp = await startControlPlane();
    installDeploy(cp);
    cp.kubectl(['create', 'namespace', 'flood']);
    apply(
      cp,
      JSON.stringify({
        apiVersion: 'metallb.io/v1beta1',
        kind: 'IPAddressPool',
        metadata: { name: 'big', namespace: NAMESPACE },
        spec: { addresses: ['10.40.0.0/22'] },
      }),
    );
    controller = startController(cp, 'controller-outage');
  });

  after(async () => {
    await controller.stop('SIGKILL');
    await cp.stop();
  });

  it(`gives ${FLOOD} Services created at once ${FLOOD} distinct addresses`, async () => {
    const items = Array.from({ length: FLOOD }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `s${i}`, namespace: 'flood' },
      spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }] },
    }));
    const started = Date.now();
    apply(cp, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    const held = await eventually(
      () => {
        const got = addresses('flood');
        return got.size === FLOOD ? got : undefined;
      },
      `${FLOOD} addresses`,
      60_000,
    );
    console.log(`${FLOOD} Services allocated ${Date.now() - started} ms after the apply began`);
    assert.equal(new Set(held.values()).size, FLOOD, 'every address distinct');
    const annotated = await eventually(() => {
      const list = getJson<ServiceList>(cp, ['services', '-n', 'flood']);
      const n = list.items.filter(
        (s) => s.metadata.annotations?.['metallb.io/ip-allocated-from-pool'] === 'big',
      ).length;
      return n === FLOOD ? n : undefined;
    }, 'every pool annotation');
    assert.equal(annotated, FLOOD);
  });

  it('survives a 60 s apiserver outage: no crash, informers recover, nothing moves, allocation goes on', async () => {
    const before = addresses('flood');
    await cp.killApiserver();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    assert.ok(processAlive(controller.pid), 'the controller is still running');
    const restartedAt = Date.now();
    await cp.startApiserver();

    // After the outage: a deletion frees its address, which the next Service takes.
    const freed = before.get('s0');
    cp.kubectl(['delete', 'service', '-n', 'flood', 's0']);
    apply(
      cp,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'after-outage', namespace: 'flood' },
        spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }] },
      }),
    );
    const got = await eventually(
      () => addresses('flood').get('after-outage'),
      'an address after the outage',
      30_000,
    );
    console.log(`allocation resumed ${Date.now() - restartedAt} ms after the apiserver came back`);
    assert.equal(got, freed);
    const afterOutage = addresses('flood');
    for (const [name, ip] of before) if (name !== 's0') assert.equal(afterOutage.get(name), ip, name);

    const lines = controller.lines();
    const degraded = lines.filter((l) => l.component === 'informer' && l.state === 'degraded');
    const services = degraded.filter((l) => l.resource === 'v1/services');
    // Restarted with backoff (250 ms doubling to 15 s): a handful of attempts, not a storm.
    assert.ok(services.length >= 2 && services.length <= 25, `service informer restarts: ${services.length}`);
    assert.ok(
      lines.some((l) => l.component === 'informer' && l.state === 'synced' && l.resource === 'v1/services'),
      'the service informer synced again',
    );
  });
});
