// One full pass over every Service, as a (re)started controller makes it: first every service
// takes back the addresses in its status when they still fit (so no address moves because of
// the order), then every service is reconciled, holders first, then the rest in input order.
import type { Labels } from '../labels.js';
import { serviceKey, type ServiceModel } from '../service/model.js';
import { runSteps, type Steps } from '../steps.js';
import type { Allocator, Decision } from './allocator.js';

export type NamespaceLabels = (namespace: string) => Labels | undefined;

/** The decisions, in input order. */
export function fullPass(
  allocator: Allocator,
  services: readonly ServiceModel[],
  namespaceLabels: NamespaceLabels = () => undefined,
): Decision[] {
  return runSteps(fullPassSteps(allocator, services, namespaceLabels));
}

/**
 * fullPass one service at a time (a step per restore and per reconcile). The allocator is this
 * pass's alone until it returns: nothing else may use it in between.
 */
export function* fullPassSteps(
  allocator: Allocator,
  services: readonly ServiceModel[],
  namespaceLabels: NamespaceLabels = () => undefined,
): Steps<Decision[]> {
  const holders = services.filter((s) => s.ingressIPs.length > 0 && allocator.ignores(s) === undefined);
  const restored = new Set<ServiceModel>();
  for (const s of holders) {
    if (allocator.restore(s, namespaceLabels(s.namespace))) restored.add(s);
    yield;
  }
  const held = new Set(holders);
  const order = [...holders, ...services.filter((s) => !held.has(s))];
  const byKey = new Map<string, Decision>();
  for (const service of order) {
    const decision = allocator.reconcile(service, namespaceLabels(service.namespace), restored.has(service));
    byKey.set(serviceKey(service), decision);
    yield;
  }
  return services.flatMap((s) => byKey.get(serviceKey(s)) ?? []);
}
