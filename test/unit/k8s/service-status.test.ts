// The speaker's status objects (ServiceL2Status, ServiceBGPStatus) against an in-memory apiserver:
// deterministic names, labels and status as MetalLB writes them, one nodeAssigned Event per
// Service first announced, rewritten only on change, removed when no longer announced, and after
// a restart the objects of Services no longer announced are found by label and removed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BgpStatusReporter, bgpStatusName } from '../../../src/k8s/bgp-status.js';
import { L2StatusReporter, l2StatusName } from '../../../src/k8s/l2-status.js';
import { KubeApiError, type RestRequest } from '../../../src/k8s/rest.js';
import { WriteQueue } from '../../../src/k8s/write-queue.js';
import type { Layer2Announcement } from '../../../src/ports/announcer.js';

interface Stored {
  metadata: { name: string; labels: Record<string, string> };
  status?: Record<string, unknown>;
}

/** Just enough of the apiserver: create (409 when it exists), status merge patch, delete, list by label. */
class FakeApi {
  readonly objects = new Map<string, Stored>();
  readonly log: string[] = [];

  request<T>(req: RestRequest): Promise<T> {
    const [path = '', query = ''] = req.path.split('?');
    this.log.push(`${req.method} ${path}`);
    const parts = path.split('/');
    const fail = (status: number, reason: string) =>
      Promise.reject(new KubeApiError(req.method, path, status, reason, reason));
    if (req.method === 'POST') {
      const body = req.body as Stored;
      const key = `${path}/${body.metadata.name}`;
      if (this.objects.has(key)) return fail(409, 'AlreadyExists');
      this.objects.set(key, { metadata: body.metadata });
      return Promise.resolve(undefined as T);
    }
    if (req.method === 'PATCH') {
      const key = parts.slice(0, -1).join('/');
      const stored = this.objects.get(key);
      if (!stored) return fail(404, 'NotFound');
      stored.status = (req.body as { status: Record<string, unknown> }).status;
      return Promise.resolve(undefined as T);
    }
    if (req.method === 'DELETE') {
      if (!this.objects.delete(path)) return fail(404, 'NotFound');
      return Promise.resolve(undefined as T);
    }
    const [label, value] = decodeURIComponent(query.replace(/^labelSelector=/, '')).split('=');
    const items = [...this.objects]
      .filter(([key, o]) => key.startsWith(`${path}/`) && o.metadata.labels[label ?? ''] === value)
      .map(([, o]) => o);
    return Promise.resolve({ items } as T);
  }

  get(plural: string, name: string): Stored | undefined {
    return this.objects.get(`/apis/metallb.io/v1beta1/namespaces/metallb-system/${plural}/${name}`);
  }
}

function setup(node = 'node1', api = new FakeApi()) {
  const queue = new WriteQueue({ concurrency: 4 });
  const events: string[] = [];
  const options = {
    rest: api,
    queue,
    events: {
      record: (o: { name: string; uid?: string }, e: { reason: string; message: string }) =>
        events.push(`${o.name} ${o.uid ?? '-'} ${e.reason}: ${e.message}`),
    },
    namespace: 'metallb-system',
    node,
    serviceUid: (_ns: string, name: string) => `uid-${name}`,
  };
  const l2 = new L2StatusReporter({
    ...options,
    interfacesOf: (a) => (a.interfaces.length > 0 ? a.interfaces : ['eth0', 'eth1']),
  });
  const bgp = new BgpStatusReporter(options);
  return { api, queue, events, l2, bgp };
}

const announcement = (service: string, interfaces: string[] = []): Layer2Announcement => ({
  service,
  ips: ['10.0.0.1'],
  interfaces,
});

describe('ServiceBGPStatus / ServiceL2Status writers', () => {
  it('one ServiceBGPStatus per advertised Service: name, labels, status {node, service, peers}', async () => {
    const { api, queue, events, bgp } = setup();
    bgp.apply(
      new Map([
        ['default/web', ['edge', 'tor']],
        ['shop/cart', ['tor']],
      ]),
    );
    await queue.idle();
    const web = api.get('servicebgpstatuses', bgpStatusName('node1', 'default/web'));
    assert.ok(web);
    assert.match(web.metadata.name, /^bgp-[0-9a-f]{16}$/);
    assert.deepEqual(web.metadata.labels, {
      'metallb.io/node': 'node1',
      'metallb.io/service-name': 'web',
      'metallb.io/service-namespace': 'default',
    });
    assert.deepEqual(web.status, {
      node: 'node1',
      serviceName: 'web',
      serviceNamespace: 'default',
      peers: ['edge', 'tor'],
    });
    assert.deepEqual(api.get('servicebgpstatuses', bgpStatusName('node1', 'shop/cart'))?.status?.peers, [
      'tor',
    ]);
    assert.deepEqual(events, [
      'web uid-web nodeAssigned: announcing from node "node1" with protocol "bgp"',
      'cart uid-cart nodeAssigned: announcing from node "node1" with protocol "bgp"',
    ]);
  });

  it('with the changed services named, writes and removes what the whole set would', async () => {
    const whole = setup();
    const delta = setup();
    const steps: [Map<string, Layer2Announcement>, Set<string>][] = [
      [
        new Map([
          ['default/web', announcement('default/web')],
          ['default/db', announcement('default/db', ['eth1'])],
        ]),
        new Set(['default/web', 'default/db']),
      ],
      [
        new Map([
          ['default/web', announcement('default/web', ['eth0'])],
          ['default/db', announcement('default/db', ['eth1'])],
          ['shop/cart', announcement('shop/cart')],
        ]),
        new Set(['default/web', 'shop/cart']),
      ],
      [new Map([['shop/cart', announcement('shop/cart')]]), new Set(['default/web', 'default/db'])],
    ];
    for (const [desired, changed] of steps) {
      whole.l2.apply(desired);
      delta.l2.apply(desired, changed);
      await Promise.all([whole.queue.idle(), delta.queue.idle()]);
      assert.deepEqual([...delta.api.objects], [...whole.api.objects]);
      assert.deepEqual(delta.api.log, whole.api.log);
    }
    assert.deepEqual(delta.events, whole.events);
    assert.equal(delta.api.objects.size, 1);
  });

  it('rewrites only what changed, no second Event; removes what is no longer advertised', async () => {
    const { api, queue, events, bgp } = setup();
    bgp.apply(
      new Map([
        ['default/web', ['tor']],
        ['default/db', ['tor']],
      ]),
    );
    await queue.idle();
    const before = api.log.length;
    bgp.apply(
      new Map([
        ['default/web', ['tor']],
        ['default/db', ['edge', 'tor']],
      ]),
    );
    await queue.idle();
    assert.deepEqual(
      api.log.slice(before).map((l) => l.replace(/\/apis.*\//, '…/')),
      [`POST …/servicebgpstatuses`, `PATCH …/status`],
    );
    assert.deepEqual(api.get('servicebgpstatuses', bgpStatusName('node1', 'default/db'))?.status?.peers, [
      'edge',
      'tor',
    ]);
    bgp.apply(new Map([['default/db', ['edge', 'tor']]]));
    await queue.idle();
    assert.equal(api.get('servicebgpstatuses', bgpStatusName('node1', 'default/web')), undefined);
    assert.equal(events.length, 2);
  });

  it('ServiceL2Status carries the interfaces; same labels; protocol "layer2" in the Event', async () => {
    const { api, queue, events, l2 } = setup();
    l2.apply(
      new Map([
        ['default/web', announcement('default/web', ['bond0'])],
        ['default/all', announcement('default/all')],
      ]),
    );
    await queue.idle();
    const web = api.get('servicel2statuses', l2StatusName('node1', 'default/web'));
    assert.match(web?.metadata.name ?? '', /^l2-[0-9a-f]{16}$/);
    assert.deepEqual(web?.status, {
      node: 'node1',
      serviceName: 'web',
      serviceNamespace: 'default',
      interfaces: [{ name: 'bond0' }],
    });
    assert.deepEqual(api.get('servicel2statuses', l2StatusName('node1', 'default/all'))?.status?.interfaces, [
      { name: 'eth0' },
      { name: 'eth1' },
    ]);
    assert.equal(events[0], 'web uid-web nodeAssigned: announcing from node "node1" with protocol "layer2"');
    // The two kinds never share a name for the same (node, Service).
    assert.notEqual(l2StatusName('node1', 'default/web'), bgpStatusName('node1', 'default/web'));
  });

  it('after a restart: the objects it still wants are kept, the others of this node removed, other nodes untouched', async () => {
    const api = new FakeApi();
    const first = setup('node1', api);
    first.bgp.apply(
      new Map([
        ['default/kept', ['tor']],
        ['default/gone', ['tor']],
      ]),
    );
    const other = setup('node2', api);
    other.bgp.apply(new Map([['default/gone', ['tor']]]));
    await Promise.all([first.queue.idle(), other.queue.idle()]);
    assert.equal(api.objects.size, 3);

    const restarted = setup('node1', api);
    restarted.bgp.apply(new Map([['default/kept', ['edge', 'tor']]]));
    await restarted.bgp.removeStale();
    await restarted.queue.idle();
    assert.equal(api.get('servicebgpstatuses', bgpStatusName('node1', 'default/gone')), undefined);
    assert.deepEqual(api.get('servicebgpstatuses', bgpStatusName('node1', 'default/kept'))?.status?.peers, [
      'edge',
      'tor',
    ]);
    assert.ok(api.get('servicebgpstatuses', bgpStatusName('node2', 'default/gone')));
  });
});
