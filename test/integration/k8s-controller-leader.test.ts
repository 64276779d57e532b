// Two `herald controller --leader-elect` replicas on a real kube-apiserver, each under the
// controller ServiceAccount's token: exactly one allocates; when it is killed the standby takes
// over (measured: SIGKILL → the next Service allocated), a SIGTERMed leader hands over at once
// (the Lease is released), and no address moves across either takeover. Both replicas serve the
// admission webhooks; the apiserver calls one of them and `kubectl apply` of a bad object is
// refused with the field path.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startControlPlane, type ControlPlane } from '../support/k8s/control-plane.js';
import { freePorts } from './ports.js';
import {
  apply,
  eventually,
  getJson,
  installDeploy,
  installWebhooksAt,
  NAMESPACE,
  serviceAccountToken,
  startController,
  type HeraldProcess,
} from '../support/k8s/cluster.js';

interface ServiceList {
  items: { metadata: { name: string }; status?: { loadBalancer?: { ingress?: { ip: string }[] } } }[];
}

const lb = (name: string): string =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }] },
  });

describe('herald controller --leader-elect, two replicas', { timeout: 180_000 }, () => {
  let cp: ControlPlane;
  const replicas = new Map<string, HeraldProcess>();
  let token = '';

  const addresses = (): Map<string, string> =>
    new Map(
      getJson<ServiceList>(cp, ['services', '-n', 'default']).items.flatMap((s) => {
        const ip = s.status?.loadBalancer?.ingress?.[0]?.ip;
        return ip ? [[s.metadata.name, ip] as const] : [];
      }),
    );
  const leaders = (): string[] =>
    [...replicas]
      .filter(([, p]) => {
        const events = p
          .lines()
          .filter((l) => l.component === 'controller' && (l.event === 'leading' || l.event === 'standby'));
        return events.at(-1)?.event === 'leading' && p.child.exitCode === null && p.child.signalCode === null;
      })
      .map(([name]) => name);
  let webhookPorts: number[] = [];
  const start = (name: string, webhookPort?: number): void => {
    const webhook = webhookPort
      ? ['--webhook-listen', `127.0.0.1:${webhookPort}`, '--webhook-ip-san', '127.0.0.1']
      : [];
    replicas.set(name, startController(cp, name, ['--leader-elect', ...webhook], token));
  };
  /** Creates a Service and resolves with the ms until it holds an address. */
  const allocationTime = async (name: string, from: number): Promise<number> => {
    apply(cp, lb(name));
    await eventually(() => addresses().get(name), `${name} allocated`, 30_000);
    return Date.now() - from;
  };

  before(async () => {
    cp = await startControlPlane();
    installDeploy(cp);
    apply(
      cp,
      JSON.stringify({
        apiVersion: 'metallb.io/v1beta1',
        kind: 'IPAddressPool',
        metadata: { name: 'p', namespace: NAMESPACE },
        spec: { addresses: ['10.50.0.0/28'] },
      }),
    );
    token = serviceAccountToken(cp, 'controller');
    webhookPorts = await freePorts(2);
    // The apiserver calls replica-b's webhook (in a cluster the Service picks any ready replica).
    installWebhooksAt(cp, webhookPorts[1]!);
    start('replica-a', webhookPorts[0]);
    start('replica-b', webhookPorts[1]);
  });

  after(async () => {
    for (const p of replicas.values()) await p.stop('SIGKILL');
    await cp.stop();
  });

  it('elects exactly one leader, which allocates', async () => {
    const [leader] = await eventually(() => (leaders().length === 1 ? leaders() : undefined), 'one leader');
    await allocationTime('first', Date.now());
    assert.equal(addresses().get('first'), '10.50.0.0');
    const lease = getJson<{ spec: { holderIdentity: string } }>(cp, [
      'lease',
      '-n',
      NAMESPACE,
      'herald-controller',
    ]);
    // The identity is the replica's name plus a per-process suffix.
    assert.match(lease.spec.holderIdentity, new RegExp(`^${leader!}_[0-9a-f]{8}$`));
    // The standby has made no allocation of its own.
    const standby = [...replicas.keys()].find((n) => n !== leader)!;
    assert.equal(
      replicas
        .get(standby)!
        .lines()
        .filter((l) => l.component === 'allocator').length,
      0,
    );
  });

  it("refuses a bad object through the controller's webhook, naming the field", async () => {
    const overlapping = JSON.stringify({
      apiVersion: 'metallb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: { name: 'overlapping', namespace: NAMESPACE },
      spec: { addresses: ['10.50.0.8/29'] },
    });
    // The webhook's CA reaches the configuration asynchronously: wait for a definite answer.
    const refusal = await eventually(
      () => {
        try {
          apply(cp, overlapping);
          return 'accepted';
        } catch (e) {
          const message = (e as Error).message;
          return message.includes('denied the request') ? message : undefined;
        }
      },
      'a webhook verdict',
      30_000,
    );
    assert.match(
      refusal,
      /IPAddressPool metallb-system\/overlapping: spec\.addresses\[0\]: CIDR "10\.50\.0\.8\/29" in pool "overlapping" overlaps with already defined CIDR "10\.50\.0\.0\/28"/,
    );
  });

  it('hands over to the standby when the leader is killed, and when it is stopped (Lease released)', async () => {
    const before = addresses();
    const [killed] = leaders();
    const killedAt = Date.now();
    await replicas.get(killed!)!.stop('SIGKILL');
    const afterKill = await allocationTime('after-kill', killedAt);
    console.log(`leader SIGKILL → next Service allocated by the standby: ${afterKill} ms`);
    assert.ok(afterKill < 8000, `takeover after SIGKILL took ${afterKill} ms`);

    // The killed replica comes back (a new process) as standby; the leader then stops gracefully.
    const restarted = `${killed!}-restarted`;
    start(restarted);
    await eventually(() => (leaders().length === 1 ? true : undefined), 'one leader');
    await new Promise((r) => setTimeout(r, 1500));
    const [stopping] = leaders();
    assert.notEqual(stopping, restarted);
    const stoppedAt = Date.now();
    await replicas.get(stopping!)!.stop('SIGTERM');
    const afterTerm = await allocationTime('after-term', stoppedAt);
    console.log(`leader SIGTERM (Lease released) → next Service allocated: ${afterTerm} ms`);
    assert.ok(afterTerm < 4000, `takeover after SIGTERM took ${afterTerm} ms`);
    assert.deepEqual(leaders(), [restarted]);

    const now = addresses();
    for (const [name, ip] of before) assert.equal(now.get(name), ip, `${name} kept its address`);
    assert.equal(new Set(now.values()).size, now.size, 'no address given twice');
  });
});
