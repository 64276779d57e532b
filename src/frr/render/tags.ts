// Route tags that carry "who gets this prefix, with what attributes" from a `network` statement to
// the neighbours' out route-maps. A per-prefix prefix-list per neighbour (what FRR-K8s renders)
// costs one line per prefix per neighbour, and FRR 8.4 takes every prefix-list line in every
// daemon: 10,000 Services did not load in 10 minutes. Instead every prefix whose neighbours and
// attributes are the same shares one signature; `network P route-map herald-tag-T` sets tag T
// (local to this bgpd, never sent), and each neighbour's out route-map has one `match tag T`
// entry per signature it is part of. One line per prefix, a few per neighbour.
//
// A tag is a hash of its signature, not a counter: adding a Service with a new signature must not
// renumber the others (a changed `network … route-map` line is re-added by frr-reload.py).
import type { FrrModel, FrrRouter, OutgoingPrefix } from './model.js';
import { filterName } from './naming.js';

export interface TagPlan {
  /** By router VRF, then prefix: the tag its `network` sets; absent = sent to no neighbour. */
  readonly networkTags: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Every tag, ascending, with the neighbours (by filter name) that are sent its prefixes. */
  readonly tags: ReadonlyMap<number, readonly string[]>;
  /** By neighbour filter name: the tags it is sent, ascending, with the attributes to set. */
  readonly byNeighbor: ReadonlyMap<string, readonly { tag: number; route: OutgoingPrefix }[]>;
}

export function assignTags(model: FrrModel): TagPlan {
  // signature key → its members, and per router/prefix the key.
  const signatures = new Map<string, { name: string; route: OutgoingPrefix }[]>();
  const keyOf = new Map<string, Map<string, string>>();
  for (const router of model.routers.values()) {
    const keys = new Map<string, string>();
    keyOf.set(router.vrf, keys);
    for (const prefix of router.networks.keys()) {
      const members = membersOf(router, prefix);
      if (members.length === 0) continue;
      const key = JSON.stringify(
        members.map((m) => [
          m.name,
          m.route.localPref ?? null,
          m.route.communities,
          m.route.largeCommunities,
        ]),
      );
      keys.set(prefix, key);
      if (!signatures.has(key)) signatures.set(key, members);
    }
  }
  const tagOf = new Map<string, number>();
  const used = new Set<number>();
  // Sorted, so a collision resolves the same way whatever order the prefixes came in.
  for (const key of [...signatures.keys()].sort()) {
    let tag = fnv1a(key);
    while (tag === 0 || used.has(tag)) tag = (tag + 1) >>> 0;
    used.add(tag);
    tagOf.set(key, tag);
  }
  const tags = new Map<number, string[]>();
  const byNeighbor = new Map<string, { tag: number; route: OutgoingPrefix }[]>();
  for (const [key, members] of [...signatures].sort(
    ([a], [b]) => (tagOf.get(a) ?? 0) - (tagOf.get(b) ?? 0),
  )) {
    const tag = tagOf.get(key) ?? 0;
    tags.set(
      tag,
      members.map((m) => m.name),
    );
    for (const m of members) {
      const list = byNeighbor.get(m.name);
      if (list) list.push({ tag, route: m.route });
      else byNeighbor.set(m.name, [{ tag, route: m.route }]);
    }
  }
  const networkTags = new Map<string, Map<string, number>>();
  for (const [vrf, keys] of keyOf)
    networkTags.set(vrf, new Map([...keys].map(([prefix, key]) => [prefix, tagOf.get(key) ?? 0])));
  return { networkTags, tags, byNeighbor };
}

function membersOf(router: FrrRouter, prefix: string): { name: string; route: OutgoingPrefix }[] {
  const out: { name: string; route: OutgoingPrefix }[] = [];
  for (const neighbor of router.neighbors.values()) {
    const route = neighbor.outgoing.get(prefix);
    if (route) out.push({ name: filterName(router, neighbor), route });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** FNV-1a, 32 bits: a stable spread of signatures over FRR's tag range (1–4294967295). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
