// The FRR-K8s backend's output: one node's BGP plan (and the BFD profiles) as the one
// FRRConfiguration (frrk8s.metallb.io/v1beta1) an FRR-K8s daemon on that node merges and carries,
// named and placed as MetalLB's frr-k8s mode places it (`metallb-<node>`, selecting the node by
// kubernetes.io/hostname). Pure and deterministic: same plan, same object, key for key, so "nothing
// changed" is a string comparison.
//
// The plan goes through the same model the frr backend renders (addPlan), so what that backend
// refuses (a missing BFD profile, local-as equal to the remote AS, a password frr.conf cannot
// carry) is refused here too, and the model is then written out field by field. Two things are
// not copied from the model: a passwordSecret stays a reference (FRR-K8s reads the Secret; the
// password never enters the object), and the router ID stays what the BGPPeer says (FRR-K8s picks
// one when none is set, as MetalLB leaves it).
import type { BgpNodePlan, BgpSession } from '../../core/bgp-plan/index.js';
import type { Config } from '../../core/config/types.js';
import { addPlan } from './from-plan.js';
import { FrrModelBuilder } from './merge.js';
import type { FrrBfdProfile, FrrNeighbor, FrrRenderError, FrrRouter } from './model.js';

export const FRRK8S_API_VERSION = 'frrk8s.metallb.io/v1beta1';
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'herald';

/** MetalLB's name for a node's FRRConfiguration in frr-k8s mode. */
export const frrConfigurationName = (node: string): string => `metallb-${node}`;

export interface FrrK8sNeighbor {
  asn?: number;
  dynamicASN?: 'internal' | 'external';
  localASN?: number;
  address?: string;
  interface?: string;
  sourceaddress?: string;
  port?: number;
  password?: string;
  passwordSecret?: { name: string; namespace: string };
  holdTime?: string;
  keepaliveTime?: string;
  connectTime?: string;
  ebgpMultiHop?: boolean;
  bfdProfile?: string;
  enableGracefulRestart?: boolean;
  disableMP?: boolean;
  toAdvertise: {
    allowed: { prefixes: string[] };
    withLocalPref?: { localPref: number; prefixes: string[] }[];
    withCommunity?: { community: string; prefixes: string[] }[];
  };
}

export interface FrrK8sRouter {
  asn: number;
  id?: string;
  vrf?: string;
  neighbors: FrrK8sNeighbor[];
  prefixes: string[];
}

export interface FrrK8sBfdProfile {
  name: string;
  receiveInterval: number;
  transmitInterval: number;
  detectMultiplier: number;
  echoInterval: number;
  echoMode: boolean;
  passiveMode: boolean;
  minimumTtl: number;
}

export interface FrrConfigurationObject {
  apiVersion: typeof FRRK8S_API_VERSION;
  kind: 'FRRConfiguration';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    bgp: { routers: FrrK8sRouter[]; bfdProfiles: FrrK8sBfdProfile[] };
    nodeSelector: { matchLabels: Record<string, string> };
  };
}

export type FrrConfigurationResult =
  | {
      readonly ok: true;
      readonly object: FrrConfigurationObject;
      /** Nothing to carry (no session, no BFD profile): the node needs no object. */
      readonly empty: boolean;
    }
  | { readonly ok: false; readonly errors: readonly FrrRenderError[] };

/**
 * A stand-in the model carries for a Secret's password: the model checks only that a password
 * exists and that two sources agree, and the object names the Secret instead (FRR-K8s reads it).
 */
const secretStandIn = (namespace: string, name: string): string => `secret:${namespace}/${name}`;

export function frrConfigurationForNode(input: {
  readonly config: Config;
  readonly plan: BgpNodePlan;
  /** Where FRR-K8s reads FRRConfigurations (frr-k8s: the speaker's; frr-k8s-external: its own). */
  readonly namespace: string;
}): FrrConfigurationResult {
  const { config, plan } = input;
  const builder = new FrrModelBuilder(plan.node);
  addPlan(builder, config, plan, secretStandIn);
  if (builder.errors.length > 0) return { ok: false, errors: builder.errors };
  const model = builder.build();
  const sessions = new Map(plan.sessions.map((s) => [`${s.vrf} ${s.peerAddress ?? s.interface ?? ''}`, s]));
  const routers = [...model.routers.values()].map((r) => routerOf(r, sessions));
  const bfdProfiles = [...model.bfdProfiles.values()].map(bfdProfileOf);
  return {
    ok: true,
    empty: routers.length === 0 && bfdProfiles.length === 0,
    object: {
      apiVersion: FRRK8S_API_VERSION,
      kind: 'FRRConfiguration',
      metadata: {
        name: frrConfigurationName(plan.node),
        namespace: input.namespace,
        labels: { [MANAGED_BY_LABEL]: MANAGED_BY },
      },
      spec: {
        bgp: { routers, bfdProfiles },
        nodeSelector: { matchLabels: { [HOSTNAME_LABEL]: plan.node } },
      },
    },
  };
}

function routerOf(r: FrrRouter, sessions: ReadonlyMap<string, BgpSession>): FrrK8sRouter {
  return {
    asn: r.asn,
    ...(r.routerId !== undefined ? { id: r.routerId } : {}),
    ...(r.vrf !== '' ? { vrf: r.vrf } : {}),
    neighbors: [...r.neighbors.values()].map((n) => neighborOf(n, sessions.get(`${r.vrf} ${n.target}`))),
    prefixes: [...r.networks.keys()],
  };
}

function neighborOf(n: FrrNeighbor, session: BgpSession | undefined): FrrK8sNeighbor {
  const outgoing = [...n.outgoing.values()];
  const byLocalPref = new Map<number, string[]>();
  const byCommunity = new Map<string, string[]>();
  const add = <K>(map: Map<K, string[]>, key: K, prefix: string): void => {
    const list = map.get(key);
    if (list) list.push(prefix);
    else map.set(key, [prefix]);
  };
  for (const p of outgoing) {
    if (p.localPref !== undefined) add(byLocalPref, p.localPref, p.prefix);
    for (const c of p.communities) add(byCommunity, c, p.prefix);
    for (const c of p.largeCommunities) add(byCommunity, `large:${c}`, p.prefix);
  }
  const auth = session?.auth ?? { kind: 'none' as const };
  const seconds = (s: number | undefined): string | undefined => (s === undefined ? undefined : `${s}s`);
  const neighbor: FrrK8sNeighbor = {
    ...(typeof n.remoteAs === 'number' ? { asn: n.remoteAs } : { dynamicASN: n.remoteAs }),
    ...(n.localAs !== undefined ? { localASN: n.localAs } : {}),
    ...(n.unnumbered ? { interface: n.target } : { address: n.target }),
    ...(n.sourceAddress !== undefined ? { sourceaddress: n.sourceAddress } : {}),
    ...(n.port !== undefined ? { port: n.port } : {}),
    ...(auth.kind === 'password' ? { password: auth.password.reveal() } : {}),
    ...(auth.kind === 'secret' ? { passwordSecret: { name: auth.name, namespace: auth.namespace } } : {}),
    ...optional('holdTime', seconds(n.holdTime)),
    ...optional('keepaliveTime', seconds(n.keepaliveTime)),
    ...optional('connectTime', seconds(n.connectTime)),
    ...(n.ebgpMultiHop ? { ebgpMultiHop: true } : {}),
    ...optional('bfdProfile', n.bfdProfile),
    ...(n.gracefulRestart ? { enableGracefulRestart: true } : {}),
    // FRR-K8s activates both families on a session unless disableMP keeps it to the address's own:
    // the plan's single-family session (no dualStackAddressFamily) is the latter.
    ...(!n.unnumbered && n.families.length === 1 ? { disableMP: true } : {}),
    toAdvertise: {
      allowed: { prefixes: outgoing.map((p) => p.prefix) },
      ...(byLocalPref.size > 0
        ? {
            withLocalPref: [...byLocalPref]
              .sort(([a], [b]) => a - b)
              .map(([localPref, prefixes]) => ({ localPref, prefixes })),
          }
        : {}),
      ...(byCommunity.size > 0
        ? {
            withCommunity: [...byCommunity]
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
              .map(([community, prefixes]) => ({ community, prefixes })),
          }
        : {}),
    },
  };
  return neighbor;
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function bfdProfileOf(p: FrrBfdProfile): FrrK8sBfdProfile {
  return {
    name: p.name,
    receiveInterval: p.receiveIntervalMs,
    transmitInterval: p.transmitIntervalMs,
    detectMultiplier: p.detectMultiplier,
    echoInterval: p.echoIntervalMs,
    echoMode: p.echoMode,
    passiveMode: p.passiveMode,
    minimumTtl: p.minimumTtl,
  };
}
