// The node-independent half of BGP planning, done once per view: for every served service, its
// (address × advertisement) pairs that pass the pool and service checks, or the reason none do.
import type { BgpAdvertisement, Config } from '../config/types.js';
import type { NodeRules, ServiceEndpoints } from '../election/nodes.js';
import { anySelectorMatches } from '../labels.js';
import { formatPrefix, parseIp, type Ip, type IpFamily, type Prefix } from '../net/ip.js';
import { servesService } from '../plan/layer2.js';
import { serviceKey, type ServiceModel } from '../service/model.js';
import { runSteps, type Steps } from '../steps.js';
import type { ServiceBgpReason } from './reasons.js';
import { aggregatePrefix, comparePrefixes } from './route.js';

export interface BgpPlanInput {
  readonly config: Config;
  /** The services, their addresses in `ingressIPs`; services this agent does not serve are skipped. */
  readonly services: readonly ServiceModel[];
  /** By `namespace/name`; undefined = unknown, every node hosts a usable endpoint of every service. */
  readonly endpoints: ReadonlyMap<string, ServiceEndpoints> | undefined;
  /** Default: the exclude label counts (MetalLB without --ignore-exclude-lb). */
  readonly nodeRules?: NodeRules | undefined;
}

/** A prefix some candidate gives, shared by every candidate that gives it. */
export interface PrefixSlot {
  readonly prefix: Prefix;
  /** The canonical text: the route's key. */
  readonly key: string;
  /** Position among all prefixes of the view in address order, so nodes sort by a number. */
  rank: number;
}

/** One load-balancer address and one advertisement that may announce it, with the prefix it gives. */
export interface Candidate {
  readonly ip: Ip;
  readonly ad: BgpAdvertisement;
  readonly slot: PrefixSlot;
}

interface PreparedBase {
  readonly key: string;
  readonly service: ServiceModel;
}

export type PreparedService =
  | (PreparedBase & { readonly idle: ServiceBgpReason })
  | (PreparedBase & {
      readonly idle: undefined;
      readonly candidates: readonly Candidate[];
      /** Nodes with a usable endpoint, when the traffic policy is Local and endpoints are known. */
      readonly localNodes: ReadonlySet<string> | undefined;
    });

interface PoolRange {
  readonly pool: string;
  readonly family: IpFamily;
  readonly first: bigint;
  readonly last: bigint;
}

const NO_ENDPOINTS: ServiceEndpoints = { anyUsable: false, nodesWithUsable: new Set() };

/** The pool holding an address, by binary search over the pools' ranges (pools never overlap). */
function poolFinder(config: Config): (ip: Ip) => string | undefined {
  const byFamily = { 4: [] as PoolRange[], 6: [] as PoolRange[] };
  for (const pool of config.pools.values())
    for (const e of pool.addresses)
      byFamily[e.family].push({ pool: pool.name, family: e.family, first: e.first, last: e.last });
  for (const list of Object.values(byFamily))
    list.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  return (ip) => {
    const list = byFamily[ip.family];
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const range = list[mid];
      if (!range) break;
      if (ip.value < range.first) hi = mid - 1;
      else if (ip.value > range.last) lo = mid + 1;
      else return range.pool;
    }
    return undefined;
  };
}

export function prepareServices(input: BgpPlanInput): PreparedService[] {
  return runSteps(prepareServicesSteps(input));
}

/** prepareServices a step per service. */
export function* prepareServicesSteps(input: BgpPlanInput): Steps<PreparedService[]> {
  const { config } = input;
  const poolOf = poolFinder(config);
  const adsByPool = new Map<string, BgpAdvertisement[]>();
  for (const ad of config.bgpAdvertisements) {
    for (const pool of ad.pools) {
      const ads = adsByPool.get(pool);
      if (ads) ads.push(ad);
      else adsByPool.set(pool, [ad]);
    }
  }

  // The prefix depends on the address and the advertisement only: computed once per view rather
  // than for every node and peer (formatting an IPv6 prefix is the costly part), and ranked once.
  const slots = new Map<string, PrefixSlot>();
  const slotOf = (prefix: Prefix): PrefixSlot => {
    const id = `${prefix.family}/${prefix.base}/${prefix.length}`;
    let slot = slots.get(id);
    if (!slot) slots.set(id, (slot = { prefix, key: formatPrefix(prefix), rank: 0 }));
    return slot;
  };
  const prepared: PreparedService[] = [];
  for (const service of input.services) {
    yield;
    if (!servesService(config, service)) continue;
    const key = serviceKey(service);
    const endpoints = input.endpoints ? (input.endpoints.get(key) ?? NO_ENDPOINTS) : undefined;
    const outcome = candidatesOf(service, endpoints, poolOf, adsByPool, slotOf);
    if (typeof outcome === 'string') prepared.push({ key, service, idle: outcome });
    else {
      const localNodes =
        service.externalTrafficPolicy === 'Local' && endpoints ? endpoints.nodesWithUsable : undefined;
      prepared.push({ key, service, idle: undefined, candidates: outcome, localNodes });
    }
  }
  [...slots.values()]
    .sort((a, b) => comparePrefixes(a.prefix, b.prefix))
    .forEach((slot, i) => (slot.rank = i));
  return prepared;
}

function candidatesOf(
  service: ServiceModel,
  endpoints: ServiceEndpoints | undefined,
  poolOf: (ip: Ip) => string | undefined,
  adsByPool: ReadonlyMap<string, readonly BgpAdvertisement[]>,
  slotOf: (prefix: Prefix) => PrefixSlot,
): Candidate[] | ServiceBgpReason {
  if (service.ingressIPs.length === 0) return 'noAddress';
  if (endpoints && !endpoints.anyUsable) return 'noUsableEndpoint';
  const pooled = service.ingressIPs.flatMap((text) => {
    const ip = parseIp(text);
    const pool = ip && poolOf(ip);
    return ip && pool !== undefined ? [{ ip, pool }] : [];
  });
  if (pooled.length === 0) return 'addressNotInAnyPool';
  const covered = pooled.flatMap(({ ip, pool }) => (adsByPool.get(pool) ?? []).map((ad) => ({ ip, ad })));
  if (covered.length === 0) return 'noBgpAdvertisement';
  const selected = covered.filter(({ ad }) => anySelectorMatches(ad.serviceSelectors, service.labels));
  if (selected.length === 0) return 'serviceNotSelected';
  return selected.map(({ ip, ad }) => ({ ip, ad, slot: slotOf(aggregatePrefix(ip, ad)) }));
}
