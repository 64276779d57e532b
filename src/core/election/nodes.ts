// The parts of Node and EndpointSlice objects the speaker reads for election.
import { isRecord, toResource } from '../config/resource.js';
import type { Labels } from '../labels.js';
import { runSteps, type Steps } from '../steps.js';

export const EXCLUDE_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

export interface NodeModel {
  readonly name: string;
  readonly labels: Labels;
  /** The NetworkUnavailable condition is True (the CNI is not ready on this node). */
  readonly networkUnavailable: boolean;
}

/**
 * Node rules the speaker is started with. `ignoreExcludeLb` is MetalLB's speaker flag
 * `--ignore-exclude-lb`: the exclude-from-external-load-balancers label is then disregarded.
 */
export interface NodeRules {
  readonly ignoreExcludeLb: boolean;
}

export const DEFAULT_NODE_RULES: NodeRules = { ignoreExcludeLb: false };

/** Why a node's own state bars it from announcing any Service (layer 2 or BGP). */
export type NodeBar = 'networkUnavailable' | 'excludedFromLoadBalancers';

/**
 * Whether a node may announce at all, exactly as MetalLB's speaker decides (internal/k8s/nodes:
 * IsNodeAvailable, then IsNodeExcludedFromBalancers unless --ignore-exclude-lb), for layer 2
 * (every candidate) and BGP (the node itself) alike:
 * - the NetworkUnavailable condition True bars it (the CNI is not ready there);
 * - the label node.kubernetes.io/exclude-from-external-load-balancers, any value, bars it;
 * - nothing else does: a node that is not Ready, is cordoned (spec.unschedulable) or tainted
 *   still announces — MetalLB left its unschedulable check commented out; whether a speaker
 *   runs there is the gossip membership's business (memberNotAlive), not the Node object's;
 * - a node without a Node object is not barred (MetalLB: a nil Node is available).
 */
export function nodeBar(node: NodeModel, rules: NodeRules = DEFAULT_NODE_RULES): NodeBar | undefined {
  if (node.networkUnavailable) return 'networkUnavailable';
  if (!rules.ignoreExcludeLb && Object.hasOwn(node.labels, EXCLUDE_LABEL)) return 'excludedFromLoadBalancers';
  return undefined;
}

export function toNodeModel(value: unknown): NodeModel | undefined {
  const r = toResource(value, '');
  if (!r || r.kind !== 'Node' || !r.name) return undefined;
  const status = isRecord(r.raw.status) ? r.raw.status : {};
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  const networkUnavailable = conditions.some(
    (c) => isRecord(c) && c.type === 'NetworkUnavailable' && c.status === 'True',
  );
  return { name: r.name, labels: r.labels, networkUnavailable };
}

/** Endpoints of one service, reduced to what election needs. */
export interface ServiceEndpoints {
  /** At least one endpoint anywhere is ready (or serving). */
  readonly anyUsable: boolean;
  /** Nodes hosting at least one usable endpoint. */
  readonly nodesWithUsable: ReadonlySet<string>;
}

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/**
 * Reads EndpointSlices (discovery.k8s.io/v1) into per-service endpoint summaries, keyed by
 * `namespace/name`. An endpoint is usable when ready, or serving (ready is false while
 * terminating, but a serving endpoint still takes traffic).
 */
export function endpointsByService(values: readonly unknown[]): Map<string, ServiceEndpoints> {
  return runSteps(endpointsByServiceSteps(values));
}

/** endpointsByService a step per object. */
export function* endpointsByServiceSteps(values: readonly unknown[]): Steps<Map<string, ServiceEndpoints>> {
  const out = new Map<string, { anyUsable: boolean; nodesWithUsable: Set<string> }>();
  for (const value of values) {
    yield;
    if (!isRecord(value) || value.kind !== 'EndpointSlice') continue;
    const r = toResource(value, 'default');
    if (!r) continue;
    const service = r.labels[SERVICE_NAME_LABEL];
    if (!service) continue;
    const key = `${r.namespace}/${service}`;
    const entry = out.get(key) ?? { anyUsable: false, nodesWithUsable: new Set<string>() };
    out.set(key, entry);
    const endpoints = Array.isArray(r.raw.endpoints) ? r.raw.endpoints : [];
    for (const ep of endpoints) {
      if (!isRecord(ep)) continue;
      const conditions = isRecord(ep.conditions) ? ep.conditions : {};
      // A missing `ready` means ready, as in the EndpointSlice API.
      const usable = conditions.ready !== false || conditions.serving === true;
      if (!usable) continue;
      entry.anyUsable = true;
      if (typeof ep.nodeName === 'string') entry.nodesWithUsable.add(ep.nodeName);
    }
  }
  return out;
}
