// The routes a node sends, per peer, deduplicated by prefix: communities are unioned and
// LOCAL_PREF is the highest any contributing advertisement gives (sent to iBGP peers only).
import type { BgpAdvertisement } from '../config/types.js';
import {
  compareLargeCommunities,
  largeCommunityValue,
  standardCommunityValue,
  type BgpRoute,
  type LargeCommunity,
} from './route.js';
import type { PrefixSlot } from './services.js';
import { nextHopFor, type BgpSession } from './sessions.js';

/** Peer name → prefix text → route. A peer without routes is absent. */
export type RouteTable = ReadonlyMap<string, ReadonlyMap<string, BgpRoute>>;

interface PendingRoute {
  readonly slot: PrefixSlot;
  /** The advertisements that produced this prefix for this peer, each once. */
  readonly ads: BgpAdvertisement[];
}

/** What one advertisement or a set of them puts on a route. */
interface Attributes {
  readonly localPref: number;
  readonly communities: readonly number[];
  readonly largeCommunities: readonly LargeCommunity[];
}

export class RouteTableBuilder {
  readonly #peers = new Map<string, Map<string, PendingRoute>>();

  /** One (address × advertisement) route towards `peer`. */
  add(peer: string, slot: PrefixSlot, ad: BgpAdvertisement): void {
    let routes = this.#peers.get(peer);
    if (!routes) {
      routes = new Map<string, PendingRoute>();
      this.#peers.set(peer, routes);
    }
    const pending = routes.get(slot.key);
    if (!pending) routes.set(slot.key, { slot, ads: [ad] });
    else if (!pending.ads.includes(ad)) pending.ads.push(ad);
  }

  /** The table, peers by name and prefixes in address order, so equal plans compare equal. */
  build(sessions: readonly BgpSession[]): RouteTable {
    // Most routes come from one advertisement (or the same few): their attributes are computed
    // once per advertisement set and shared, so a large table costs little garbage.
    const attributes = new Map<string, Attributes>();
    const attributesOf = (ads: readonly BgpAdvertisement[]): Attributes => {
      const id =
        ads.length === 1
          ? (ads[0]?.name ?? '')
          : ads
              .map((a) => a.name)
              .sort()
              .join('\n');
      let found = attributes.get(id);
      if (!found) attributes.set(id, (found = unionOf(ads)));
      return found;
    };
    const table = new Map<string, ReadonlyMap<string, BgpRoute>>();
    for (const session of sessions) {
      const pending = this.#peers.get(session.name);
      if (!pending || pending.size === 0) continue;
      const sorted = [...pending.values()].sort((a, b) => a.slot.rank - b.slot.rank);
      const nextHops = { 4: nextHopFor(session, 4), 6: nextHopFor(session, 6) };
      const routes = new Map<string, BgpRoute>();
      for (const { slot, ads } of sorted) {
        const attrs = attributesOf(ads);
        routes.set(slot.key, {
          prefix: slot.key,
          family: slot.prefix.family,
          origin: 'igp',
          nextHop: nextHops[slot.prefix.family],
          localPref: session.ibgp ? attrs.localPref : undefined,
          communities: attrs.communities,
          largeCommunities: attrs.largeCommunities,
        });
      }
      table.set(session.name, routes);
    }
    return table;
  }
}

function unionOf(ads: readonly BgpAdvertisement[]): Attributes {
  const communities = new Set<number>();
  const large = new Map<string, LargeCommunity>();
  // An advertisement without localPref counts as 0, as MetalLB's uint32 field does.
  let localPref = 0;
  for (const ad of ads) {
    localPref = Math.max(localPref, ad.localPref ?? 0);
    for (const c of ad.communities) {
      if (c.kind === 'standard') communities.add(standardCommunityValue(c));
      else large.set(c.text, largeCommunityValue(c));
    }
  }
  return {
    localPref,
    communities: [...communities].sort((a, b) => a - b),
    largeCommunities: [...large.values()].sort(compareLargeCommunities),
  };
}
