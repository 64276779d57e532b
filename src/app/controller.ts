// `herald controller`: the composition root of the allocating controller. Informers (each
// supervised by an informer machine) feed the pure Reconciler; its outcomes become writes to the
// API (status, pool annotation, Events, pool status) through one prioritised, coalescing queue.
//
// Leadership: only the leader allocates and writes. A standby keeps its informers warm; when it
// becomes leader it builds a fresh Reconciler from its caches and makes a restart pass (holders
// first), so a takeover never moves an address. Losing the lease drops every pending write.
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { ConfigIssue } from '../core/config/issues.js';
import { Reconciler, type Outcome } from '../core/controller/reconciler.js';
import { readService } from '../core/service/model.js';
import type { InformerTiming } from '../actors/informer-supervisor.actor.js';
import { startAdmission } from '../k8s/admission.js';
import { EventRecorder, type ObjectReference } from '../k8s/event-recorder.js';
import {
  ensureMemberlistSecret,
  writePoolAnnotation,
  writePoolStatus,
  writeServiceIngress,
} from '../k8s/controller-writes.js';
import { KubeRest } from '../k8s/rest.js';
import { WriteQueue } from '../k8s/write-queue.js';
import { createControllerMetrics, type ControllerMetrics } from '../observe/controller-metrics.js';
import { startDebugServer, stopDebugServer, type ListenAddress } from '../observe/debug-server.js';
import { transitionFields, type EventLog } from '../observe/log.js';
import { StateBoard } from '../observe/state-board.js';
import { lazyMachineCharts } from './charts.js';
import { controllerResources, type WatchedResource } from './watched-resources.js';
import { InformerSet } from './informer-set.js';

export interface ControllerOptions {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  readonly identity: string;
  readonly loadBalancerClass?: string;
  readonly httpListen: readonly ListenAddress[];
  readonly log: EventLog;
  readonly informerTiming?: Partial<InformerTiming>;
  /** Parallel writes to the API. */
  readonly writeConcurrency?: number;
  /** Serve the validating and conversion webhooks here (every replica, leader or not). */
  readonly webhook?: {
    readonly host: string;
    readonly port: number;
    readonly extraIpSans?: readonly string[];
  };
}

const CONFIG_DEBOUNCE_MS = 50;
const POOL_STATUS_DEBOUNCE_MS = 500;

export class Controller {
  readonly board = new StateBoard();
  readonly rest: KubeRest;
  private readonly metrics: ControllerMetrics;
  private readonly queue: WriteQueue;
  private readonly events: EventRecorder;
  private informers: InformerSet | undefined;
  private reconciler: Reconciler | undefined;
  private leading = false;
  private configLoaded = false;
  private configStale = false;
  private lastRejection = '';
  private configSignature = '';
  private configTimer: ReturnType<typeof setTimeout> | undefined;
  private poolTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly stops: (() => void)[] = [];

  constructor(private readonly options: ControllerOptions) {
    this.rest = new KubeRest(options.kubeConfig, { maxSockets: options.writeConcurrency ?? 32 });
    this.metrics = createControllerMetrics({
      pools: () => this.reconciler?.poolStats() ?? [],
      queueDepth: () => this.queue.size(),
      leading: () => this.leading,
    });
    this.queue = new WriteQueue({
      concurrency: options.writeConcurrency ?? 32,
      onError: (key, error, willRetry) => {
        const level = willRetry ? 'warn' : 'error';
        this.options.log[level]({
          component: 'controller',
          event: 'writeFailed',
          key,
          willRetry,
          err: String(error),
        });
      },
    });
    this.events = new EventRecorder(this.rest, this.queue, {
      component: 'metallb-controller',
      instance: options.identity,
    });
    this.board.subscribe((change) => {
      if (change.type !== 'transition') return;
      const { record } = change;
      this.metrics.transition(record.machine, record.from, record.to, record.reason);
      options.log.debug(transitionFields(record));
    });
  }

  async start(): Promise<void> {
    const { log, namespace } = this.options;
    const charts = lazyMachineCharts();
    for (const listen of this.options.httpListen) {
      const server = await startDebugServer(listen, {
        node: this.options.identity,
        role: 'controller',
        registry: this.metrics.registry,
        board: this.board,
        readiness: () => this.readiness(),
        status: () => this.status(),
        charts,
      });
      this.stops.push(() => stopDebugServer(server));
    }
    this.informers = new InformerSet({
      kubeConfig: this.options.kubeConfig,
      rest: this.rest,
      resources: controllerResources(namespace),
      log,
      inspect: this.board.inspect,
      ...(this.options.informerTiming ? { timing: this.options.informerTiming } : {}),
      onChange: (resource, kind, object) => this.changed(resource, kind, object),
      onAllSynced: () => this.buildReconciler(),
    });
    this.informers.start();
    const webhook = this.options.webhook;
    if (webhook) {
      const admission = await startAdmission({
        kubeConfig: this.options.kubeConfig,
        namespace,
        listen: { host: webhook.host, port: webhook.port },
        ...(webhook.extraIpSans ? { extraIpSans: webhook.extraIpSans } : {}),
        // Until every informer has synced the stored objects are not known: refuse (fail closed).
        currentObjects: () => {
          if (!this.synced()) throw new Error('the controller has not synced the stored objects yet');
          return this.configObjects();
        },
        log: {
          info: (fields, msg) => log.info({ component: 'webhook', event: msg ?? 'info', ...fields }),
          warn: (fields, msg) => log.warn({ component: 'webhook', event: msg ?? 'warn', ...fields }),
          error: (fields, msg) => log.error({ component: 'webhook', event: msg ?? 'error', ...fields }),
        },
      });
      this.stops.push(() => void admission.stop());
      log.info({ component: 'webhook', event: 'serving', port: admission.port });
    }
    log.info({ component: 'controller', event: 'started', namespace, identity: this.options.identity });
  }

  /** Leadership gained (or no election): allocate and write from now on. */
  startLeading(): void {
    if (this.leading) return;
    this.leading = true;
    this.options.log.info({ component: 'controller', event: 'leading', identity: this.options.identity });
    void ensureMemberlistSecret(this.rest, this.options.namespace)
      .then((created) => {
        if (created)
          this.options.log.info({
            component: 'controller',
            event: 'memberlistSecretCreated',
            namespace: this.options.namespace,
          });
      })
      .catch((e: unknown) =>
        this.options.log.warn({ component: 'controller', event: 'memberlistSecretFailed', err: String(e) }),
      );
    this.buildReconciler();
  }

  /** Leadership lost: stop writing at once; a new leader takes over from what the API holds. */
  stopLeading(): void {
    if (!this.leading) return;
    this.leading = false;
    this.reconciler = undefined;
    this.queue.clear();
    this.options.log.warn({ component: 'controller', event: 'standby', identity: this.options.identity });
  }

  readiness(): Record<string, boolean> {
    return { informersSynced: this.synced(), configLoaded: this.configLoaded || !this.leading };
  }

  status(): Record<string, unknown> {
    return {
      role: 'controller',
      leading: this.leading,
      configLoaded: this.configLoaded,
      configStale: this.configStale,
      writeQueue: this.queue.size(),
      informers: this.informers?.status() ?? {},
      pools: (this.reconciler?.poolStats() ?? []).map((s) => ({
        pool: s.pool,
        inUse: s.inUse,
        total: s.total.toString(),
      })),
    };
  }

  /** Resolves when every queued write is done, or after `timeoutMs` (the apiserver may be down). */
  async flush(timeoutMs = 3000): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.queue.idle(), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    clearTimeout(this.configTimer);
    clearTimeout(this.poolTimer);
    this.informers?.stop();
    await Promise.race([this.queue.idle(), new Promise((r) => setTimeout(r, 2000))]);
    this.queue.close();
    for (const stop of this.stops.splice(0)) stop();
    this.rest.close();
  }

  private synced(): boolean {
    return this.informers?.allSynced() ?? false;
  }

  /** A fresh Reconciler from the caches, then the restart pass — when synced and leading. */
  private buildReconciler(): void {
    if (!this.synced() || !this.leading || this.reconciler) return;
    const reconciler = new Reconciler({
      namespace: this.options.namespace,
      ...(this.options.loadBalancerClass !== undefined
        ? { loadBalancerClass: this.options.loadBalancerClass }
        : {}),
    });
    for (const ns of this.objectsOf('Namespace'))
      reconciler.setNamespace(ns.metadata?.name ?? '', ns.metadata?.labels ?? {});
    for (const object of this.objectsOf('Service')) {
      const service = readService(object);
      if (service) reconciler.upsertService(service);
    }
    this.reconciler = reconciler;
    this.configSignature = '';
    this.loadConfig();
    this.apply(reconciler.start());
    this.options.log.info({
      component: 'controller',
      event: 'restartPass',
      services: this.objectsOf('Service').length,
    });
  }

  private objectsOf(kind: string): KubernetesObject[] {
    return this.informers?.objectsOf(kind) ?? [];
  }

  /** Every configuration object (metallb.io kinds and the namespace's Secrets) as cached now. */
  configObjects(): KubernetesObject[] {
    return this.informers?.objects((r) => r.config) ?? [];
  }

  private changed(
    resource: WatchedResource,
    kind: 'added' | 'updated' | 'deleted',
    object: KubernetesObject,
  ): void {
    if (resource.config) {
      this.scheduleConfig();
      return;
    }
    const reconciler = this.reconciler;
    if (!reconciler) return;
    this.metrics.update();
    const name = object.metadata?.name ?? '';
    if (resource.kind === 'Namespace') {
      this.apply(
        reconciler.setNamespace(name, kind === 'deleted' ? undefined : (object.metadata?.labels ?? {})),
      );
      return;
    }
    if (kind === 'deleted') {
      this.apply(reconciler.deleteService(object.metadata?.namespace ?? '', name));
      return;
    }
    const service = readService(object);
    if (service) this.apply(reconciler.upsertService(service));
  }

  private scheduleConfig(): void {
    if (this.configTimer !== undefined) return;
    this.configTimer = setTimeout(() => {
      this.configTimer = undefined;
      if (this.reconciler) this.loadConfig();
    }, CONFIG_DEBOUNCE_MS);
  }

  private loadConfig(): void {
    const reconciler = this.reconciler;
    if (!reconciler) return;
    const objects = this.configObjects();
    // Status writes (pool status), resourceVersions and managed fields are not configuration.
    const signature = configSignature(objects);
    if (signature === this.configSignature) return;
    this.configSignature = signature;
    const result = reconciler.applyConfig(objects);
    const { log } = this.options;
    if (!result.ok) {
      this.configStale = this.configLoaded;
      this.metrics.configLoad('rejected');
      const errors = result.issues.filter((i) => i.severity === 'error');
      const signature = JSON.stringify(errors);
      if (signature !== this.lastRejection) {
        this.lastRejection = signature;
        log.error({
          component: 'config',
          event: 'rejected',
          reason: 'invalidConfiguration',
          errors: errors.map(issueText),
          keeping: this.configLoaded ? 'last good configuration' : 'no configuration yet',
        });
        for (const issue of errors) this.reportIssue(issue);
      }
      return;
    }
    this.configLoaded = true;
    this.configStale = false;
    this.lastRejection = '';
    this.metrics.configLoad('ok');
    log.info({
      component: 'config',
      event: 'loaded',
      pools: reconciler.currentConfig()?.pools.size ?? 0,
      warnings: result.issues.filter((i) => i.severity === 'warning').map(issueText),
    });
    this.apply(result.outcome);
  }

  /** An invalid object gets a Warning Event naming the field and the reason. */
  private reportIssue(issue: ConfigIssue): void {
    const object = this.informers?.get(issue.kind, issue.name, issue.namespace);
    if (!object) return;
    this.events.record(
      {
        apiVersion: object.apiVersion ?? '',
        kind: issue.kind,
        namespace: issue.namespace,
        name: issue.name,
        ...(object.metadata?.uid !== undefined ? { uid: object.metadata.uid } : {}),
      },
      {
        type: 'Warning',
        reason: 'InvalidConfiguration',
        message: `${issue.field}: ${issue.message}; keeping the last valid configuration`,
      },
    );
  }

  private apply(outcome: Outcome): void {
    if (!this.leading) return;
    const { rest } = this;
    for (const write of outcome.writes) {
      const { namespace, name, ingress, poolAnnotation } = write;
      if (ingress !== undefined) {
        this.queue.put(`status:${write.key}`, 0, async () => {
          await writeServiceIngress(rest, namespace, name, ingress);
          this.metrics.write('status', 'ok');
        });
      }
      if (poolAnnotation !== undefined) {
        this.queue.put(`annotation:${write.key}`, 1, async () => {
          await writePoolAnnotation(rest, namespace, name, poolAnnotation);
          this.metrics.write('annotation', 'ok');
        });
      }
    }
    for (const { namespace, name, event } of outcome.events) {
      const object = this.findService(namespace, name);
      const ref: ObjectReference = {
        apiVersion: 'v1',
        kind: 'Service',
        namespace,
        name,
        ...(object?.metadata?.uid !== undefined ? { uid: object.metadata.uid } : {}),
      };
      this.events.record(ref, event);
      const fields = {
        component: 'allocator',
        event: event.reason,
        service: `${namespace}/${name}`,
        message: event.message,
      };
      if (event.type === 'Warning') this.options.log.warn(fields);
      else this.options.log.info(fields);
    }
    if (outcome.poolsChanged) this.schedulePoolStatus();
  }

  private findService(namespace: string, name: string): KubernetesObject | undefined {
    return this.informers?.get('Service', name, namespace);
  }

  private schedulePoolStatus(): void {
    if (this.poolTimer !== undefined) return;
    this.poolTimer = setTimeout(() => {
      this.poolTimer = undefined;
      const reconciler = this.reconciler;
      if (!reconciler || !this.leading) return;
      for (const s of reconciler.poolStats()) {
        const status = {
          assignedIPv4: s.ipv4.inUse,
          assignedIPv6: s.ipv6.inUse,
          availableIPv4: clampInt64(s.ipv4.available),
          availableIPv6: clampInt64(s.ipv6.available),
        };
        this.queue.put(`poolStatus:${s.pool}`, 3, async () => {
          await writePoolStatus(this.rest, this.options.namespace, s.pool, status);
          this.metrics.write('poolStatus', 'ok');
        });
      }
    }, POOL_STATUS_DEBOUNCE_MS);
  }
}

/** What of the configuration objects parse() reads: identity, labels, spec (Secrets: type and data). */
function configSignature(objects: readonly KubernetesObject[]): string {
  return JSON.stringify(
    objects.map((o) => {
      const { spec, data, type } = o as KubernetesObject & { spec?: unknown; data?: unknown; type?: unknown };
      const m = o.metadata;
      return [o.apiVersion, o.kind, m?.namespace, m?.name, m?.labels, m?.annotations, spec, data, type];
    }),
  );
}

const issueText = (i: ConfigIssue): string => `${i.kind} ${i.namespace}/${i.name}: ${i.field}: ${i.message}`;

/** An IPv6 /64 holds 2^64 addresses: beyond 2^53 the count is reported as 2^53 - 1 (exact in JSON). */
const clampInt64 = (n: bigint): number =>
  n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
