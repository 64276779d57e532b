// The changes between two route tables, per peer: what to announce (new routes, and routes whose
// attributes changed: BGP replaces a route by announcing it again) and which prefixes to
// withdraw. applyRouteDiff(before, diffRoutes(before, after)) equals after.
import { comparePrefixTexts, sameRoute, type BgpRoute } from './route.js';
import type { RouteTable } from './route-table.js';

export interface PeerRouteChanges {
  /** In the order of the `after` table (prefix order for the planner's tables). */
  readonly announce: readonly BgpRoute[];
  /** Prefix texts, in the order of the `before` table. */
  readonly withdraw: readonly string[];
}

/** Only peers with changes; peers in name order. */
export type RouteDiff = ReadonlyMap<string, PeerRouteChanges>;

const NONE: ReadonlyMap<string, BgpRoute> = new Map();

export function diffRoutes(before: RouteTable, after: RouteTable): RouteDiff {
  const peers = [...new Set([...before.keys(), ...after.keys()])].sort();
  const diff = new Map<string, PeerRouteChanges>();
  for (const peer of peers) {
    const old = before.get(peer) ?? NONE;
    const now = after.get(peer) ?? NONE;
    // Tables are in prefix order already (the planner builds them so), and so are these lists.
    const announce = [...now.values()].filter((route) => {
      const was = old.get(route.prefix);
      return was === undefined || !sameRoute(was, route);
    });
    const withdraw = [...old.keys()].filter((prefix) => !now.has(prefix));
    if (announce.length > 0 || withdraw.length > 0) diff.set(peer, { announce, withdraw });
  }
  return diff;
}

/** The table after the diff, in the same order the planner builds tables. */
export function applyRouteDiff(table: RouteTable, diff: RouteDiff): RouteTable {
  const next = new Map<string, ReadonlyMap<string, BgpRoute>>(table);
  for (const [peer, changes] of diff) {
    const routes = new Map(table.get(peer) ?? NONE);
    for (const prefix of changes.withdraw) routes.delete(prefix);
    for (const route of changes.announce) routes.set(route.prefix, route);
    if (routes.size === 0) next.delete(peer);
    else next.set(peer, new Map([...routes].sort(([a], [b]) => comparePrefixTexts(a, b))));
  }
  return new Map([...next].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
