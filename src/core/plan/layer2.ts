// Who announces each LoadBalancer service in layer 2, from one view of the cluster: config,
// nodes, services (with their addresses), endpoint slices and the live members. Pure: `herald
// plan` prints it, and a speaker without the controller's help can act on it (behaviour.md §3).
import type { Config } from '../config/types.js';
import {
  advertisementsFor,
  electLayer2,
  type ElectionService,
  type L2Election,
  type L2Reason,
} from '../election/layer2.js';
import type { NodeModel, NodeRules, ServiceEndpoints } from '../election/nodes.js';
import { serviceKey, type ServiceModel } from '../service/model.js';
import { poolOf } from './pool-of.js';

export interface Layer2PlanInput {
  readonly config: Config;
  readonly nodes: readonly NodeModel[];
  /** The services, their addresses in `ingressIPs` (status.loadBalancer.ingress). */
  readonly services: readonly ServiceModel[];
  /** By `namespace/name`; undefined = unknown, every node hosts a usable endpoint of every service. */
  readonly endpoints: ReadonlyMap<string, ServiceEndpoints> | undefined;
  /** Live members; undefined = every node is alive (no gossip). */
  readonly alive: ReadonlySet<string> | undefined;
  /** Default: the exclude label counts (MetalLB without --ignore-exclude-lb). */
  readonly nodeRules?: NodeRules | undefined;
}

/** Why nobody announces a service. */
export type IdleReason =
  Exclude<L2Reason, 'announcing' | 'notOwner'> | 'addressNotInAnyPool' | 'noNodes' | 'noEligibleNode';

export interface ServiceL2Plan {
  readonly service: ServiceModel;
  readonly ips: readonly string[];
  /** The pool holding every address, undefined when none does (or no address). */
  readonly pool: string | undefined;
  readonly election: L2Election;
  /** Set exactly when `election.winner` is undefined. */
  readonly idle: IdleReason | undefined;
}

const NO_ENDPOINTS: ServiceEndpoints = { anyUsable: false, nodesWithUsable: new Set() };

/** Services this agent serves: type LoadBalancer with the configured loadBalancerClass. */
export const servesService = (config: Config, s: ServiceModel): boolean =>
  s.type === 'LoadBalancer' && s.loadBalancerClass === config.operator.loadBalancerClass;

/** One plan per served service, in input order; other services are left out. */
export function planLayer2(input: Layer2PlanInput): ServiceL2Plan[] {
  return [...planLayer2Each(input)];
}

/**
 * planLayer2 one service at a time: a caller on an event loop can pause between services (a
 * speaker electing 10,000 of them must keep answering ARP and gossip probes).
 */
export function* planLayer2Each(input: Layer2PlanInput): Generator<ServiceL2Plan> {
  const { config, nodes, alive } = input;
  const everywhere: ServiceEndpoints = {
    anyUsable: true,
    nodesWithUsable: new Set(nodes.map((n) => n.name)),
  };
  for (const s of input.services) {
    if (!servesService(config, s)) continue;
    const endpoints = input.endpoints ? (input.endpoints.get(serviceKey(s)) ?? NO_ENDPOINTS) : everywhere;
    const service: ElectionService = {
      namespace: s.namespace,
      name: s.name,
      labels: s.labels,
      externalTrafficPolicy: s.externalTrafficPolicy,
      ips: s.ingressIPs,
      pool: poolOf(config, s.ingressIPs),
    };
    const election = electLayer2({ config, service, nodes, alive, endpoints, nodeRules: input.nodeRules });
    const idle = election.winner === undefined ? idleReason(input, service, endpoints, election) : undefined;
    yield { service: s, ips: service.ips, pool: service.pool, election, idle };
  }
}

function idleReason(
  input: Layer2PlanInput,
  service: ElectionService,
  endpoints: ServiceEndpoints,
  election: L2Election,
): IdleReason {
  if (service.ips.length === 0) return 'noAddress';
  if (!endpoints.anyUsable) return 'noUsableEndpoint';
  if (service.pool === undefined) return 'addressNotInAnyPool';
  if (advertisementsFor(input.config, service).length === 0) return 'noMatchingL2Advertisement';
  if (input.nodes.length === 0) return 'noNodes';
  const reasons = new Set(election.reasons.values());
  const [only] = reasons;
  return reasons.size === 1 && only !== undefined && only !== 'announcing' && only !== 'notOwner'
    ? only
    : 'noEligibleNode';
}
