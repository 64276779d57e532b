// What the controller and the speaker watch. The controller: Services and Namespaces cluster-wide,
// and in its own namespace every metallb.io kind it serves (from the KINDS registry, at its
// storage version) and the Secrets (BGP passwords are referenced from there; the gossip key lives
// there). The speaker: the same, plus Nodes and EndpointSlices (who may announce) and FRR-K8s'
// FRRConfigurations.
import type { KubernetesObject } from '@kubernetes/client-node';
import { FRRK8S_GROUP, KINDS, METALLB_GROUP } from '../core/config/kinds.js';
import type { ResourceType } from '../k8s/informer.js';

export interface WatchedResource extends ResourceType {
  readonly kind: string;
  /** Changes to it are configuration (re-validated as a whole). */
  readonly config: boolean;
}

/** The served kinds of a group, each at its storage version, in the agent's namespace. */
function configKinds(namespace: string, group: string): WatchedResource[] {
  return KINDS.filter((k) => k.group === group && k.crd).map((k) => {
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
}

export function controllerResources(namespace: string): WatchedResource[] {
  const metallb = configKinds(namespace, METALLB_GROUP);
  return [
    { group: '', version: 'v1', plural: 'services', kind: 'Service', config: false },
    { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', config: false },
    { group: '', version: 'v1', plural: 'secrets', namespace, kind: 'Secret', config: true },
    ...metallb,
  ];
}

export function speakerResources(namespace: string): WatchedResource[] {
  return [
    ...controllerResources(namespace),
    { group: '', version: 'v1', plural: 'nodes', kind: 'Node', config: false },
    {
      group: 'discovery.k8s.io',
      version: 'v1',
      plural: 'endpointslices',
      kind: 'EndpointSlice',
      config: false,
    },
    ...configKinds(namespace, FRRK8S_GROUP),
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
