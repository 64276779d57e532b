// Names in frr.conf shared by the text and the tag plan.
import type { FrrNeighbor, FrrRouter } from './model.js';

/** The name a neighbour's prefix-lists and route-maps start with: unique across VRFs. */
export function filterName(router: FrrRouter, neighbor: FrrNeighbor): string {
  return router.vrf === '' ? neighbor.target : `${neighbor.target}@${router.vrf}`;
}

/** The route-map a `network` statement names to set its tag. */
export const tagRouteMap = (tag: number): string => `herald-tag-${tag}`;
