// The plan's public surface: layer-2 announcers and BGP routes from one view of the cluster.
export { withAddresses, type Addressed } from './addresses.js';
export {
  bgpPlanFromObjects,
  bgpPlanReport,
  planJson,
  type BgpPlanReport,
  type PlanBgp,
  type PlanBgpNode,
  type PlanBgpPeer,
  type PlanBgpRoute,
  type PlanBgpSession,
} from './bgp.js';
export {
  planLayer2,
  servesService,
  type IdleReason,
  type Layer2PlanInput,
  type ServiceL2Plan,
} from './layer2.js';
export {
  planFromObjects,
  toPlanService,
  type PlanOptions,
  type PlanReport,
  type PlanService,
} from './objects.js';
export { poolOf } from './pool-of.js';
export { formatPlanText } from './text.js';
