// The speaker's Kubernetes configuration source: informers (each under its informer machine) for
// Services, EndpointSlices, Nodes, Namespaces cluster-wide and, in the agent's namespace, every
// metallb.io kind, FRRConfigurations and Secrets. The speaker reads one list of objects from it,
// exactly as from a YAML directory; Services' addresses are only those the controller wrote.
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { InspectionEvent } from 'xstate';
import type { InformerTiming } from '../actors/informer-supervisor.actor.js';
import type { KubeRest } from '../k8s/rest.js';
import type { EventLog } from '../observe/log.js';
import type { ConfigSource } from '../ports/config-source.js';
import { InformerSet } from './informer-set.js';
import { speakerResources } from './watched-resources.js';

/** Changes arriving together (a list, a burst of EndpointSlice updates) make one re-read. */
const CHANGE_DEBOUNCE_MS = 50;

export interface KubeSourceOptions {
  readonly kubeConfig: KubeConfig;
  readonly rest: KubeRest;
  readonly namespace: string;
  readonly log: EventLog;
  readonly inspect?: (event: InspectionEvent) => void;
  readonly timing?: Partial<InformerTiming>;
}

export class KubeConfigSource implements ConfigSource {
  readonly name = 'kubernetes';
  readonly addresses = 'status' as const;
  private readonly informers: InformerSet;
  private changed: (() => void) | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private resolveSynced: (() => void) | undefined;

  constructor(options: KubeSourceOptions) {
    this.informers = new InformerSet({
      kubeConfig: options.kubeConfig,
      rest: options.rest,
      resources: speakerResources(options.namespace),
      log: options.log,
      ...(options.inspect ? { inspect: options.inspect } : {}),
      ...(options.timing ? { timing: options.timing } : {}),
      onChange: () => this.schedule(),
      onAllSynced: () => this.resolveSynced?.(),
    });
  }

  start(changed: () => void): Promise<void> {
    this.changed = changed;
    const synced = new Promise<void>((resolve) => (this.resolveSynced = resolve));
    this.informers.start();
    return synced;
  }

  read(): Promise<readonly unknown[]> {
    return Promise.resolve(this.informers.objects());
  }

  readiness(): Readonly<Record<string, boolean>> {
    return { informersSynced: this.informers.allSynced() };
  }

  /** Each Node's InternalIP (else its first address): where the other speakers listen. */
  nodeAddresses(): { node: string; address: string }[] {
    return this.informers.objectsOf('Node').flatMap((node: KubernetesObject & { status?: NodeStatus }) => {
      const addresses = node.status?.addresses ?? [];
      const address = (addresses.find((a) => a.type === 'InternalIP') ?? addresses[0])?.address;
      return address && node.metadata?.name ? [{ node: node.metadata.name, address }] : [];
    });
  }

  /** For /debug/state. */
  status(): Record<string, unknown> {
    return this.informers.status();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.informers.stop();
  }

  private schedule(): void {
    if (this.timer !== undefined || !this.informers.allSynced()) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.changed?.();
    }, CHANGE_DEBOUNCE_MS);
  }
}

interface NodeStatus {
  readonly addresses?: readonly { readonly type?: string; readonly address?: string }[];
}
