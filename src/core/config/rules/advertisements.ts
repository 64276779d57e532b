// L2Advertisement and BGPAdvertisement rules: which pools they select, aggregation lengths
// against the pools' prefixes, communities, and the rules between advertisements of one pool.
import { anySelectorMatches, type LabelSelector } from '../../labels.js';
import { formatPrefix, type Prefix } from '../../net/ip.js';
import type { IssueSink } from '../issues.js';
import type { Resource } from '../resource.js';
import type { BGPAdvertisementSpec, L2AdvertisementSpec } from '../schema/metallb.js';
import type { BgpAdvertisement, BgpCommunity, L2Advertisement, Pool } from '../types.js';
import { communityKey, looksLikeCommunityValue, parseCommunityValue } from './communities.js';
import type { NodeInfo } from './peers.js';
import { checkSelectors, checkUniqueNames } from './selectors.js';

export interface AdvertisementContext {
  readonly pools: ReadonlyMap<string, Pool>;
  readonly peerNames: ReadonlySet<string>;
  readonly communityAliases: ReadonlyMap<string, BgpCommunity>;
  /** 'require': a missing alias is an error (run time); 'warn': a warning (herald validate). */
  readonly references: 'require' | 'warn';
  readonly sink: IssueSink;
}

const MAX_COMMUNITIES = 63;

/** Pools named or selected by an advertisement; neither given = every pool. */
function resolvePools(
  resource: Resource,
  names: readonly string[] | undefined,
  selectors: readonly LabelSelector[] | undefined,
  ctx: AdvertisementContext,
): string[] {
  const chosen = new Set<string>();
  (names ?? []).forEach((name, i) => {
    if (ctx.pools.has(name)) chosen.add(name);
    else
      ctx.sink.warning(
        resource,
        `spec.ipAddressPools[${i}]`,
        `pool "${name}" is not defined: nothing is advertised for it`,
      );
  });
  if ((selectors ?? []).length > 0) {
    for (const pool of ctx.pools.values()) {
      if ((selectors ?? []).some((s) => anySelectorMatches([s], pool.labels))) chosen.add(pool.name);
    }
  }
  if ((names ?? []).length === 0 && (selectors ?? []).length === 0)
    for (const name of ctx.pools.keys()) chosen.add(name);
  return [...chosen].sort();
}

export function parseL2Advertisement(
  resource: Resource,
  spec: L2AdvertisementSpec,
  ctx: AdvertisementContext,
): L2Advertisement | undefined {
  const before = ctx.sink.issues.filter((i) => i.severity === 'error').length;
  checkUniqueNames(resource, 'spec.ipAddressPools', spec.ipAddressPools, 'pool', ctx.sink);
  checkUniqueNames(resource, 'spec.interfaces', spec.interfaces, 'interface', ctx.sink);
  checkSelectors(resource, 'spec.ipAddressPoolSelectors', spec.ipAddressPoolSelectors, ctx.sink);
  checkSelectors(resource, 'spec.nodeSelectors', spec.nodeSelectors, ctx.sink);
  checkSelectors(resource, 'spec.serviceSelectors', spec.serviceSelectors, ctx.sink);
  if (ctx.sink.issues.filter((i) => i.severity === 'error').length > before) return undefined;
  return {
    name: resource.name,
    pools: resolvePools(resource, spec.ipAddressPools, spec.ipAddressPoolSelectors, ctx),
    nodeSelectors: spec.nodeSelectors ?? [],
    interfaces: spec.interfaces ?? [],
    serviceSelectors: spec.serviceSelectors ?? [],
  };
}

export function parseBgpAdvertisement(
  resource: Resource,
  spec: BGPAdvertisementSpec,
  ctx: AdvertisementContext,
): BgpAdvertisement | undefined {
  const { sink } = ctx;
  const errorCount = (): number => sink.issues.filter((i) => i.severity === 'error').length;
  const before = errorCount();
  const aggregationLength = spec.aggregationLength ?? 32;
  const aggregationLengthV6 = spec.aggregationLengthV6 ?? 128;
  if (aggregationLength < 1 || aggregationLength > 32) {
    sink.error(
      resource,
      'spec.aggregationLength',
      `invalid aggregation length ${aggregationLength}: must be between 1 and 32`,
    );
  }
  if (aggregationLengthV6 < 1 || aggregationLengthV6 > 128) {
    sink.error(
      resource,
      'spec.aggregationLengthV6',
      `invalid aggregation length ${aggregationLengthV6}: must be between 1 and 128`,
    );
  }
  const nonDefaultAggregation = aggregationLength !== 32 || aggregationLengthV6 !== 128;
  if ((spec.serviceSelectors ?? []).length > 0 && nonDefaultAggregation) {
    sink.error(
      resource,
      'spec.serviceSelectors',
      'serviceSelectors can not be used together with a non-default aggregation length',
    );
  }
  checkUniqueNames(resource, 'spec.ipAddressPools', spec.ipAddressPools, 'pool', sink);
  checkUniqueNames(resource, 'spec.peers', spec.peers, 'peer', sink);
  checkUniqueNames(resource, 'spec.communities', spec.communities, 'community', sink);
  checkSelectors(resource, 'spec.ipAddressPoolSelectors', spec.ipAddressPoolSelectors, sink);
  checkSelectors(resource, 'spec.nodeSelectors', spec.nodeSelectors, sink);
  checkSelectors(resource, 'spec.serviceSelectors', spec.serviceSelectors, sink);
  (spec.peers ?? []).forEach((peer, i) => {
    if (!ctx.peerNames.has(peer)) {
      sink.warning(
        resource,
        `spec.peers[${i}]`,
        `peer "${peer}" is not defined: routes of this advertisement go to no peer by that name`,
      );
    }
  });
  const communities = resolveCommunities(resource, spec.communities ?? [], ctx);
  const pools = resolvePools(resource, spec.ipAddressPools, spec.ipAddressPoolSelectors, ctx);
  checkAggregationAgainstPools(resource, pools, aggregationLength, aggregationLengthV6, ctx);
  if (errorCount() > before) return undefined;
  return {
    name: resource.name,
    pools,
    aggregationLength,
    aggregationLengthV6,
    localPref: spec.localPref,
    communities,
    nodeSelectors: spec.nodeSelectors ?? [],
    peers: spec.peers ?? [],
    serviceSelectors: spec.serviceSelectors ?? [],
  };
}

function resolveCommunities(
  resource: Resource,
  texts: readonly string[],
  ctx: AdvertisementContext,
): BgpCommunity[] {
  if (texts.length > MAX_COMMUNITIES) {
    ctx.sink.error(
      resource,
      'spec.communities',
      `at most ${MAX_COMMUNITIES} communities are allowed, got ${texts.length}`,
    );
  }
  const out = new Map<string, BgpCommunity>();
  texts.forEach((text, i) => {
    const field = `spec.communities[${i}]`;
    if (looksLikeCommunityValue(text)) {
      const parsed = parseCommunityValue(text);
      if (typeof parsed === 'string') ctx.sink.error(resource, field, parsed);
      else out.set(communityKey(parsed), parsed);
      return;
    }
    const alias = ctx.communityAliases.get(text);
    if (alias) out.set(communityKey(alias), alias);
    else if (ctx.references === 'require')
      ctx.sink.error(resource, field, `community alias "${text}" is not defined by any Community object`);
    else
      ctx.sink.warning(
        resource,
        field,
        `community alias "${text}" is not defined by any Community object; the speaker refuses this config until it is`,
      );
  });
  return [...out.values()];
}

/** The aggregation length may not be shorter than the widest CIDR of any selected pool. */
function checkAggregationAgainstPools(
  resource: Resource,
  poolNames: readonly string[],
  lengthV4: number,
  lengthV6: number,
  ctx: AdvertisementContext,
): void {
  for (const family of [4, 6] as const) {
    const length = family === 4 ? lengthV4 : lengthV6;
    let widest: { prefix: Prefix; pool: string } | undefined;
    for (const name of poolNames) {
      for (const entry of ctx.pools.get(name)?.addresses ?? []) {
        for (const cidr of entry.cidrs) {
          if (cidr.family === family && (!widest || cidr.length < widest.prefix.length))
            widest = { prefix: cidr, pool: name };
        }
      }
    }
    if (widest && length < widest.prefix.length) {
      ctx.sink.error(
        resource,
        family === 4 ? 'spec.aggregationLength' : 'spec.aggregationLengthV6',
        `invalid aggregation length ${length}: prefix ${formatPrefix(widest.prefix)} in pool "${widest.pool}" is more specific than the aggregation length`,
      );
    }
  }
}

/**
 * Rules between advertisements: no two identical ones, and two advertisements of one pool that
 * can produce the same route to the same peer from the same node must agree on localPref.
 * Only advertisements sharing a pool are compared, so the cost follows the sharing, not n².
 */
export function checkBgpAdvertisementPairs(
  ads: readonly { ad: BgpAdvertisement; resource: Resource }[],
  pools: ReadonlyMap<string, Pool>,
  nodes: readonly NodeInfo[] | undefined,
  sink: IssueSink,
): void {
  const identical = new Map<string, string>();
  const byPool = new Map<string, BgpAdvertisement[]>();
  for (const { ad, resource } of ads) {
    const key = contentKey(ad);
    const twin = identical.get(key);
    if (twin !== undefined) {
      sink.error(resource, 'spec', `duplicate definition of BGPAdvertisement: identical to "${twin}"`);
      continue;
    }
    identical.set(key, ad.name);
    const clash = findLocalPrefClash(ad, byPool, pools, nodes);
    if (clash) {
      sink.error(
        resource,
        'spec.localPref',
        `pool "${clash.pool}" is advertised by "${clash.other.name}" too with a different localPref (${clash.other.localPref ?? 0} vs ${ad.localPref ?? 0}) and the same aggregation length`,
      );
    }
    for (const pool of ad.pools) byPool.set(pool, [...(byPool.get(pool) ?? []), ad]);
  }
}

function findLocalPrefClash(
  ad: BgpAdvertisement,
  byPool: ReadonlyMap<string, BgpAdvertisement[]>,
  pools: ReadonlyMap<string, Pool>,
  nodes: readonly NodeInfo[] | undefined,
): { pool: string; other: BgpAdvertisement } | undefined {
  for (const poolName of ad.pools) {
    const families = new Set(pools.get(poolName)?.addresses.map((a) => a.family) ?? []);
    for (const other of byPool.get(poolName) ?? []) {
      if ((ad.localPref ?? 0) === (other.localPref ?? 0)) continue;
      if (disjoint(ad.peers, other.peers) || !nodesOverlap(ad, other, nodes)) continue;
      const clashV4 = families.has(4) && ad.aggregationLength === other.aggregationLength;
      const clashV6 = families.has(6) && ad.aggregationLengthV6 === other.aggregationLengthV6;
      if (clashV4 || clashV6) return { pool: poolName, other };
    }
  }
  return undefined;
}

const disjoint = (a: readonly string[], b: readonly string[]): boolean =>
  a.length > 0 && b.length > 0 && !a.some((x) => b.includes(x));

function nodesOverlap(
  a: BgpAdvertisement,
  b: BgpAdvertisement,
  nodes: readonly NodeInfo[] | undefined,
): boolean {
  if (!nodes || nodes.length === 0) return true;
  return nodes.some(
    (n) => anySelectorMatches(a.nodeSelectors, n.labels) && anySelectorMatches(b.nodeSelectors, n.labels),
  );
}

/** Everything but the name, order-insensitive where order carries no meaning. */
const contentKey = (ad: BgpAdvertisement): string =>
  JSON.stringify({
    ...ad,
    name: '',
    peers: [...ad.peers].sort(),
    communities: ad.communities.map((c) => c.text).sort(),
  });
