// What the controller watches: Services and Namespaces cluster-wide, and in its own namespace
// every metallb.io kind it serves (from the KINDS registry, at its storage version) and the
// Secrets (BGP passwords are referenced from there; the gossip key lives there).
import type { KubernetesObject } from '@kubernetes/client-node';
import { KINDS, METALLB_GROUP } from '../core/config/kinds.js';
import type { ResourceType } from '../k8s/informer.js';

export interface WatchedResource extends ResourceType {
  readonly kind: string;
  /** Changes to it are configuration (re-validated as a whole). */
  readonly config: boolean;
}

export function controllerResources(namespace: string): WatchedResource[] {
  const metallb = KINDS.filter((k) => k.group === METALLB_GROUP && k.crd).map((k) => {
    const storage = k.versions.find((v) => v.storage) ?? k.versions[0];
    return {
      group: k.group,
      version: storage?.name ?? 'v1beta1',
      plural: k.plural,
      namespace,
      kind: k.kind,
      config: true,
    };
  });
  return [
    { group: '', version: 'v1', plural: 'services', kind: 'Service', config: false },
    { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', config: false },
    { group: '', version: 'v1', plural: 'secrets', namespace, kind: 'Secret', config: true },
    ...metallb,
  ];
}

export const apiVersionOf = (r: ResourceType): string =>
  r.group === '' ? r.version : `${r.group}/${r.version}`;

/**
 * Items of a list carry no apiVersion/kind (only watch events do); parse() and readService()
 * need both, so every object is stamped with its resource's.
 */
export function stamped(object: KubernetesObject, r: WatchedResource): KubernetesObject {
  if (object.apiVersion && object.kind) return object;
  return { ...object, apiVersion: apiVersionOf(r), kind: r.kind };
}
