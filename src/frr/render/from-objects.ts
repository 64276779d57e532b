// One node's frr.conf from plain objects, as `herald plan` reads them: the parsed config, the
// Nodes (labels), the Services (addresses from status, or allocated as the controller would),
// EndpointSlices and Secrets. `herald frr render` prints it; golden files are made with it.
import { planBgpNode } from '../../core/bgp-plan/index.js';
import type { Config } from '../../core/config/types.js';
import type { NodeModel } from '../../core/election/nodes.js';
import { viewFromObjects } from '../../core/plan/view.js';
import { renderFrr, type FrrRenderResult } from './index.js';
import { secretPasswordFrom } from './secrets.js';

export interface NodeRender {
  readonly result: FrrRenderResult;
  /** False when no Node object has this name: it was rendered without labels. */
  readonly nodeKnown: boolean;
}

export function renderFrrFromObjects(
  config: Config,
  objects: readonly unknown[],
  nodeName: string,
): NodeRender {
  const { view } = viewFromObjects(config, objects, [nodeName]);
  const known = view.nodes.find((n) => n.name === nodeName);
  const node: NodeModel = known ?? { name: nodeName, labels: {}, networkUnavailable: false };
  const plan = planBgpNode(view, node);
  const result = renderFrr({
    config,
    plan,
    nodeLabels: node.labels,
    secretPassword: secretPasswordFrom(objects, config.namespace),
  });
  return { result, nodeKnown: known !== undefined };
}
