// BGP announcement planning (pure): a node's sessions, the routes it sends to each peer, why it
// does not announce a service, and the changes between two plans. See docs/design/bgp-plan.md.
export { advertisedPeers } from './peers.js';
export { applyRouteDiff, diffRoutes, type PeerRouteChanges, type RouteDiff } from './diff.js';
export {
  planBgpNode,
  planBgpNodeSteps,
  planBgpNodes,
  type BgpNodePlan,
  type PeerOutcome,
  type ServiceOnNode,
} from './node-plan.js';
export type { NodeBgpReason, PeerBgpReason, ServiceBgpReason } from './reasons.js';
export { Redacted } from './redacted.js';
export {
  aggregatePrefix,
  comparePrefixTexts,
  formatCommunity,
  formatLargeCommunity,
  sameRoute,
  type BgpRoute,
  type LargeCommunity,
} from './route.js';
export type { RouteTable } from './route-table.js';
export type { BgpPlanInput } from './services.js';
export {
  DEFAULT_CONNECT_TIME_MS,
  nextHopFor,
  sessionsForNode,
  type BgpSession,
  type SessionAuth,
  type SessionBfd,
} from './sessions.js';
