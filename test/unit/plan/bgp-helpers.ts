// Builders for BGP planning tests: config objects in MetalLB's API (parsed for real), services,
// nodes and endpoints as models, and readers that turn a plan into plain comparable values.
import assert from 'node:assert/strict';
import {
  formatCommunity,
  formatLargeCommunity,
  planBgpNode,
  type BgpNodePlan,
  type BgpRoute,
  type ServiceOnNode,
} from '../../../src/core/bgp-plan/index.js';
import { parse } from '../../../src/core/config/parse.js';
import type { Config } from '../../../src/core/config/types.js';
import type { NodeModel, ServiceEndpoints } from '../../../src/core/election/nodes.js';
import type { ServiceModel } from '../../../src/core/service/model.js';

export { bgpAd, obj, peer, pool } from '../config/helpers.js';

export function bgpConfig(...objects: unknown[]): Config {
  const result = parse(objects, { references: 'warn' });
  assert.ok(result.ok, JSON.stringify(result.issues.filter((i) => i.severity === 'error')));
  return result.config;
}

export const svc = (name: string, ips: string[], more: Partial<ServiceModel> = {}): ServiceModel => ({
  namespace: 'default',
  name,
  labels: {},
  annotations: {},
  type: 'LoadBalancer',
  loadBalancerIP: undefined,
  loadBalancerClass: undefined,
  ipFamilyPolicy: undefined,
  ipFamilies: [],
  clusterIPs: [],
  ports: [{ protocol: 'TCP', port: 80 }],
  externalTrafficPolicy: 'Cluster',
  selector: {},
  ingressIPs: ips,
  ...more,
});

export const node = (
  name: string,
  labels: Record<string, string> = {},
  networkUnavailable = false,
): NodeModel => ({
  name,
  labels,
  networkUnavailable,
});

/** Endpoints of services by `namespace/name`: the nodes hosting a usable one (none = none usable). */
export const endpoints = (byService: Record<string, string[]>): Map<string, ServiceEndpoints> =>
  new Map(
    Object.entries(byService).map(([key, nodes]) => [
      key,
      { anyUsable: nodes.length > 0, nodesWithUsable: new Set(nodes) },
    ]),
  );

export function planOf(
  config: Config,
  services: ServiceModel[],
  on: NodeModel = node('n1'),
  eps?: Map<string, ServiceEndpoints>,
): BgpNodePlan {
  return planBgpNode({ config, services, endpoints: eps }, on);
}

/** A route as the tests write it: texts for communities, no undefined keys. */
export interface RouteView {
  prefix: string;
  localPref?: number;
  communities?: string[];
  large?: string[];
  nextHop?: string;
}

export function view(route: BgpRoute): RouteView {
  const out: RouteView = { prefix: route.prefix };
  if (route.localPref !== undefined) out.localPref = route.localPref;
  if (route.communities.length > 0) out.communities = route.communities.map(formatCommunity);
  if (route.largeCommunities.length > 0) out.large = route.largeCommunities.map(formatLargeCommunity);
  if (route.nextHop !== 'self') out.nextHop = route.nextHop;
  return out;
}

/** The routes to one peer, in table order. */
export const routesTo = (plan: BgpNodePlan, peerName: string): RouteView[] =>
  [...(plan.routes.get(peerName)?.values() ?? [])].map(view);

/** One service's outcome on the node as plain data: a reason, or per peer prefixes / a reason. */
export function outcomeOf(
  plan: BgpNodePlan,
  name: string,
  ns = 'default',
): string | Record<string, string | string[]> {
  const o: ServiceOnNode | undefined = plan.services.get(`${ns}/${name}`);
  assert.ok(o, `no outcome for ${ns}/${name}`);
  if (o.kind === 'idle') return o.reason;
  return Object.fromEntries(
    [...o.peers].map(([p, r]) => [p, r.kind === 'idle' ? r.reason : [...r.prefixes]]),
  );
}
