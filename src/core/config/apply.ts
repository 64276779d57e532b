// Objects read from several files behave as `kubectl apply` of those files in order would:
// a later object with the same kind, namespace and name replaces the earlier one.
import { toResource } from './resource.js';

export interface SourcedValue {
  readonly value: unknown;
  readonly file: string;
}

export interface Replacement {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly file: string;
  readonly replacedFile: string;
  /** False when the two objects are identical (nothing changes). */
  readonly changed: boolean;
}

export function applyInOrder(
  values: readonly SourcedValue[],
  defaultNamespace: string,
): { kept: SourcedValue[]; replacements: Replacement[] } {
  const latest = new Map<string, number>();
  const replacements: Replacement[] = [];
  values.forEach((item, i) => {
    const r = toResource(item.value, defaultNamespace);
    if (!r || !r.name) return;
    const key = `${r.group}/${r.kind}/${r.namespace}/${r.name}`;
    const earlier = latest.get(key);
    if (earlier !== undefined) {
      const before = values[earlier];
      replacements.push({
        kind: r.kind,
        namespace: r.namespace,
        name: r.name,
        file: item.file,
        replacedFile: before?.file ?? '',
        changed: JSON.stringify(before?.value) !== JSON.stringify(item.value),
      });
    }
    latest.set(key, i);
  });
  const keep = new Set(latest.values());
  const kept = values.filter((item, i) => keep.has(i) || !toResource(item.value, defaultNamespace)?.name);
  return { kept, replacements };
}
