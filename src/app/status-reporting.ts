// What a speaker on Kubernetes writes about its work: a ServiceL2Status per Service it announces
// in layer 2, a ServiceBGPStatus per Service it advertises, and their Events — all through one
// write queue, flushed (bounded) at shutdown.
import type { InterfaceInfo } from '../core/net/interfaces.js';
import { announceInterfaces } from '../core/net/interfaces.js';
import { BgpStatusReporter } from '../k8s/bgp-status.js';
import { EventRecorder } from '../k8s/event-recorder.js';
import { L2StatusReporter } from '../k8s/l2-status.js';
import type { KubeRest } from '../k8s/rest.js';
import { WriteQueue } from '../k8s/write-queue.js';
import type { EventLog } from '../observe/log.js';
import type { Layer2Announcement } from '../ports/announcer.js';

export interface StatusReportingOptions {
  readonly rest: KubeRest;
  readonly log: EventLog;
  readonly node: string;
  readonly namespace: string;
  readonly serviceUid: (namespace: string, name: string) => string | undefined;
  /** The node's interfaces now (the layer-2 statuses name them). */
  readonly interfaces: () => readonly InterfaceInfo[];
  /** When to remove objects an earlier run of this node left for Services it no longer serves. */
  readonly staleCleanupAfterMs: number;
}

export class StatusReporting {
  private readonly queue: WriteQueue;
  private readonly l2: L2StatusReporter;
  private readonly bgp: BgpStatusReporter;
  private readonly interfaces: () => readonly InterfaceInfo[];
  /** The usable interfaces when the layer-2 statuses were last applied. */
  private interfacesApplied: string | undefined;

  constructor(options: StatusReportingOptions) {
    const { rest, log, node, namespace, serviceUid } = options;
    this.interfaces = options.interfaces;
    this.queue = new WriteQueue({
      concurrency: 8,
      onError: (key, error, willRetry) => {
        const fields = { component: 'status', event: 'writeFailed', key, willRetry, err: String(error) };
        if (willRetry) log.warn(fields);
        else log.error(fields);
      },
    });
    const events = new EventRecorder(rest, this.queue, { component: 'metallb-speaker', instance: node });
    const common = { rest, queue: this.queue, events, namespace, node, serviceUid };
    this.l2 = new L2StatusReporter({
      ...common,
      interfacesOf: (a) => announceInterfaces(options.interfaces(), a.interfaces),
    });
    this.bgp = new BgpStatusReporter(common);
    setTimeout(() => {
      for (const reporter of [this.l2, this.bgp])
        reporter
          .removeStale()
          .catch((e: unknown) =>
            log.warn({ component: 'status', event: 'staleCleanupFailed', err: String(e) }),
          );
    }, options.staleCleanupAfterMs);
  }

  /** The layer-2 announcements (with the leadership actor's delta, when it gives one). */
  layer2(desired: ReadonlyMap<string, Layer2Announcement>, changed?: ReadonlySet<string>): void {
    // The statuses name the interfaces: after a rescan changed them, every one is looked at.
    const usable = announceInterfaces(this.interfaces(), []).join();
    this.l2.apply(desired, usable === this.interfacesApplied ? changed : undefined);
    this.interfacesApplied = usable;
  }

  /** Per Service, the BGPPeers its routes go to. */
  bgpPeers(advertised: ReadonlyMap<string, string[]>): void {
    this.bgp.apply(advertised);
  }

  /** Waits for the writes in flight, at most 1 s (shutdown must not hang on a dead apiserver). */
  async flush(): Promise<void> {
    await Promise.race([this.queue.idle(), new Promise((r) => setTimeout(r, 1000))]);
  }

  close(): void {
    this.queue.close();
  }
}
