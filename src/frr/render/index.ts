// Rendering one node's frr.conf (pure: no I/O, no clock). Inputs: the configuration, the node's
// BGP plan (core/bgp-plan — what is advertised, whichever backend carries it), the node's labels
// (which FRRConfigurations select it) and a way to read password Secrets. Output: the text, or
// the conflicts that prevent it (the caller keeps its last good file).
import type { BgpNodePlan } from '../../core/bgp-plan/index.js';
import type { FrrConfiguration } from '../../core/config/frr-configuration.js';
import type { Config } from '../../core/config/types.js';
import { selectorMatches, type Labels } from '../../core/labels.js';
import { formatPrefix } from '../../core/net/ip.js';
import { addFrrConfiguration } from './from-frr-configuration.js';
import { addPlan, type SecretPassword } from './from-plan.js';
import { FrrModelBuilder } from './merge.js';
import type { FrrModel, FrrRenderError } from './model.js';
import { frrText } from './text.js';

export type { FrrModel, FrrRenderError } from './model.js';
export type { SecretPassword } from './from-plan.js';
export { filterName } from './naming.js';
export { secretPasswordFrom } from './secrets.js';

export interface FrrRenderInput {
  readonly config: Config;
  /** The node's plan: planBgpNode(view, node). Its node name is the file's hostname. */
  readonly plan: BgpNodePlan;
  readonly nodeLabels: Labels;
  /** The `password` of a basic-auth Secret, for BGPPeer / neighbour passwordSecret. */
  readonly secretPassword: SecretPassword;
}

export type FrrRenderResult =
  | { readonly ok: true; readonly text: string; readonly model: FrrModel }
  | { readonly ok: false; readonly errors: readonly FrrRenderError[] };

/** The FRRConfigurations whose nodeSelector selects a node with these labels, by namespace/name. */
export function frrConfigurationsForNode(config: Config, labels: Labels): FrrConfiguration[] {
  return config.frrConfigurations
    .filter((c) => selectorMatches(c.nodeSelector, labels))
    .sort((a, b) => {
      const x = `${a.namespace}/${a.name}`;
      const y = `${b.namespace}/${b.name}`;
      return x < y ? -1 : x > y ? 1 : 0;
    });
}

export function renderFrr(input: FrrRenderInput): FrrRenderResult {
  const { config, plan } = input;
  const builder = new FrrModelBuilder(plan.node);
  addPlan(builder, config, plan, input.secretPassword);
  // Sorted, so the order objects arrived in changes neither the file nor which conflict is named.
  for (const cfg of frrConfigurationsForNode(config, input.nodeLabels))
    addFrrConfiguration(builder, cfg, input.secretPassword);
  builder.alwaysBlock(
    config.operator.alwaysBlock.map((p) => ({ prefix: formatPrefix(p), family: p.family })),
  );
  if (builder.errors.length > 0) return { ok: false, errors: builder.errors };
  const model = builder.build();
  return { ok: true, text: frrText(model), model };
}
