// The set of objects an admission decision is made on: what the API server already holds, with
// the candidate in place of its stored self. Objects are compared by group, kind, namespace and
// name (never by version), and every BGPPeer is read in its stored form, v1beta2.
import { isRecord, toResource } from '../config/resource.js';
import { BGP_PEER_V1BETA1, BGP_PEER_V1BETA2, convertBgpPeer } from './bgp-peer-conversion.js';

/** `metallb.io/IPAddressPool/metallb-system/p1`, or undefined for a value that is not an object. */
export function identityOf(value: unknown, defaultNamespace: string): string | undefined {
  const r = toResource(value, defaultNamespace);
  return r ? `${r.group}/${r.kind}/${r.namespace}/${r.name}` : undefined;
}

/** A v1beta1 BGPPeer as the API server stores it (v1beta2); anything else unchanged. */
export function storedForm(value: unknown): unknown {
  if (!isRecord(value) || value.kind !== 'BGPPeer' || value.apiVersion !== BGP_PEER_V1BETA1) return value;
  const converted = convertBgpPeer(value, BGP_PEER_V1BETA2);
  return converted.ok ? converted.object : value;
}

/**
 * The objects without the one named by identity, then `last` if given. The object under review
 * goes last so that rules between objects (an overlapping CIDR, a second alias of a name) report
 * the conflict on it rather than on the object that was there first.
 */
export function replaceObject(
  objects: readonly unknown[],
  identity: string,
  last: unknown,
  defaultNamespace: string,
): unknown[] {
  const others = objects.filter((o) => identityOf(o, defaultNamespace) !== identity);
  return last === undefined ? others : [...others, last];
}

/** The object with metadata.namespace and metadata.name filled from the request when missing. */
export function withRequestName(value: Record<string, unknown>, namespace?: string, name?: string) {
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  return {
    ...value,
    metadata: {
      ...metadata,
      ...(typeof metadata.namespace !== 'string' && namespace ? { namespace } : {}),
      ...(typeof metadata.name !== 'string' && name ? { name } : {}),
    },
  };
}

/** Structural equality of JSON values (key order ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]))
    );
  }
  if (!isRecord(a) || !isRecord(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => k in b && sameJson(a[k], b[k]));
}
