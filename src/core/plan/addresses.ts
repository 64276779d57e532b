// Services' addresses for a plan: those in status.loadBalancer.ingress, or else what `herald
// allocate` (one restart-like pass of the controller's allocator) would assign.
import { Allocator, fullPassSteps } from '../allocator/index.js';
import type { Config } from '../config/types.js';
import type { ServiceModel } from '../service/model.js';
import { namespaceLabelsOf } from '../service/namespaces.js';
import { runSteps, type Steps } from '../steps.js';

export interface Addressed {
  /** Every service, in input order; those without status addresses carry the allocated ones. */
  readonly services: ServiceModel[];
  /** LoadBalancer services the controller leaves alone (another loadBalancerClass), and why. */
  readonly skipped: { namespace: string; name: string; reason: string }[];
}

/**
 * `allocate: false` (a speaker on Kubernetes): only the addresses the controller wrote to status
 * count; a Service without them is not announced until it has them.
 */
export function withAddresses(
  config: Config,
  services: readonly ServiceModel[],
  values: readonly unknown[],
  allocate = true,
): Addressed {
  return runSteps(withAddressesSteps(config, services, values, allocate));
}

/** withAddresses one service at a time (the allocator's pass, core/allocator/pass.ts). */
export function* withAddressesSteps(
  config: Config,
  services: readonly ServiceModel[],
  values: readonly unknown[],
  allocate = true,
): Steps<Addressed> {
  const allocator = new Allocator(config);
  if (!allocate) {
    const skipped = services.flatMap((s) => {
      const reason = s.type === 'LoadBalancer' ? allocator.ignores(s) : undefined;
      return reason !== undefined ? [{ namespace: s.namespace, name: s.name, reason }] : [];
    });
    return { services: [...services], skipped };
  }
  const decisions = yield* fullPassSteps(allocator, services, namespaceLabelsOf(values));
  const out: Addressed = { services: [], skipped: [] };
  services.forEach((s, i) => {
    const d = decisions[i];
    if (d?.ignored !== undefined && s.type === 'LoadBalancer')
      out.skipped.push({ namespace: s.namespace, name: s.name, reason: d.ignored });
    out.services.push(s.ingressIPs.length > 0 || !d ? s : { ...s, ingressIPs: d.ips });
  });
  return out;
}
