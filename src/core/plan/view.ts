// One view of the cluster from plain objects (files, or later informers): the parsed config,
// the nodes, the services with their addresses and the endpoints. `herald plan` prints what it
// implies; the speaker's leadership actor acts on it.
import type { Config } from '../config/types.js';
import { isRecord } from '../config/resource.js';
import {
  DEFAULT_NODE_RULES,
  endpointsByServiceSteps,
  toNodeModel,
  type NodeModel,
  type NodeRules,
} from '../election/nodes.js';
import { readService, type ServiceModel } from '../service/model.js';
import { runSteps, type Steps } from '../steps.js';
import { withAddressesSteps } from './addresses.js';
import type { Layer2PlanInput } from './layer2.js';

export type ClusterView = Omit<Layer2PlanInput, 'alive'>;

export interface ViewFromObjects {
  readonly view: ClusterView;
  /** LoadBalancer services of another loadBalancerClass, and why they are left alone. */
  readonly skipped: { namespace: string; name: string; reason: string }[];
}

/**
 * `fallbackNodes`: node names to use when no Node object is given (the gossip members, without
 * labels). Without EndpointSlices, endpoints are unknown: every node hosts a usable endpoint.
 */
export function viewFromObjects(
  config: Config,
  values: readonly unknown[],
  fallbackNodes: readonly string[] | undefined,
  /** Where Services' addresses come from: status only (Kubernetes), or allocated when missing. */
  addresses: 'status' | 'statusOrAllocate' = 'statusOrAllocate',
  /** The speaker's node rules (--ignore-exclude-lb); layer 2 and BGP obey the same. */
  nodeRules: NodeRules = DEFAULT_NODE_RULES,
): ViewFromObjects {
  return runSteps(viewFromObjectsSteps(config, values, fallbackNodes, addresses, nodeRules));
}

/**
 * viewFromObjects a step at a time (per object read, per allocator decision, per EndpointSlice):
 * with 10,000 Services the whole pass took 100-200 ms, too long for one turn of a speaker's loop.
 */
export function* viewFromObjectsSteps(
  config: Config,
  values: readonly unknown[],
  fallbackNodes: readonly string[] | undefined,
  addresses: 'status' | 'statusOrAllocate' = 'statusOrAllocate',
  nodeRules: NodeRules = DEFAULT_NODE_RULES,
): Steps<ViewFromObjects> {
  const given: NodeModel[] = [];
  const read: ServiceModel[] = [];
  let hasSlices = false;
  for (const value of values) {
    // By kind first: reading an object allocates its labels and annotations, and 10,000 Services
    // read three times each was garbage the collector then paused for.
    const kind = isRecord(value) ? value.kind : undefined;
    if (kind === 'Node') {
      const node = toNodeModel(value);
      if (node) given.push(node);
    } else if (kind === 'Service') {
      const service = readService(value);
      if (service) read.push(service);
    } else if (kind === 'EndpointSlice') hasSlices = true;
    yield;
  }
  const nodes: NodeModel[] =
    given.length > 0 || !fallbackNodes
      ? given
      : fallbackNodes.map((name) => ({ name, labels: {}, networkUnavailable: false }));
  const { services, skipped } = yield* withAddressesSteps(
    config,
    read,
    values,
    addresses === 'statusOrAllocate',
  );
  const endpoints = hasSlices ? yield* endpointsByServiceSteps(values) : undefined;
  return { view: { config, nodes, services, endpoints, nodeRules }, skipped };
}
