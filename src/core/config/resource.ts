// The envelope every input object shares, read leniently: anything may be missing or mistyped,
// and the kind-specific schemas decide what that means.
import type { ObjectRef } from './issues.js';

export interface Resource extends ObjectRef {
  readonly apiVersion: string;
  readonly group: string;
  readonly version: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** The whole object as given. */
  readonly raw: Readonly<Record<string, unknown>>;
  /** True when the object carried no metadata.namespace (the default namespace was assumed). */
  readonly namespaceDefaulted: boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const stringMap = (value: unknown): Record<string, string> => {
  if (!isRecord(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
};

/** Reads the envelope; undefined when the value is not a Kubernetes object at all (no kind). */
export function toResource(value: unknown, defaultNamespace: string): Resource | undefined {
  if (!isRecord(value)) return undefined;
  const { apiVersion, kind } = value;
  if (typeof kind !== 'string' || kind.length === 0) return undefined;
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  const api = typeof apiVersion === 'string' ? apiVersion : '';
  const slash = api.indexOf('/');
  const namespace =
    typeof metadata.namespace === 'string' && metadata.namespace ? metadata.namespace : undefined;
  return {
    apiVersion: api,
    group: slash >= 0 ? api.slice(0, slash) : '',
    version: slash >= 0 ? api.slice(slash + 1) : api,
    kind,
    name: typeof metadata.name === 'string' ? metadata.name : '',
    namespace: namespace ?? defaultNamespace,
    namespaceDefaulted: namespace === undefined,
    labels: stringMap(metadata.labels),
    annotations: stringMap(metadata.annotations),
    raw: value,
  };
}

export { isRecord };
