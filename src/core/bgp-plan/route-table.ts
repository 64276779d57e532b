// The routes a node sends, per peer, deduplicated by prefix: communities are unioned and
// LOCAL_PREF is the highest any contributing advertisement gives (sent to iBGP peers only).
import type { BgpAdvertisement } from '../config/types.js';
import { formatPrefix, type Prefix } from '../net/ip.js';
import {
  compareLargeCommunities,
  comparePrefixes,
  largeCommunityValue,
  standardCommunityValue,
  type BgpRoute,
  type LargeCommunity,
} from './route.js';
import { nextHopFor, type BgpSession } from './sessions.js';

/** Peer name → prefix text → route. A peer without routes is absent. */
export type RouteTable = ReadonlyMap<string, ReadonlyMap<string, BgpRoute>>;

interface PendingRoute {
  readonly prefix: Prefix;
  localPref: number;
  readonly communities: Set<number>;
  /** By `g:l1:l2`, so each large community is kept once. */
  readonly large: Map<string, LargeCommunity>;
}

export class RouteTableBuilder {
  readonly #peers = new Map<string, Map<string, PendingRoute>>();

  /** One (address × advertisement) route towards `peer`; returns the prefix text. */
  add(peer: string, prefix: Prefix, ad: BgpAdvertisement): string {
    const key = formatPrefix(prefix);
    let routes = this.#peers.get(peer);
    if (!routes) {
      routes = new Map<string, PendingRoute>();
      this.#peers.set(peer, routes);
    }
    let pending = routes.get(key);
    if (!pending) {
      pending = { prefix, localPref: 0, communities: new Set(), large: new Map() };
      routes.set(key, pending);
    }
    // An advertisement without localPref counts as 0, as MetalLB's uint32 field does.
    pending.localPref = Math.max(pending.localPref, ad.localPref ?? 0);
    for (const c of ad.communities) {
      if (c.kind === 'standard') pending.communities.add(standardCommunityValue(c));
      else pending.large.set(c.text, largeCommunityValue(c));
    }
    return key;
  }

  /** The table, peers by name and prefixes in address order, so equal plans compare equal. */
  build(sessions: readonly BgpSession[]): RouteTable {
    const table = new Map<string, ReadonlyMap<string, BgpRoute>>();
    for (const session of sessions) {
      const pending = this.#peers.get(session.name);
      if (!pending || pending.size === 0) continue;
      const sorted = [...pending.entries()].sort(([, a], [, b]) => comparePrefixes(a.prefix, b.prefix));
      table.set(session.name, new Map(sorted.map(([key, p]) => [key, toRoute(key, p, session)])));
    }
    return table;
  }
}

function toRoute(key: string, pending: PendingRoute, session: BgpSession): BgpRoute {
  return {
    prefix: key,
    family: pending.prefix.family,
    origin: 'igp',
    nextHop: nextHopFor(session, pending.prefix.family),
    localPref: session.ibgp ? pending.localPref : undefined,
    communities: [...pending.communities].sort((a, b) => a - b),
    largeCommunities: [...pending.large.values()].sort(compareLargeCommunities),
  };
}
