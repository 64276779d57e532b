// The `bgp` part of `herald plan`: every node's BGP plan turned into what is printed, per service
// (for each node, the routes sent to each peer, or why not) and per node (its sessions). The
// password of a session is never part of it: only whether there is one.
import {
  formatCommunity,
  formatLargeCommunity,
  planBgpNodes,
  type BgpNodePlan,
  type BgpRoute,
  type BgpSession,
} from '../bgp-plan/index.js';
import type { BfdProfile, Config } from '../config/types.js';
import { serviceKey } from '../service/model.js';
import { servesService } from './layer2.js';
import type { PlanOptions, PlanService } from './objects.js';
import { viewFromObjects } from './view.js';

export interface PlanBgpRoute {
  prefix: string;
  nextHop: string;
  /** Only on routes to iBGP peers. */
  localPref?: number;
  communities: string[];
  largeCommunities: string[];
}

export type PlanBgpPeer = { routes: PlanBgpRoute[] } | { reason: string };
export type PlanBgpNode = { peers: Record<string, PlanBgpPeer> } | { reason: string };

export interface PlanBgp {
  /** Why no node advertises the service to any peer; absent when some node does. */
  reason?: string;
  nodes: Record<string, PlanBgpNode>;
}

export interface PlanBgpSession {
  peer: string;
  address?: string;
  interface?: string;
  port: number;
  sourceAddress?: string;
  vrf?: string;
  type: 'ibgp' | 'ebgp';
  myASN: number;
  localASN?: number;
  peerASN?: number;
  dynamicASN?: 'internal' | 'external';
  routerID?: string;
  holdTimeMs: number;
  keepaliveTimeMs: number;
  connectTimeMs: number;
  ebgpMultiHop: boolean;
  gracefulRestart: boolean;
  families: string[];
  /** 'none', 'password' (set, not shown) or 'secret <namespace>/<name>'. */
  auth: string;
  bfd?: {
    profile: string;
    missing?: true;
    receiveIntervalMs?: number;
    transmitIntervalMs?: number;
    detectMultiplier?: number;
    echoMode?: boolean;
    echoIntervalMs?: number;
    passiveMode?: boolean;
    minimumTtl?: number;
  };
}

export interface BgpPlanReport {
  /** Any BGPPeer or BGPAdvertisement configured: without, the plan has no bgp section. */
  readonly configured: boolean;
  /** By `namespace/name`, for every served service. */
  readonly services: ReadonlyMap<string, PlanBgp>;
  /** Each node's sessions, by node name (node order as given). */
  readonly sessions: Record<string, PlanBgpSession[]>;
}

export function bgpPlanFromObjects(
  config: Config,
  values: readonly unknown[],
  options: PlanOptions = {},
): BgpPlanReport {
  const { view } = viewFromObjects(config, values, options.members, undefined, {
    ignoreExcludeLb: options.ignoreExcludeLb === true,
  });
  const served = view.services.filter((s) => servesService(config, s)).map(serviceKey);
  return bgpPlanReport(config, served, planBgpNodes(view, view.nodes));
}

/** `served`: the keys of the services to report, in the order to print them. */
export function bgpPlanReport(
  config: Config,
  served: readonly string[],
  plans: readonly BgpNodePlan[],
): BgpPlanReport {
  const services = new Map<string, PlanBgp>();
  for (const key of served)
    services.set(key, plans.length > 0 ? serviceSection(key, plans) : { reason: 'noNodes', nodes: {} });
  const sessions: Record<string, PlanBgpSession[]> = {};
  for (const plan of plans) sessions[plan.node] = plan.sessions.map(toPlanSession);
  return {
    configured: config.peers.size > 0 || config.bgpAdvertisements.length > 0,
    services,
    sessions,
  };
}

function serviceSection(key: string, plans: readonly BgpNodePlan[]): PlanBgp {
  const nodes: Record<string, PlanBgpNode> = {};
  const reasons = new Set<string>();
  let advertised = false;
  for (const plan of plans) {
    const outcome = plan.services.get(key);
    if (!outcome) continue;
    if (outcome.kind === 'idle') {
      nodes[plan.node] = { reason: outcome.reason };
      reasons.add(outcome.reason);
      continue;
    }
    const peers: Record<string, PlanBgpPeer> = {};
    for (const [peer, result] of outcome.peers) {
      if (result.kind === 'idle') {
        peers[peer] = { reason: result.reason };
        reasons.add(result.reason);
        continue;
      }
      advertised = true;
      const table = plan.routes.get(peer);
      peers[peer] = {
        routes: result.prefixes.flatMap((prefix) => {
          const route = table?.get(prefix);
          return route ? [toPlanRoute(route)] : [];
        }),
      };
    }
    nodes[plan.node] = { peers };
  }
  const [only] = reasons;
  if (advertised) return { nodes };
  return { reason: reasons.size === 1 && only !== undefined ? only : 'noEligibleNode', nodes };
}

function toPlanRoute(route: BgpRoute): PlanBgpRoute {
  return {
    prefix: route.prefix,
    nextHop: route.nextHop,
    ...(route.localPref !== undefined ? { localPref: route.localPref } : {}),
    communities: route.communities.map(formatCommunity),
    largeCommunities: route.largeCommunities.map(formatLargeCommunity),
  };
}

function toPlanSession(s: BgpSession): PlanBgpSession {
  // Keys in the order a reader looks for them; absent fields are left out rather than null.
  return {
    peer: s.name,
    ...(s.peerAddress !== undefined ? { address: s.peerAddress } : {}),
    ...(s.interface !== undefined ? { interface: s.interface } : {}),
    port: s.peerPort,
    ...(s.sourceAddress !== undefined ? { sourceAddress: s.sourceAddress } : {}),
    ...(s.vrf !== '' ? { vrf: s.vrf } : {}),
    type: s.ibgp ? 'ibgp' : 'ebgp',
    myASN: s.myASN,
    ...(s.localASN !== undefined ? { localASN: s.localASN } : {}),
    ...(s.peerASN !== undefined ? { peerASN: s.peerASN } : {}),
    ...(s.dynamicASN !== undefined ? { dynamicASN: s.dynamicASN } : {}),
    ...(s.routerID !== undefined ? { routerID: s.routerID } : {}),
    holdTimeMs: s.holdTimeMs,
    // A keepalive derived as hold / 3 can be fractional; a millisecond is precise enough to show.
    keepaliveTimeMs: Math.round(s.keepaliveTimeMs),
    connectTimeMs: s.connectTimeMs,
    ebgpMultiHop: s.ebgpMultiHop,
    gracefulRestart: s.gracefulRestart,
    families: s.families.map((f) => `IPv${f}`),
    auth: s.auth.kind === 'secret' ? `secret ${s.auth.namespace}/${s.auth.name}` : s.auth.kind,
    ...(s.bfd ? { bfd: toPlanBfd(s.bfd.profile, s.bfd.settings) } : {}),
  };
}

function toPlanBfd(profile: string, v: BfdProfile | undefined): NonNullable<PlanBgpSession['bfd']> {
  if (!v) return { profile, missing: true };
  return {
    profile,
    receiveIntervalMs: v.receiveIntervalMs,
    transmitIntervalMs: v.transmitIntervalMs,
    detectMultiplier: v.detectMultiplier,
    echoMode: v.echoMode,
    echoIntervalMs: v.echoIntervalMs,
    passiveMode: v.passiveMode,
    minimumTtl: v.minimumTtl,
  };
}

/** `herald plan --output json`: the services, each with its bgp section, and the sessions. */
export function planJson(
  services: readonly PlanService[],
  bgp: BgpPlanReport,
): { services: (PlanService & { bgp?: PlanBgp })[]; bgpSessions?: Record<string, PlanBgpSession[]> } {
  if (!bgp.configured) return { services: [...services] };
  return {
    services: services.map((s) => {
      const section = bgp.services.get(`${s.namespace}/${s.name}`);
      return section ? { ...s, bgp: section } : s;
    }),
    bgpSessions: bgp.sessions,
  };
}
