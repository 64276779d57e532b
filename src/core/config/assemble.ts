// Builds the Config from objects that passed their shape checks, applying per-object rules in
// dependency order (profiles, communities, pools, peers, advertisements, FRR) and then the rules
// between objects.
import type { IssueSink } from './issues.js';
import type { Resource } from './resource.js';
import {
  checkBgpAdvertisementPairs,
  parseBgpAdvertisement,
  parseL2Advertisement,
  type AdvertisementContext,
} from './rules/advertisements.js';
import { parseBfdProfile } from './rules/bfd.js';
import { parseCommunityObject } from './rules/community-objects.js';
import { convertLegacyAddressPool } from './rules/legacy.js';
import { checkPeerCompatibility, checkPeerReferences, parsePeer, type NodeInfo } from './rules/peers.js';
import { checkPoolOverlaps, parsePool } from './rules/pools.js';
import { parseOperator } from './rules/operator.js';
import { checkFrrMerge, parseFrrConfiguration, type FrrConfiguration } from './frr-configuration.js';
import type { FrrConfigurationSpec } from './schema/frrk8s.js';
import type {
  BFDProfileSpec,
  BGPAdvertisementSpec,
  BGPPeerSpec,
  CommunitySpec,
  IPAddressPoolSpec,
  L2AdvertisementSpec,
  LegacyAddressPoolSpec,
} from './schema/metallb.js';
import type { MetalLBSpec } from './schema/operator.js';
import type {
  BfdProfile,
  BgpAdvertisement,
  BgpCommunity,
  BgpPeer,
  Config,
  L2Advertisement,
  Pool,
} from './types.js';

export interface Collected {
  /** Shape-checked specs by kind, in input order. */
  readonly specs: Map<string, { resource: Resource; spec: unknown }[]>;
  readonly secrets: Map<string, Readonly<Record<string, unknown>>>;
}

export interface AssembleContext {
  readonly namespace: string;
  readonly references: 'require' | 'warn';
  readonly nodes: readonly NodeInfo[] | undefined;
  readonly sink: IssueSink;
}

// The kind registry guarantees each kind's specs passed that kind's schema, so the cast holds.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
function specsOf<T>(collected: Collected, kind: string): { resource: Resource; spec: T }[] {
  return (collected.specs.get(kind) ?? []) as { resource: Resource; spec: T }[];
}

export function buildConfig(collected: Collected, ctx: AssembleContext): Config | undefined {
  const { sink } = ctx;
  const operator = parseOperator(specsOf<MetalLBSpec>(collected, 'MetalLB'), sink);

  const bfdProfiles = new Map<string, BfdProfile>();
  for (const { resource, spec } of specsOf<BFDProfileSpec>(collected, 'BFDProfile')) {
    const profile = parseBfdProfile(resource, spec, sink);
    if (profile) bfdProfiles.set(profile.name, profile);
  }

  const communityAliases = new Map<string, BgpCommunity>();
  const aliasOwners = new Map<string, string>();
  for (const { resource, spec } of specsOf<CommunitySpec>(collected, 'Community')) {
    parseCommunityObject(resource, spec, communityAliases, aliasOwners, sink);
  }

  const pools = new Map<string, Pool>();
  const poolResources: { pool: Pool; resource: Resource }[] = [];
  const legacyL2: { resource: Resource; spec: L2AdvertisementSpec }[] = [];
  const legacyBgp: { resource: Resource; spec: BGPAdvertisementSpec }[] = [];
  const addPool = (resource: Resource, spec: IPAddressPoolSpec): void => {
    const pool = parsePool(resource, spec, sink);
    if (!pool) return;
    if (pools.has(pool.name)) {
      sink.error(resource, 'metadata.name', `duplicate definition of pool "${pool.name}"`);
      return;
    }
    pools.set(pool.name, pool);
    poolResources.push({ pool, resource });
  };
  for (const { resource, spec } of specsOf<IPAddressPoolSpec>(collected, 'IPAddressPool'))
    addPool(resource, spec);
  for (const { resource, spec } of specsOf<LegacyAddressPoolSpec>(collected, 'AddressPool')) {
    const converted = convertLegacyAddressPool(resource, spec);
    addPool(resource, converted.pool);
    legacyL2.push(...converted.l2.map((s) => ({ resource, spec: s })));
    legacyBgp.push(...converted.bgp.map((s) => ({ resource, spec: s })));
  }
  checkPoolOverlaps(poolResources, sink);

  const peers = new Map<string, BgpPeer>();
  const peerResources: { peer: BgpPeer; resource: Resource }[] = [];
  for (const { resource, spec } of specsOf<BGPPeerSpec>(collected, 'BGPPeer')) {
    const peer = parsePeer(resource, spec, ctx.namespace, sink);
    if (!peer) continue;
    peers.set(peer.name, peer);
    peerResources.push({ peer, resource });
  }
  checkPeerReferences(peerResources, bfdProfiles, collected.secrets, ctx.references, sink);
  checkPeerCompatibility(peerResources, ctx.nodes, sink);
  checkEchoModeWithIpv6(collected, bfdProfiles, pools, sink);

  const adCtx: AdvertisementContext = {
    pools,
    peerNames: new Set(peers.keys()),
    communityAliases,
    references: ctx.references,
    sink,
  };
  const l2Advertisements: L2Advertisement[] = [];
  for (const { resource, spec } of [
    ...specsOf<L2AdvertisementSpec>(collected, 'L2Advertisement'),
    ...legacyL2,
  ]) {
    const ad = parseL2Advertisement(resource, spec, adCtx);
    if (ad) l2Advertisements.push(ad);
  }
  const bgpAds: { ad: BgpAdvertisement; resource: Resource }[] = [];
  for (const { resource, spec } of [
    ...specsOf<BGPAdvertisementSpec>(collected, 'BGPAdvertisement'),
    ...legacyBgp,
  ]) {
    const ad = parseBgpAdvertisement(resource, spec, adCtx);
    if (ad) bgpAds.push({ ad, resource });
  }
  checkBgpAdvertisementPairs(bgpAds, pools, ctx.nodes, sink);

  const frrConfigurations: FrrConfiguration[] = [];
  const frrResources: { config: FrrConfiguration; resource: Resource }[] = [];
  for (const { resource, spec } of specsOf<FrrConfigurationSpec>(collected, 'FRRConfiguration')) {
    const config = parseFrrConfiguration(resource, spec, sink);
    if (!config) continue;
    frrConfigurations.push(config);
    frrResources.push({ config, resource });
  }
  const metallbRouters = new Map<string, { asn: number; owner: string }>();
  if (operator.bgpBackend === 'frr-k8s' || operator.bgpBackend === 'frr-k8s-external') {
    for (const peer of peers.values()) {
      if (!metallbRouters.has(peer.vrf))
        metallbRouters.set(peer.vrf, { asn: peer.myASN, owner: `BGPPeer ${ctx.namespace}/${peer.name}` });
    }
  }
  checkFrrMerge(frrResources, metallbRouters, ctx.nodes, sink);

  if (sink.hasErrors) return undefined;
  return {
    namespace: ctx.namespace,
    pools,
    l2Advertisements,
    bgpAdvertisements: bgpAds.map((a) => a.ad),
    peers,
    bfdProfiles,
    communityAliases,
    frrConfigurations,
    operator,
  };
}

/** BFD echo mode is IPv4-only: a profile with echoMode cannot be used while IPv6 pools exist. */
function checkEchoModeWithIpv6(
  collected: Collected,
  profiles: ReadonlyMap<string, BfdProfile>,
  pools: ReadonlyMap<string, Pool>,
  sink: IssueSink,
): void {
  const v6Pool = [...pools.values()].find((p) => p.addresses.some((a) => a.family === 6));
  if (!v6Pool) return;
  for (const { resource } of collected.specs.get('BFDProfile') ?? []) {
    if (profiles.get(resource.name)?.echoMode) {
      sink.error(
        resource,
        'spec.echoMode',
        `echo mode is not supported with IPv6 pools (pool "${v6Pool.name}" has IPv6 addresses)`,
      );
    }
  }
}
