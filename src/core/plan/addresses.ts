// Services' addresses for a plan: those in status.loadBalancer.ingress, or else what `herald
// allocate` (one restart-like pass of the controller's allocator) would assign.
import { Allocator, fullPass } from '../allocator/index.js';
import type { Config } from '../config/types.js';
import { toResource } from '../config/resource.js';
import type { Labels } from '../labels.js';
import type { ServiceModel } from '../service/model.js';

export interface Addressed {
  /** Every service, in input order; those without status addresses carry the allocated ones. */
  readonly services: ServiceModel[];
  /** LoadBalancer services the controller leaves alone (another loadBalancerClass), and why. */
  readonly skipped: { namespace: string; name: string; reason: string }[];
}

export function withAddresses(
  config: Config,
  services: readonly ServiceModel[],
  values: readonly unknown[],
): Addressed {
  const namespaces = namespaceLabels(values);
  const decisions = fullPass(
    new Allocator(config),
    services,
    (ns) => namespaces.get(ns) ?? defaultLabels(ns),
  );
  const out: Addressed = { services: [], skipped: [] };
  services.forEach((s, i) => {
    const d = decisions[i];
    if (d?.ignored !== undefined && s.type === 'LoadBalancer')
      out.skipped.push({ namespace: s.namespace, name: s.name, reason: d.ignored });
    out.services.push(s.ingressIPs.length > 0 || !d ? s : { ...s, ingressIPs: d.ips });
  });
  return out;
}

/** Kubernetes labels every namespace with its name. */
const defaultLabels = (ns: string): Labels => ({ 'kubernetes.io/metadata.name': ns });

/** Labels of the v1 Namespaces given, as `herald allocate` reads them. */
export function namespaceLabels(values: readonly unknown[]): Map<string, Labels> {
  const out = new Map<string, Labels>();
  for (const value of values) {
    const r = toResource(value, '');
    if (r?.kind === 'Namespace' && r.apiVersion === 'v1' && r.name) {
      out.set(r.name, { ...r.labels, ...defaultLabels(r.name) });
    }
  }
  return out;
}
