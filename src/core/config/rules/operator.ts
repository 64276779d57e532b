// The operator's MetalLB object: at most one, named `metallb`; Herald honours bgpBackend,
// logLevel, nodeSelector, loadBalancerClass and frrk8sConfig.alwaysBlock.
import { parsePrefix, type Prefix } from '../../net/ip.js';
import type { IssueSink } from '../issues.js';
import type { Resource } from '../resource.js';
import type { MetalLBSpec } from '../schema/operator.js';
import type { OperatorSettings } from '../types.js';

export const DEFAULT_OPERATOR: OperatorSettings = {
  bgpBackend: 'frr',
  bgpBackendSet: false,
  logLevel: 'info',
  nodeSelector: {},
  alwaysBlock: [],
  loadBalancerClass: undefined,
};

export function parseOperator(
  objects: readonly { resource: Resource; spec: MetalLBSpec }[],
  sink: IssueSink,
): OperatorSettings {
  let settings = DEFAULT_OPERATOR;
  for (const { resource, spec } of objects) {
    if (resource.name !== 'metallb') {
      sink.error(resource, 'metadata.name', 'the MetalLB object must be named "metallb"');
      continue;
    }
    const alwaysBlock: Prefix[] = [];
    (spec.frrk8sConfig?.alwaysBlock ?? []).forEach((text, i) => {
      const prefix = parsePrefix(text);
      if (prefix) alwaysBlock.push(prefix);
      else sink.error(resource, `spec.frrk8sConfig.alwaysBlock[${i}]`, `invalid CIDR "${text}"`);
    });
    settings = {
      bgpBackend: spec.bgpBackend ?? 'frr',
      bgpBackendSet: spec.bgpBackend !== undefined,
      logLevel: spec.logLevel ?? 'info',
      nodeSelector: spec.nodeSelector ?? {},
      alwaysBlock,
      loadBalancerClass: spec.loadBalancerClass,
    };
  }
  return settings;
}
