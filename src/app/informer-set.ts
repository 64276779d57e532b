// The informers of one component (controller or speaker), each under its informer machine: built
// from a list of resources, started together, synced together. When one of them finds the
// apiserver back after an outage, the others retry at once instead of waiting out their backoff.
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { InspectionEvent } from 'xstate';
import { InformerSupervisor, type InformerTiming } from '../actors/informer-supervisor.actor.js';
import { ResourceInformer, type ChangeKind } from '../k8s/informer.js';
import type { KubeRest } from '../k8s/rest.js';
import type { EventLog } from '../observe/log.js';
import { apiVersionOf, stamped, type WatchedResource } from './watched-resources.js';
import { systemClock } from './system-clock.js';

export interface InformerSetOptions {
  readonly kubeConfig: KubeConfig;
  readonly rest: KubeRest;
  readonly resources: readonly WatchedResource[];
  readonly log: EventLog;
  readonly inspect?: (event: InspectionEvent) => void;
  readonly timing?: Partial<InformerTiming>;
  /** Every change, with the object stamped with apiVersion and kind. */
  readonly onChange: (resource: WatchedResource, kind: ChangeKind, object: KubernetesObject) => void;
  /** Every informer has synced (once). */
  readonly onAllSynced?: () => void;
}

interface Entry {
  readonly resource: WatchedResource;
  readonly informer: ResourceInformer;
  readonly supervisor: InformerSupervisor;
}

export class InformerSet {
  private readonly entries = new Map<string, Entry>();
  private synced = false;

  constructor(private readonly options: InformerSetOptions) {
    const { log } = options;
    for (const resource of options.resources) {
      const name = `${apiVersionOf(resource)}/${resource.plural}`;
      const informer = new ResourceInformer(options.kubeConfig, options.rest, resource, (kind, object) =>
        options.onChange(resource, kind, stamped(object, resource)),
      );
      const supervisor = new InformerSupervisor(name, informer, {
        clock: systemClock,
        ...(options.inspect ? { inspect: options.inspect } : {}),
        ...(options.timing ? { timing: options.timing } : {}),
        onState: (res, state, reason, error) => {
          const fields = {
            component: 'informer',
            event: 'state',
            resource: res,
            state,
            reason,
            ...(error ? { err: error } : {}),
          };
          if (state === 'degraded') log.warn(fields);
          else log.info(fields);
          if (state === 'synced') this.oneSynced();
        },
      });
      this.entries.set(name, { resource, informer, supervisor });
    }
  }

  start(): void {
    for (const { supervisor } of this.entries.values()) supervisor.start();
  }

  stop(): void {
    for (const { supervisor } of this.entries.values()) supervisor.stop();
  }

  /** Every informer has synced at least once. */
  allSynced(): boolean {
    return this.synced;
  }

  /** The cached objects of one kind, stamped with apiVersion and kind. */
  objectsOf(kind: string): KubernetesObject[] {
    return [...this.entries.values()]
      .filter((e) => e.resource.kind === kind)
      .flatMap((e) => e.informer.objects().map((o) => stamped(o, e.resource)));
  }

  /** The cached objects of every resource the filter keeps. */
  objects(filter: (r: WatchedResource) => boolean = () => true): KubernetesObject[] {
    return [...this.entries.values()]
      .filter((e) => filter(e.resource))
      .flatMap((e) => e.informer.objects().map((o) => stamped(o, e.resource)));
  }

  get(kind: string, name: string, namespace?: string): KubernetesObject | undefined {
    for (const e of this.entries.values()) {
      if (e.resource.kind !== kind) continue;
      const found = e.informer.get(name, namespace);
      if (found) return stamped(found, e.resource);
    }
    return undefined;
  }

  /** For /debug/state: each informer's state, restarts and object count. */
  status(): Record<string, { state: string; restarts: number; objects: number }> {
    return Object.fromEntries(
      [...this.entries].map(([name, e]) => [
        name,
        {
          state: e.supervisor.state(),
          restarts: e.supervisor.restarts(),
          objects: e.informer.objects().length,
        },
      ]),
    );
  }

  private oneSynced(): void {
    for (const e of this.entries.values()) if (e.supervisor.state() === 'degraded') e.supervisor.retryNow();
    if (this.synced) return;
    if (![...this.entries.values()].every((e) => e.supervisor.state() === 'synced')) return;
    this.synced = true;
    this.options.log.info({ component: 'informer', event: 'allSynced', resources: this.entries.size });
    this.options.onAllSynced?.();
  }
}
