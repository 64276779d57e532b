// MetalLB's Service annotations, and the keys the allocator derives from a Service: sharing key,
// backend key and the (protocol, port) pairs it occupies on its address.
import type { ServiceModel } from './model.js';

export const ANNOTATION = {
  loadBalancerIPs: 'metallb.io/loadBalancerIPs',
  addressPool: 'metallb.io/address-pool',
  allowSharedIP: 'metallb.io/allow-shared-ip',
  allocatedFromPool: 'metallb.io/ip-allocated-from-pool',
} as const;

const DEPRECATED_PREFIX = 'metallb.universe.tf/';

/** The annotation's value, falling back to the deprecated `metallb.universe.tf/` spelling. */
export function annotation(service: ServiceModel, name: string): string | undefined {
  const stable = service.annotations[name];
  if (stable !== undefined) return stable;
  return service.annotations[DEPRECATED_PREFIX + name.slice(name.indexOf('/') + 1)];
}

export const sharingKey = (service: ServiceModel): string =>
  annotation(service, ANNOTATION.allowSharedIP) ?? '';

/** With externalTrafficPolicy Local, services sharing an address must select the same pods. */
export function backendKey(service: ServiceModel): string {
  if (service.externalTrafficPolicy !== 'Local') return '';
  return Object.entries(service.selector)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** `TCP/80` for each port, as MetalLB prints them. */
export const portKeys = (service: ServiceModel): string[] =>
  service.ports.map((p) => `${p.protocol}/${p.port}`);
