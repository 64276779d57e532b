// What a speaker on Kubernetes tells the API about its layer-2 announcements, as MetalLB 0.14+
// does: one ServiceL2Status per announced Service (status: node, service, interfaces), labelled
// with node and service so `kubectl get servicel2statuses -l metallb.io/node=N` works, removed
// when the node stops announcing; and a Normal Event `nodeAssigned` on the Service when this node
// starts announcing it. Converging: each apply() is the whole desired set.
import { createHash } from 'node:crypto';
import type { Layer2Announcement } from '../ports/announcer.js';
import type { EventRecorder } from './event-recorder.js';
import { isConflict, isNotFound, type KubeRest } from './rest.js';
import type { WriteQueue } from './write-queue.js';

export const L2_STATUS_LABELS = {
  node: 'metallb.io/node',
  serviceName: 'metallb.io/service-name',
  serviceNamespace: 'metallb.io/service-namespace',
} as const;

export interface L2StatusOptions {
  readonly rest: KubeRest;
  readonly queue: WriteQueue;
  readonly events: EventRecorder;
  readonly namespace: string;
  readonly node: string;
  /** The interfaces an announcement uses (empty in the announcement = every usable one). */
  readonly interfacesOf: (announcement: Layer2Announcement) => readonly string[];
  /** The Service's uid, for the Event's involved object. */
  readonly serviceUid: (namespace: string, name: string) => string | undefined;
}

/** One object per (node, service): a deterministic name, so a restart finds its own. */
export const l2StatusName = (node: string, service: string): string =>
  `l2-${createHash('sha256').update(`${node}|${service}`).digest('hex').slice(0, 16)}`;

export class L2StatusReporter {
  private readonly written = new Map<string, string>();
  private readonly path: string;

  constructor(private readonly options: L2StatusOptions) {
    this.path = `/apis/metallb.io/v1beta1/namespaces/${options.namespace}/servicel2statuses`;
  }

  apply(desired: ReadonlyMap<string, Layer2Announcement>): void {
    for (const [service, announcement] of desired) {
      const interfaces = [...this.options.interfacesOf(announcement)];
      const signature = JSON.stringify(interfaces);
      if (this.written.get(service) === signature) continue;
      const first = !this.written.has(service);
      this.written.set(service, signature);
      this.put(service, interfaces);
      if (first) this.announceEvent(service);
    }
    for (const service of [...this.written.keys()]) {
      if (desired.has(service)) continue;
      this.written.delete(service);
      this.remove(service);
    }
  }

  /** After a restart: this node's objects for Services it no longer announces go away. */
  async removeStale(): Promise<void> {
    const selector = encodeURIComponent(`${L2_STATUS_LABELS.node}=${this.options.node}`);
    const list = await this.options.rest.request<{
      items?: { metadata?: { name?: string; labels?: Record<string, string> } }[];
    }>({
      method: 'GET',
      path: `${this.path}?labelSelector=${selector}`,
    });
    for (const item of list.items ?? []) {
      const labels = item.metadata?.labels ?? {};
      const service = `${labels[L2_STATUS_LABELS.serviceNamespace] ?? ''}/${labels[L2_STATUS_LABELS.serviceName] ?? ''}`;
      if (!this.written.has(service) && item.metadata?.name) this.remove(service, item.metadata.name);
    }
  }

  private put(service: string, interfaces: readonly string[]): void {
    const { rest, node } = this.options;
    const [serviceNamespace = '', serviceName = ''] = service.split('/');
    const name = l2StatusName(node, service);
    this.options.queue.put(`l2status:${service}`, 1, async () => {
      try {
        await rest.request({
          method: 'POST',
          path: this.path,
          body: {
            apiVersion: 'metallb.io/v1beta1',
            kind: 'ServiceL2Status',
            metadata: {
              name,
              namespace: this.options.namespace,
              labels: {
                [L2_STATUS_LABELS.node]: node,
                [L2_STATUS_LABELS.serviceName]: serviceName,
                [L2_STATUS_LABELS.serviceNamespace]: serviceNamespace,
              },
            },
            spec: {},
          },
        });
      } catch (e) {
        if (!isConflict(e)) throw e; // it exists: a restart, or an interface change
      }
      await rest.request({
        method: 'PATCH',
        path: `${this.path}/${name}/status`,
        body: {
          status: { node, serviceName, serviceNamespace, interfaces: interfaces.map((i) => ({ name: i })) },
        },
      });
    });
  }

  private remove(service: string, name = l2StatusName(this.options.node, service)): void {
    this.options.queue.put(`l2status:${service}`, 1, async () => {
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
        message: `announcing from node "${this.options.node}" with protocol "layer2"`,
      },
    );
  }
}
