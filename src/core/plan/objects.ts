// `herald plan` without I/O: the objects read from files (config already parsed) → the plan
// model that is printed: per LoadBalancer service, the layer-2 announcer and every node's reason.
import type { Config } from '../config/types.js';
import type { NodeModel } from '../election/nodes.js';
import { planLayer2, type ServiceL2Plan } from './layer2.js';
import { viewFromObjects } from './view.js';

export interface PlanOptions {
  /** The live members; undefined = every node given. */
  readonly members?: readonly string[] | undefined;
  /** As the speaker's --ignore-exclude-lb: the exclude-from-external-load-balancers label is disregarded. */
  readonly ignoreExcludeLb?: boolean | undefined;
}

/** The JSON output, key for key. */
export interface PlanService {
  namespace: string;
  name: string;
  ips: string[];
  l2: { node: string | null; interfaces: string[]; reason?: string };
  nodes: Record<string, string>;
}

export interface PlanReport {
  readonly services: PlanService[];
  /** Pool of each service's addresses, by index of `services` (text output shows it). */
  readonly pools: (string | undefined)[];
  /** LoadBalancer services of another loadBalancerClass, left out of `services`. */
  readonly skipped: { namespace: string; name: string; reason: string }[];
  /** Members named that are not among the nodes (they cannot announce). */
  readonly unknownMembers: string[];
}

export function planFromObjects(
  config: Config,
  values: readonly unknown[],
  options: PlanOptions = {},
): PlanReport {
  const members = options.members;
  const { view, skipped } = viewFromObjects(config, values, members, undefined, {
    ignoreExcludeLb: options.ignoreExcludeLb === true,
  });
  const { nodes } = view;
  const plans = planLayer2({ ...view, alive: members ? new Set(members) : undefined });
  const names = new Set(nodes.map((n) => n.name));
  return {
    services: plans.map((p) => toPlanService(p, nodes)),
    pools: plans.map((p) => p.pool),
    skipped,
    unknownMembers: [...new Set(members ?? [])].filter((m) => !names.has(m)),
  };
}

export function toPlanService(plan: ServiceL2Plan, nodes: readonly NodeModel[]): PlanService {
  const { winner, interfaces, reasons } = plan.election;
  const l2: PlanService['l2'] = { node: winner ?? null, interfaces: [...interfaces] };
  if (plan.idle !== undefined) l2.reason = plan.idle;
  const byNode: Record<string, string> = {};
  for (const n of nodes) {
    const reason = reasons.get(n.name);
    if (reason !== undefined) byNode[n.name] = reason;
  }
  return {
    namespace: plan.service.namespace,
    name: plan.service.name,
    ips: [...plan.ips],
    l2,
    nodes: byNode,
  };
}
