// The part of a Kubernetes Service the controller reads, taken leniently from the object as
// given (a live object or a YAML file): anything missing gets Kubernetes' default.
import { toResource, isRecord } from '../config/resource.js';
import type { Labels } from '../labels.js';
import type { IpFamily } from '../net/ip.js';

export type IpFamilyPolicy = 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';

export interface ServicePort {
  readonly protocol: string;
  readonly port: number;
}

export interface ServiceModel {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly annotations: Readonly<Record<string, string>>;
  readonly type: string;
  readonly loadBalancerIP: string | undefined;
  readonly loadBalancerClass: string | undefined;
  readonly ipFamilyPolicy: IpFamilyPolicy | undefined;
  readonly ipFamilies: readonly IpFamily[];
  /** spec.clusterIPs (or spec.clusterIP), without "None". */
  readonly clusterIPs: readonly string[];
  readonly ports: readonly ServicePort[];
  readonly externalTrafficPolicy: 'Cluster' | 'Local';
  readonly selector: Labels;
  /** status.loadBalancer.ingress[].ip: what an earlier run assigned. */
  readonly ingressIPs: readonly string[];
}

export const serviceKey = (s: { readonly namespace: string; readonly name: string }): string =>
  `${s.namespace}/${s.name}`;

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.length > 0) : [];

const labelsOf = (value: unknown): Labels => {
  if (!isRecord(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
};

const FAMILIES: Readonly<Record<string, IpFamily>> = { IPv4: 4, IPv6: 6 };
const POLICIES: readonly IpFamilyPolicy[] = ['SingleStack', 'PreferDualStack', 'RequireDualStack'];

/** Reads a v1 Service; undefined when the value is not one. */
export function readService(value: unknown, defaultNamespace = 'default'): ServiceModel | undefined {
  const resource = toResource(value, defaultNamespace);
  if (resource?.kind !== 'Service' || resource.apiVersion !== 'v1' || !resource.name) return undefined;
  const spec = isRecord(resource.raw.spec) ? resource.raw.spec : {};
  const status = isRecord(resource.raw.status) ? resource.raw.status : {};
  const lb = isRecord(status.loadBalancer) ? status.loadBalancer : {};
  const ingress = Array.isArray(lb.ingress) ? lb.ingress : [];
  const policy = POLICIES.find((p) => p === spec.ipFamilyPolicy);
  const clusterIPs = strings(spec.clusterIPs);
  const clusterIP = str(spec.clusterIP);
  if (clusterIPs.length === 0 && clusterIP !== undefined) clusterIPs.push(clusterIP);
  return {
    namespace: resource.namespace,
    name: resource.name,
    labels: resource.labels,
    annotations: resource.annotations,
    type: str(spec.type) ?? 'ClusterIP',
    loadBalancerIP: str(spec.loadBalancerIP),
    loadBalancerClass: str(spec.loadBalancerClass),
    ipFamilyPolicy: policy,
    ipFamilies: strings(spec.ipFamilies).flatMap((f) => (FAMILIES[f] !== undefined ? [FAMILIES[f]] : [])),
    clusterIPs: clusterIPs.filter((ip) => ip !== 'None'),
    ports: (Array.isArray(spec.ports) ? spec.ports : []).flatMap((p: unknown) => {
      if (!isRecord(p) || typeof p.port !== 'number') return [];
      return [{ protocol: str(p.protocol) ?? 'TCP', port: p.port }];
    }),
    externalTrafficPolicy: spec.externalTrafficPolicy === 'Local' ? 'Local' : 'Cluster',
    selector: labelsOf(spec.selector),
    ingressIPs: ingress.flatMap((i: unknown) =>
      isRecord(i) && str(i.ip) !== undefined ? [String(i.ip)] : [],
    ),
  };
}
