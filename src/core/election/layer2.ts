// Who announces a service's addresses in layer 2, and for every other node, why not.
// Pure: the same inputs on every speaker give the same answer (behaviour.md §3).
import type { Config, L2Advertisement } from '../config/types.js';
import { anySelectorMatches, type Labels } from '../labels.js';
import { nodeBar, type NodeModel, type NodeRules, type ServiceEndpoints } from './nodes.js';
import { rankNodes } from './rank.js';

/** Why a node does not announce (or `announcing` for the winner). */
export type L2Reason =
  | 'announcing'
  | 'notOwner'
  | 'memberNotAlive'
  | 'networkUnavailable'
  | 'excludedFromLoadBalancers'
  | 'noMatchingL2Advertisement'
  | 'noLocalEndpoint'
  | 'noUsableEndpoint'
  | 'noAddress';

export interface ElectionService {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly externalTrafficPolicy: 'Cluster' | 'Local';
  /** The service's load-balancer IPs, first one ranks. */
  readonly ips: readonly string[];
  /** The pool the IPs come from. */
  readonly pool: string | undefined;
}

export interface ElectionInput {
  readonly config: Config;
  readonly service: ElectionService;
  readonly nodes: readonly NodeModel[];
  /** Live gossip members; undefined = gossip off, every node counts as alive. */
  readonly alive: ReadonlySet<string> | undefined;
  readonly endpoints: ServiceEndpoints;
  /** Default: the exclude label counts (MetalLB without --ignore-exclude-lb). */
  readonly nodeRules?: NodeRules | undefined;
}

export interface L2Election {
  /** The announcing node, or undefined when nobody announces. */
  readonly winner: string | undefined;
  /** Interfaces the winner announces on; empty = every usable interface. */
  readonly interfaces: readonly string[];
  readonly reasons: ReadonlyMap<string, L2Reason>;
}

/** L2Advertisements that cover this service's pool and select the service. */
export function advertisementsFor(config: Config, service: ElectionService): L2Advertisement[] {
  if (service.pool === undefined) return [];
  const pool = service.pool;
  return config.l2Advertisements.filter(
    (ad) => ad.pools.includes(pool) && anySelectorMatches(ad.serviceSelectors, service.labels),
  );
}

export function electLayer2(input: ElectionInput): L2Election {
  const { service, nodes, alive, endpoints } = input;
  const reasons = new Map<string, L2Reason>();
  const first = service.ips[0];
  const everyone = (reason: L2Reason): L2Election => {
    for (const n of nodes) reasons.set(n.name, reason);
    return { winner: undefined, interfaces: [], reasons };
  };
  if (first === undefined) return everyone('noAddress');
  if (!endpoints.anyUsable) return everyone('noUsableEndpoint');

  const ads = advertisementsFor(input.config, service);
  const candidates: string[] = [];
  for (const node of nodes) {
    const reason = disqualify(node, ads, service, alive, endpoints, input.nodeRules);
    if (reason) reasons.set(node.name, reason);
    else candidates.push(node.name);
  }
  const ranked = rankNodes(candidates, first);
  const winner = ranked[0];
  for (const name of ranked.slice(1)) reasons.set(name, 'notOwner');
  if (winner === undefined) return { winner, interfaces: [], reasons };
  reasons.set(winner, 'announcing');
  const winnerNode = nodes.find((n) => n.name === winner);
  return { winner, interfaces: interfacesFor(ads, winnerNode?.labels ?? {}), reasons };
}

function disqualify(
  node: NodeModel,
  ads: readonly L2Advertisement[],
  service: ElectionService,
  alive: ReadonlySet<string> | undefined,
  endpoints: ServiceEndpoints,
  rules: NodeRules | undefined,
): L2Reason | undefined {
  if (alive && !alive.has(node.name)) return 'memberNotAlive';
  const barred = nodeBar(node, rules);
  if (barred) return barred;
  if (!ads.some((ad) => anySelectorMatches(ad.nodeSelectors, node.labels)))
    return 'noMatchingL2Advertisement';
  if (service.externalTrafficPolicy === 'Local' && !endpoints.nodesWithUsable.has(node.name)) {
    return 'noLocalEndpoint';
  }
  return undefined;
}

/**
 * Union of the interface lists of the advertisements that select the node; any advertisement
 * without a list means every interface (returned as an empty list).
 */
export function interfacesFor(ads: readonly L2Advertisement[], nodeLabels: Labels): string[] {
  const selecting = ads.filter((ad) => anySelectorMatches(ad.nodeSelectors, nodeLabels));
  if (selecting.some((ad) => ad.interfaces.length === 0)) return [];
  return [...new Set(selecting.flatMap((ad) => ad.interfaces))].sort();
}
