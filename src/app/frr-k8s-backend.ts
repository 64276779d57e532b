// The FRR-K8s backend of one node (MetalLB's frr-k8s and frr-k8s-external modes): Herald runs no
// BGP; the node's plan becomes one FRRConfiguration (src/frr/render/to-frr-configuration.ts),
// kept in the store (the API, or standalone a directory) by the publisher: debounced, no-op
// writes skipped, failures retried while FRR-K8s goes on carrying the last object written. A plan
// that cannot be carried is logged with the object and field at fault, and the last good object
// stays.
import type { BgpNodePlan } from '../core/bgp-plan/index.js';
import type { Config } from '../core/config/types.js';
import {
  FrrConfigurationPublisher,
  type PublisherStatus,
  type PublisherTiming,
} from '../actors/frr-configuration-publisher.actor.js';
import { frrConfigurationForNode, frrConfigurationName } from '../frr/render/to-frr-configuration.js';
import type { EventLog } from '../observe/log.js';
import type { FrrConfigurationStore } from '../ports/frr-configuration-store.js';
import { systemClock } from './system-clock.js';

export interface FrrK8sBackendOptions {
  readonly node: string;
  /** Where FRR-K8s reads FRRConfigurations. */
  readonly namespace: string;
  readonly store: FrrConfigurationStore;
  readonly log: EventLog;
  readonly timing?: Partial<PublisherTiming>;
}

export class FrrK8sBgp {
  private readonly publisher: FrrConfigurationPublisher;
  private renderErrors: string[] = [];
  private prefixes = 0;
  private neighbors = 0;

  constructor(private readonly options: FrrK8sBackendOptions) {
    const { log, store, namespace, node } = options;
    const object = `FRRConfiguration ${namespace}/${frrConfigurationName(node)}`;
    this.publisher = new FrrConfigurationPublisher({
      store,
      namespace,
      name: frrConfigurationName(node),
      clock: systemClock,
      ...(options.timing ? { timing: options.timing } : {}),
      onWritten: (what) =>
        log.info({
          component: 'frrk8s',
          event: what === 'put' ? 'configWritten' : 'configRemoved',
          object,
          where: store.where,
          neighbors: this.neighbors,
          prefixes: this.prefixes,
        }),
      onFailed: (what, error, retryMs) =>
        log.error({
          component: 'frrk8s',
          event: 'writeFailed',
          object,
          where: store.where,
          op: what,
          // The apiserver's message names the field it refused (422) or the right missing (403).
          err: String(error),
          retryMs,
          keptLastGood: true,
        }),
    });
    log.info({ component: 'frrk8s', event: 'backend', object, where: store.where });
  }

  get namespace(): string {
    return this.options.namespace;
  }

  /** The node's plan as its FRRConfiguration; a plan that cannot be carried keeps the last one. */
  update(config: Config, plan: BgpNodePlan): void {
    const result = frrConfigurationForNode({ config, plan, namespace: this.options.namespace });
    if (!result.ok) {
      const errors = result.errors.map((e) => `${e.source}: ${e.message}`);
      if (errors.join('\n') !== this.renderErrors.join('\n'))
        for (const err of errors)
          this.options.log.error({ component: 'frrk8s', event: 'planRefused', err, keptLastGood: true });
      this.renderErrors = errors;
      return;
    }
    this.renderErrors = [];
    const routers = result.object.spec.bgp.routers;
    this.neighbors = routers.reduce((n, r) => n + r.neighbors.length, 0);
    this.prefixes = routers.reduce((n, r) => n + r.prefixes.length, 0);
    this.publisher.set(result.empty ? undefined : result.object);
  }

  status(): PublisherStatus & { renderErrors: readonly string[]; where: string } {
    return { ...this.publisher.status(), renderErrors: this.renderErrors, where: this.options.store.where };
  }

  /** With `remove`, withdraws the object (speaker stopping, or another backend taking over). */
  stop(options: { remove: boolean }): Promise<void> {
    return this.publisher.stop(options);
  }
}
