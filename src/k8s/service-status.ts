// What a speaker on Kubernetes tells the API about the Services it announces, as MetalLB 0.14+
// does: one status object per (node, Service) and protocol in the speaker's namespace —
// ServiceL2Status (layer 2: the interfaces) or ServiceBGPStatus (BGP: the peers) — labelled with
// node and Service so `kubectl get servicebgpstatuses -l metallb.io/node=N` works, its status
// holding node, serviceName, serviceNamespace and the protocol's own fields; removed when the node
// stops announcing the Service. A Normal Event `nodeAssigned` on the Service when this node starts
// announcing it: `announcing from node "N" with protocol "layer2"` (or "bgp").
// Converging: each apply() is the whole desired set (optionally with the services that changed,
// so only those are looked at). Writes go through the speaker's write queue (coalesced per
// object, retried while the apiserver is away).
import { createHash } from 'node:crypto';
import type { EventRecorder } from './event-recorder.js';
import { isConflict, isNotFound, type KubeRest } from './rest.js';
import type { WriteQueue } from './write-queue.js';

export const STATUS_LABELS = {
  node: 'metallb.io/node',
  serviceName: 'metallb.io/service-name',
  serviceNamespace: 'metallb.io/service-namespace',
} as const;

export interface StatusKind {
  readonly kind: 'ServiceL2Status' | 'ServiceBGPStatus';
  readonly plural: 'servicel2statuses' | 'servicebgpstatuses';
  /** Name prefix (MetalLB generates names from `l2-` / `bgp-`; ours are deterministic). */
  readonly prefix: 'l2' | 'bgp';
  /** The protocol named in the `nodeAssigned` Event. */
  readonly protocol: 'layer2' | 'bgp';
}

export const L2_STATUS: StatusKind = {
  kind: 'ServiceL2Status',
  plural: 'servicel2statuses',
  prefix: 'l2',
  protocol: 'layer2',
};

export const BGP_STATUS: StatusKind = {
  kind: 'ServiceBGPStatus',
  plural: 'servicebgpstatuses',
  prefix: 'bgp',
  protocol: 'bgp',
};

export interface StatusOptions {
  readonly rest: Pick<KubeRest, 'request'>;
  readonly queue: Pick<WriteQueue, 'put'>;
  readonly events: Pick<EventRecorder, 'record'>;
  readonly namespace: string;
  readonly node: string;
  /** The Service's uid, for the Event's involved object. */
  readonly serviceUid: (namespace: string, name: string) => string | undefined;
}

/** One object per (node, Service): a deterministic name, so a restart finds its own. */
export const statusName = (kind: StatusKind, node: string, service: string): string =>
  `${kind.prefix}-${createHash('sha256').update(`${node}|${service}`).digest('hex').slice(0, 16)}`;

/**
 * The status objects of one kind for one node. `T`: what the node announces of one Service;
 * `fields` turns it into the status fields of the kind (interfaces, peers).
 */
export class ServiceStatusWriter<T> {
  /** By `namespace/name`: the protocol fields last written. */
  private readonly written = new Map<string, string>();
  private readonly path: string;

  constructor(
    private readonly kind: StatusKind,
    private readonly options: StatusOptions,
    private readonly fields: (announced: T) => Readonly<Record<string, unknown>>,
  ) {
    this.path = `/apis/metallb.io/v1beta1/namespaces/${options.namespace}/${kind.plural}`;
  }

  /**
   * `desired`: every Service this node announces, by `namespace/name`; `changed`, when given, the
   * only ones that may differ from the previous apply (the others are not looked at).
   */
  apply(desired: ReadonlyMap<string, T>, changed?: ReadonlySet<string>): void {
    if (changed) {
      for (const service of changed) this.applyOne(service, desired.get(service));
      return;
    }
    for (const [service, announced] of desired) this.applyOne(service, announced);
    for (const service of [...this.written.keys()])
      if (!desired.has(service)) this.applyOne(service, undefined);
  }

  private applyOne(service: string, announced: T | undefined): void {
    if (announced === undefined) {
      if (!this.written.delete(service)) return;
      this.remove(service);
      return;
    }
    const fields = this.fields(announced);
    const signature = JSON.stringify(fields);
    if (this.written.get(service) === signature) return;
    const first = !this.written.has(service);
    this.written.set(service, signature);
    this.put(service, fields);
    if (first) this.announceEvent(service);
  }

  /** After a restart: this node's objects for Services it no longer announces go away. */
  async removeStale(): Promise<void> {
    const selector = encodeURIComponent(`${STATUS_LABELS.node}=${this.options.node}`);
    const list = await this.options.rest.request<{
      items?: { metadata?: { name?: string; labels?: Record<string, string> } }[];
    }>({ method: 'GET', path: `${this.path}?labelSelector=${selector}` });
    for (const item of list.items ?? []) {
      const labels = item.metadata?.labels ?? {};
      const service = `${labels[STATUS_LABELS.serviceNamespace] ?? ''}/${labels[STATUS_LABELS.serviceName] ?? ''}`;
      if (!this.written.has(service) && item.metadata?.name) this.remove(service, item.metadata.name);
    }
  }

  private key(service: string): string {
    return `${this.kind.prefix}status:${service}`;
  }

  private put(service: string, fields: Readonly<Record<string, unknown>>): void {
    const { rest, node, namespace } = this.options;
    const [serviceNamespace = '', serviceName = ''] = service.split('/');
    const name = statusName(this.kind, node, service);
    this.options.queue.put(this.key(service), 1, async () => {
      try {
        await rest.request({
          method: 'POST',
          path: this.path,
          body: {
            apiVersion: 'metallb.io/v1beta1',
            kind: this.kind.kind,
            metadata: {
              name,
              namespace,
              labels: {
                [STATUS_LABELS.node]: node,
                [STATUS_LABELS.serviceName]: serviceName,
                [STATUS_LABELS.serviceNamespace]: serviceNamespace,
              },
            },
            spec: {},
          },
        });
      } catch (e) {
        if (!isConflict(e)) throw e; // it exists: a restart, or a change of the protocol fields
      }
      await rest.request({
        method: 'PATCH',
        path: `${this.path}/${name}/status`,
        body: { status: { node, serviceName, serviceNamespace, ...fields } },
      });
    });
  }

  private remove(service: string, name = statusName(this.kind, this.options.node, service)): void {
    this.options.queue.put(this.key(service), 1, async () => {
      try {
        await this.options.rest.request({ method: 'DELETE', path: `${this.path}/${name}` });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    });
  }

  private announceEvent(service: string): void {
    const [namespace = '', name = ''] = service.split('/');
    const uid = this.options.serviceUid(namespace, name);
    this.options.events.record(
      { apiVersion: 'v1', kind: 'Service', namespace, name, ...(uid !== undefined ? { uid } : {}) },
      {
        type: 'Normal',
        reason: 'nodeAssigned',
        message: `announcing from node "${this.options.node}" with protocol "${this.kind.protocol}"`,
      },
    );
  }
}
