// What a Service asks the allocator for: explicit addresses, a pool, the address families,
// and the keys that decide whether it may share an address.
import { formatIp, parseIp, type Ip, type IpFamily } from '../net/ip.js';
import { ANNOTATION, annotation, backendKey, portKeys, sharingKey } from '../service/annotations.js';
import { serviceKey, type IpFamilyPolicy, type ServiceModel } from '../service/model.js';
import { events, quoteIps, type AllocatorEvent } from './events.js';

export interface AllocationRequest {
  readonly key: string;
  /** Addresses asked for by `metallb.io/loadBalancerIPs` or spec.loadBalancerIP. */
  readonly explicit: readonly Ip[] | undefined;
  /** Why the explicit request cannot be read (a LoadBalancerFailed event). */
  readonly explicitProblem: string | undefined;
  /** The `metallb.io/address-pool` annotation, which may name a pool that does not exist. */
  readonly pool: string | undefined;
  /** Families wanted, primary first. */
  readonly families: readonly IpFamily[];
  /** False when the Service says nothing about families (no clusterIPs, ipFamilies or policy). */
  readonly familiesDeclared: boolean;
  readonly policy: IpFamilyPolicy;
  readonly sharing: string;
  readonly backend: string;
  readonly ports: readonly string[];
  /** Namespace and labels, for serviceAllocation. */
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

export type RequestResult =
  | { readonly ok: true; readonly request: AllocationRequest }
  | { readonly ok: false; readonly event: AllocatorEvent };

const other = (family: IpFamily): IpFamily => (family === 4 ? 6 : 4);

function readExplicit(service: ServiceModel): { ips?: Ip[]; problem?: string } {
  const listed = annotation(service, ANNOTATION.loadBalancerIPs) ?? '';
  const single = service.loadBalancerIP ?? '';
  if (listed === '' && single === '') return {};
  if (listed !== '' && single !== '') {
    return { problem: `service can not have both ${ANNOTATION.loadBalancerIPs} and svc.Spec.LoadBalancerIP` };
  }
  const texts = listed !== '' ? listed.split(',').map((s) => s.trim()) : [single];
  const ips: Ip[] = [];
  for (const text of texts) {
    const ip = parseIp(text);
    if (!ip) {
      return {
        problem:
          listed !== ''
            ? `invalid ${ANNOTATION.loadBalancerIPs}: "${listed}"`
            : `invalid spec.loadBalancerIP "${single}"`,
      };
    }
    ips.push(ip);
  }
  const families = new Set(ips.map((ip) => ip.family));
  if (ips.length > 2 || families.size !== ips.length) {
    return { problem: `${quoteIps(ips.map(formatIp))} must be at most one IPv4 and one IPv6 address` };
  }
  return { ips };
}

function readFamilies(
  service: ServiceModel,
  policy: IpFamilyPolicy,
  explicit: readonly Ip[] | undefined,
): { families: IpFamily[]; declared: boolean } | undefined {
  if (service.clusterIPs.length > 0) {
    const families = [...new Set(service.clusterIPs.flatMap((t) => parseIp(t)?.family ?? []))];
    if (families.length === 0) return undefined;
    if (policy === 'RequireDualStack' && families.length < 2) return undefined;
    return { families, declared: true };
  }
  const primary = service.ipFamilies[0];
  if (primary !== undefined) {
    return { families: policy === 'SingleStack' ? [primary] : [primary, other(primary)], declared: true };
  }
  if (policy !== 'SingleStack') return { families: [4, 6], declared: true };
  // Nothing declared (a hand-written manifest): the family of the requested address, else IPv4.
  return {
    families: explicit && explicit.length > 0 ? explicit.map((ip) => ip.family) : [4],
    declared: false,
  };
}

export function readRequest(service: ServiceModel): RequestResult {
  const explicit = readExplicit(service);
  const policy = service.ipFamilyPolicy ?? 'SingleStack';
  const families = readFamilies(service, policy, explicit.ips);
  if (!families) return { ok: false, event: events.notEnoughClusterIPs(service.clusterIPs) };
  const pool = annotation(service, ANNOTATION.addressPool);
  return {
    ok: true,
    request: {
      key: serviceKey(service),
      explicit: explicit.ips,
      explicitProblem: explicit.problem,
      pool: pool === '' ? undefined : pool,
      families: families.families,
      familiesDeclared: families.declared,
      policy,
      sharing: sharingKey(service),
      backend: backendKey(service),
      ports: portKeys(service),
      namespace: service.namespace,
      labels: service.labels,
    },
  };
}

/** True when the families of `ips` do not fit the request (MetalLB's serviceFamilyChanged). */
export function familiesChanged(request: AllocationRequest, ips: readonly Ip[]): boolean {
  const have = new Set(ips.map((ip) => ip.family));
  // Nothing declared and nothing requested: any one family (the Service is single-stack).
  if (!request.familiesDeclared && !request.explicit) return have.size !== 1;
  const want = new Set(request.families);
  if (have.size === want.size && [...have].every((f) => want.has(f))) return false;
  return !(request.policy === 'PreferDualStack' && want.size === 2 && have.size === 1);
}
