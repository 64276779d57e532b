// `herald lab up --k8s` end to end, as a user meets it: a real kube-apiserver and etcd in the
// lab's control-plane namespace, `herald controller` and three speakers in Kubernetes mode, each
// under its own ServiceAccount token with deploy/'s RBAC. Everything is observed from outside the
// speakers: the Service's status through the API, HTTP and ARP from the client namespace.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { labKubeconfig, labKubectl, startLabApiserver } from '../../src/lab/k8s/lab-cluster.js';
import { clientSeesAnnouncer } from '../../src/lab/lab.js';
import { readState, signal, writeState, netnsExec, type LabState } from '../../src/lab/system.js';
import { labTopology, type LabTopology } from '../../src/lab/topology.js';
import { isRoot } from '../support/netns.js';
import { testLab, type TestLab } from '../support/lab.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The standalone lab tests' bound for a cable cut (lab.test.ts, standalone-speaker.test.ts). */
const FAILOVER_BOUND_MS = 5000;

interface L2Status {
  metadata: { name: string; labels?: Record<string, string> };
  status?: { node?: string; serviceName?: string; serviceNamespace?: string };
}

describe(
  'herald lab up --k8s',
  { skip: !isRoot() && 'needs root for network namespaces', timeout: 400_000 },
  () => {
    let lab: TestLab;
    let t: LabTopology;
    let state: LabState;
    const kubectl = (...args: string[]) => labKubectl(t, state.k8s?.bin ?? '', args);
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape it reads
    const json = <T>(...args: string[]): T => JSON.parse(kubectl('get', ...args, '-o', 'json')) as T;
    const ingress = (name: string) =>
      (
        json<{ status?: { loadBalancer?: { ingress?: { ip: string }[] } } }>('service', '-n', 'default', name)
          .status?.loadBalancer?.ingress ?? []
      ).map((i) => i.ip);
    const statusesOf = (service: string) =>
      json<{ items: L2Status[] }>('servicel2statuses', '-n', 'metallb-system').items.filter(
        (s) => s.metadata.labels?.['metallb.io/service-name'] === service,
      );
    const curl = (address: string) => lab.client('curl', '-s', '-g', '-m', '1', `http://${address}/`);
    const eventually = async <T>(what: string, check: () => T | undefined, ms = 15_000): Promise<T> => {
      const deadline = Date.now() + ms;
      let last: unknown;
      for (;;) {
        try {
          const value = check();
          if (value !== undefined) return value;
        } catch (e) {
          last = e;
        }
        if (Date.now() > deadline)
          throw new Error(`${what} within ${ms} ms (${last instanceof Error ? last.message : 'no answer'})`);
        await sleep(200);
      }
    };
    /** Polls the client until `address` is answered by a node other than `from`; ms taken. */
    const failoverFrom = async (
      from: string,
      address: string,
      since: number,
    ): Promise<{ to: string; ms: number }> => {
      for (;;) {
        const answer = curl(address);
        if (/^node\d$/.test(answer) && answer !== from) return { to: answer, ms: Date.now() - since };
        if (Date.now() - since > FAILOVER_BOUND_MS * 2)
          throw new Error(`no node but ${from} served ${address}`);
        await sleep(50);
      }
    };

    before(() => {
      lab = testLab('k');
      const up = lab.herald('lab', 'up', '--k8s', '--id', lab.id, '--nodes', '3');
      assert.equal(up.status, 0, `${up.stdout}\n${up.stderr}`);
      const read = readState(lab.id);
      assert.ok(read?.k8s, 'the lab state records its control plane');
      state = read;
      t = labTopology(3, lab.id);
    });
    after(() => lab.down());

    it('the controller assigns the address through the API; the client reaches it; ServiceL2Status names the node it sees', async () => {
      assert.deepEqual(ingress('web'), [t.vipv4, t.vipv6]);
      assert.match(curl(t.vipv4), /^node\d$/);
      const announcer = clientSeesAnnouncer(t);
      assert.ok(announcer, 'the client resolved the VIP to a node');
      const statuses = await eventually('one ServiceL2Status for web', () => {
        const s = statusesOf('web');
        return s.length === 1 ? s : undefined;
      });
      assert.equal(statuses[0]?.status?.node, announcer);
      assert.equal(statuses[0].metadata.labels?.['metallb.io/node'], announcer);
      const events = json<{ items: { reason: string; message: string; involvedObject: { name: string } }[] }>(
        'events',
        '-n',
        'default',
      ).items.filter((e) => e.involvedObject.name === 'web');
      assert.ok(
        events.some((e) => e.reason === 'IPAllocated'),
        JSON.stringify(events),
      );
      assert.ok(
        events.some((e) => e.reason === 'nodeAssigned' && e.message.includes(`"${announcer}"`)),
        JSON.stringify(events),
      );
      assert.ok(
        !events.some((e) => e.reason === 'AllocationFailed'),
        'configuration applied before the Service',
      );
    });

    it('a Service applied through the API gets the next free address and is served', async () => {
      kubectl('apply', '-f', join(import.meta.dirname, '../../examples/lab/hello.yaml'));
      const [address] = await eventually('an address for hello', () => {
        const a = ingress('hello');
        return a.length > 0 ? a : undefined;
      });
      assert.equal(address, '10.77.0.201');
      await eventually('hello served', () => (/^node\d$/.test(curl('10.77.0.201')) ? true : undefined));
    });

    it('the speakers run under the speaker ServiceAccount: they may write their status objects, not Services', () => {
      const canI = (...args: string[]) => {
        try {
          return execFileSync(
            'ip',
            [
              'netns',
              'exec',
              t.controlPlane.namespace,
              `${state.k8s?.bin}/kubectl`,
              '--kubeconfig',
              labKubeconfig(lab.id, 'speaker-node1'),
              'auth',
              'can-i',
              ...args,
            ],
            { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
          ).trim();
        } catch (e) {
          return ((e as { stdout?: string }).stdout ?? '').trim();
        }
      };
      assert.equal(canI('create', 'servicel2statuses.metallb.io', '-n', 'metallb-system'), 'yes');
      assert.equal(canI('create', 'events', '-n', 'default'), 'yes');
      assert.equal(canI('patch', 'services/status', '-n', 'default'), 'no');
      assert.equal(canI('update', 'ipaddresspools.metallb.io', '-n', 'metallb-system'), 'no');
      assert.equal(canI('get', 'secrets', '-n', 'default'), 'no');
      for (const n of t.nodes) {
        // A refusal shows in a warning or error naming it (a bare "403" could be a timestamp).
        const forbidden = lab
          .logs(n.name)
          .filter((l) => (l.level === 'warn' || l.level === 'error') && /forbidden/i.test(JSON.stringify(l)));
        assert.deepEqual(forbidden, [], `${n.name} was refused by RBAC`);
      }
    });

    it('cable cut: another node serves within the standalone bound and the ServiceL2Status follows', async () => {
      const announcer = clientSeesAnnouncer(t);
      assert.ok(announcer);
      const cutAt = Date.now();
      assert.equal(lab.herald('lab', 'cut', announcer, '--id', lab.id).status, 0);
      const { to, ms } = await failoverFrom(announcer, t.vipv4, cutAt);
      assert.ok(ms <= FAILOVER_BOUND_MS, `${to} served after ${ms} ms`);
      await eventually(`a ServiceL2Status for web on ${to}`, () =>
        statusesOf('web').some((s) => s.status?.node === to) ? true : undefined,
      );
      assert.equal(lab.herald('lab', 'heal', announcer, '--id', lab.id).status, 0);
      // Back together: one announcer again (the election may give web back), one object, naming it.
      const settled = await eventually(
        'one ServiceL2Status for web after the heal, naming the node the client sees',
        () => {
          const s = statusesOf('web');
          const seen = clientSeesAnnouncer(t);
          return s.length === 1 && s[0]?.status?.node === seen ? seen : undefined;
        },
        20_000,
      );
      assert.match(settled, /^node\d$/);
    });

    it('apiserver down 60 s: speakers keep serving and fail over over gossip; afterwards a Service deleted meanwhile is withdrawn', async () => {
      const gone = `apiVersion: v1
kind: Service
metadata: { name: gone, namespace: default }
spec:
  type: LoadBalancer
  ports: [{ port: 80, protocol: TCP }]
`;
      labKubectl(t, state.k8s?.bin ?? '', ['apply', '-f', '-'], { input: gone });
      const [goneAddress = ''] = await eventually('an address for gone', () => {
        const a = ingress('gone');
        return a.length > 0 ? a : undefined;
      });
      const arpAnswers = (address: string) =>
        Number(
          /Received (\d+)/.exec(lab.client('arping', '-c', '2', '-w', '2', '-I', 'eth0', address))?.[1] ?? 0,
        );
      await eventually(`${goneAddress} answers ARP`, () => (arpAnswers(goneAddress) > 0 ? true : undefined));

      const k8s = state.k8s;
      assert.ok(k8s);
      const downAt = Date.now();
      signal(k8s.apiserver, 'SIGKILL');
      await eventually('the apiserver gone', () => {
        try {
          kubectl('get', '--raw', '/readyz');
          return undefined;
        } catch {
          return true;
        }
      });
      // While it is down: the Service is deleted behind the speakers' back (in etcd itself).
      netnsExec(t.controlPlane.namespace, [
        'etcdctl',
        '--endpoints=http://127.0.0.1:2379',
        'del',
        '/registry/services/specs/default/gone',
      ]);
      // The VIP stays served; then its announcer's cable is cut and gossip alone moves it.
      await sleep(5000);
      const announcer = clientSeesAnnouncer(t);
      assert.ok(announcer, 'web still announced with the apiserver down');
      assert.match(curl(t.vipv4), /^node\d$/);
      const cutAt = Date.now();
      assert.equal(lab.herald('lab', 'cut', announcer, '--id', lab.id).status, 0);
      const { to, ms } = await failoverFrom(announcer, t.vipv4, cutAt);
      assert.ok(ms <= FAILOVER_BOUND_MS, `${to} served after ${ms} ms without the apiserver`);
      assert.equal(lab.herald('lab', 'heal', announcer, '--id', lab.id).status, 0);
      // The rest of the 60 s: the VIP answers every few seconds.
      while (Date.now() - downAt < 60_000) {
        assert.match(curl(t.vipv4), /^node\d$/, `web served ${Date.now() - downAt} ms into the outage`);
        await sleep(3000);
      }
      assert.ok(arpAnswers(goneAddress) > 0, 'gone still announced: the speakers cannot know yet');

      k8s.apiserver = startLabApiserver(t, k8s.bin);
      writeState(state);
      const back = await eventually(
        'the apiserver back',
        () => (kubectl('get', '--raw', '/readyz').trim() === 'ok' ? true : undefined),
        60_000,
      );
      assert.ok(back);
      const resyncAt = Date.now();
      await eventually(
        `${goneAddress} withdrawn after the resync`,
        () => (arpAnswers(goneAddress) === 0 ? true : undefined),
        30_000,
      );
      process.stdout.write(`# withdrawn ${Date.now() - resyncAt} ms after the apiserver was ready again\n`);
      assert.match(curl(t.vipv4), /^node\d$/);
      await eventually(
        'no ServiceL2Status for gone',
        () => (statusesOf('gone').length === 0 ? true : undefined),
        15_000,
      );
    });
  },
);
