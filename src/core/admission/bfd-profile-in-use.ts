// A BFD profile may not be deleted while a BGPPeer still names it (behaviour.md §1): the peer's
// BFD session would lose its timers under it.
import { isRecord, toResource } from '../config/resource.js';

/** The BGPPeers of the namespace whose spec.bfdProfile is `profile`, as `namespace/name`. */
export function peersUsingBfdProfile(
  objects: readonly unknown[],
  namespace: string,
  profile: string,
): string[] {
  const users: string[] = [];
  for (const object of objects) {
    const r = toResource(object, namespace);
    if (r?.group !== 'metallb.io' || r.kind !== 'BGPPeer' || r.namespace !== namespace) continue;
    const spec = isRecord(r.raw.spec) ? r.raw.spec : {};
    if (spec.bfdProfile === profile) users.push(`${r.namespace}/${r.name}`);
  }
  return users.sort();
}
