// The controller's decisions, free of I/O: what it last saw of configuration, Namespaces and
// Services goes in; what to write to each Service (status addresses, pool annotation) and which
// Events to record come out. The allocator (core/allocator) holds the addresses; this class keeps
// the observed objects and says what differs from them.
//
// Order matters for "an address never moves implicitly": nothing is allocated before start(),
// which runs one full pass (Services holding addresses in status first) once every informer has
// synced; afterwards each change is reconciled on its own.
import {
  Allocator,
  fullPass,
  type AllocatorEvent,
  type Decision,
  type PoolStats,
} from '../allocator/index.js';
import { parse } from '../config/parse.js';
import type { ConfigIssue } from '../config/issues.js';
import type { Config } from '../config/types.js';
import type { Labels } from '../labels.js';
import { ANNOTATION } from '../service/annotations.js';
import { serviceKey, type ServiceModel } from '../service/model.js';
import { defaultNamespaceLabels } from '../service/namespaces.js';

/** What the Service should carry after a decision, when it differs from what it carries now. */
export interface ServiceWrite {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  /** Set: write status.loadBalancer.ingress with exactly these addresses. */
  readonly ingress?: readonly string[];
  /** Set: write the pool annotation (null removes it). */
  readonly poolAnnotation?: string | null;
}

export interface ServiceEvent {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly event: AllocatorEvent;
}

export interface Outcome {
  readonly writes: readonly ServiceWrite[];
  readonly events: readonly ServiceEvent[];
  /** Pool usage may have changed (pool status, metrics). */
  readonly poolsChanged: boolean;
}

export type ConfigOutcome =
  | { readonly ok: true; readonly issues: readonly ConfigIssue[]; readonly outcome: Outcome }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

export interface ReconcilerOptions {
  readonly namespace: string;
  /** --lb-class: the loadBalancerClass this controller serves (none: only Services without one). */
  readonly loadBalancerClass?: string;
}

const NOTHING: Outcome = { writes: [], events: [], poolsChanged: false };

const sameList = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

export class Reconciler {
  private readonly allocator = new Allocator();
  private readonly services = new Map<string, ServiceModel>();
  private readonly namespaces = new Map<string, Labels>();
  private config: Config | undefined;
  private started = false;

  constructor(private readonly options: ReconcilerOptions) {}

  /** The last configuration that passed validation. */
  currentConfig(): Config | undefined {
    return this.config;
  }

  isStarted(): boolean {
    return this.started;
  }

  /**
   * A new set of configuration objects (every metallb.io object and the Secrets of the agent's
   * namespace). All-or-nothing: with any error the last good configuration stays in force.
   */
  applyConfig(objects: readonly unknown[]): ConfigOutcome {
    const result = parse(objects, { namespace: this.options.namespace, references: 'warn' });
    if (!result.ok) return { ok: false, issues: result.issues };
    const config: Config =
      this.options.loadBalancerClass !== undefined
        ? {
            ...result.config,
            operator: { ...result.config.operator, loadBalancerClass: this.options.loadBalancerClass },
          }
        : result.config;
    this.config = config;
    this.allocator.setConfig(config);
    return { ok: true, issues: result.issues, outcome: this.started ? this.reconcileAll() : NOTHING };
  }

  /** Every informer has synced: one restart pass over every Service. */
  start(): Outcome {
    this.started = true;
    if (!this.config) return NOTHING;
    const services = [...this.services.values()];
    const decisions = fullPass(this.allocator, services, (ns) => this.labelsOf(ns));
    return this.outcome(decisions);
  }

  upsertService(service: ServiceModel): Outcome {
    const key = serviceKey(service);
    this.services.set(key, service);
    if (!this.started || !this.config) return NOTHING;
    return this.outcome([this.allocator.reconcile(service, this.labelsOf(service.namespace))]);
  }

  deleteService(namespace: string, name: string): Outcome {
    const key = serviceKey({ namespace, name });
    if (!this.services.delete(key)) return NOTHING;
    const held = this.allocator.assignment(key) !== undefined;
    this.allocator.release(key);
    return { writes: [], events: [], poolsChanged: held };
  }

  /** Namespace labels feed serviceAllocation.namespaceSelectors: its Services are reconciled. */
  setNamespace(name: string, labels: Labels | undefined): Outcome {
    const next = labels ? { ...labels, ...defaultNamespaceLabels(name) } : undefined;
    const before = this.namespaces.get(name);
    if (next) this.namespaces.set(name, next);
    else this.namespaces.delete(name);
    if (JSON.stringify(before) === JSON.stringify(next) || !this.started || !this.config) return NOTHING;
    const inNamespace = [...this.services.values()].filter((s) => s.namespace === name);
    return this.outcome(this.reconcileInOrder(inNamespace));
  }

  /** Addresses in use per pool (IPAddressPool status, metallb_allocator_* metrics). */
  poolStats(): PoolStats[] {
    return this.allocator.stats();
  }

  /** Every Service again, holders first (after a configuration change). */
  reconcileAll(): Outcome {
    if (!this.config) return NOTHING;
    return this.outcome(this.reconcileInOrder([...this.services.values()]));
  }

  private reconcileInOrder(services: readonly ServiceModel[]): Decision[] {
    const holders = services.filter((s) => this.allocator.assignment(serviceKey(s)) !== undefined);
    const held = new Set(holders);
    const order = [...holders, ...services.filter((s) => !held.has(s))];
    return order.map((s) => this.allocator.reconcile(s, this.labelsOf(s.namespace)));
  }

  private labelsOf(namespace: string): Labels {
    return this.namespaces.get(namespace) ?? defaultNamespaceLabels(namespace);
  }

  private outcome(decisions: readonly Decision[]): Outcome {
    const writes: ServiceWrite[] = [];
    const events: ServiceEvent[] = [];
    for (const decision of decisions) {
      const service = this.services.get(decision.key);
      if (!service || decision.ignored !== undefined) continue;
      const { namespace, name } = service;
      for (const event of decision.events) events.push({ key: decision.key, namespace, name, event });
      const write = desiredWrite(service, decision);
      if (write) writes.push(write);
    }
    return { writes, events, poolsChanged: decisions.length > 0 };
  }
}

/** The write that brings the Service to the decision, or undefined when it already matches. */
export function desiredWrite(service: ServiceModel, decision: Decision): ServiceWrite | undefined {
  const observedPool = service.annotations[ANNOTATION.allocatedFromPool];
  const wantedPool = decision.ips.length > 0 ? decision.pool : undefined;
  const ingressDiffers = !sameList(service.ingressIPs, decision.ips);
  const poolDiffers = observedPool !== wantedPool;
  if (!ingressDiffers && !poolDiffers) return undefined;
  return {
    key: decision.key,
    namespace: service.namespace,
    name: service.name,
    ...(ingressDiffers ? { ingress: decision.ips } : {}),
    ...(poolDiffers ? { poolAnnotation: wantedPool ?? null } : {}),
  };
}
