// Namespace labels for serviceAllocation.namespaceSelectors, from the v1 Namespaces given.
import { isRecord, toResource } from '../config/resource.js';
import type { Labels } from '../labels.js';

/** Kubernetes labels every namespace with its own name. */
export const defaultNamespaceLabels = (ns: string): Labels => ({ 'kubernetes.io/metadata.name': ns });

/** A lookup from namespace name to labels; a namespace not given has only the default label. */
export function namespaceLabelsOf(values: readonly unknown[]): (ns: string) => Labels {
  const known = new Map<string, Labels>();
  for (const value of values) {
    // Kind first: reading every Service as a resource here only made garbage.
    if (!isRecord(value) || value.kind !== 'Namespace') continue;
    const r = toResource(value, '');
    if (r?.kind === 'Namespace' && r.apiVersion === 'v1' && r.name) {
      known.set(r.name, { ...r.labels, ...defaultNamespaceLabels(r.name) });
    }
  }
  return (ns) => known.get(ns) ?? defaultNamespaceLabels(ns);
}
