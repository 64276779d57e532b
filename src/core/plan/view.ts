// One view of the cluster from plain objects (files, or later informers): the parsed config,
// the nodes, the services with their addresses and the endpoints. `herald plan` prints what it
// implies; the speaker's leadership actor acts on it.
import type { Config } from '../config/types.js';
import { toResource } from '../config/resource.js';
import {
  DEFAULT_NODE_RULES,
  endpointsByService,
  toNodeModel,
  type NodeModel,
  type NodeRules,
} from '../election/nodes.js';
import { readService } from '../service/model.js';
import { withAddresses } from './addresses.js';
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
  const given = values.flatMap((v) => toNodeModel(v) ?? []);
  const nodes: NodeModel[] =
    given.length > 0 || !fallbackNodes
      ? given
      : fallbackNodes.map((name) => ({ name, labels: {}, networkUnavailable: false }));
  const hasSlices = values.some((v) => toResource(v, 'default')?.kind === 'EndpointSlice');
  const { services, skipped } = withAddresses(
    config,
    values.flatMap((v) => readService(v) ?? []),
    values,
    addresses === 'statusOrAllocate',
  );
  return {
    view: {
      config,
      nodes,
      services,
      endpoints: hasSlices ? endpointsByService(values) : undefined,
      nodeRules,
    },
    skipped,
  };
}
