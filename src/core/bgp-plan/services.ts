// The node-independent half of BGP planning, done once per view: for every served service, its
// (address × advertisement) pairs that pass the pool and service checks, or the reason none do.
import type { BgpAdvertisement, Config } from '../config/types.js';
import type { ServiceEndpoints } from '../election/nodes.js';
import { anySelectorMatches } from '../labels.js';
import { parseIp, type Ip, type IpFamily } from '../net/ip.js';
import { servesService } from '../plan/layer2.js';
import { serviceKey, type ServiceModel } from '../service/model.js';
import type { ServiceBgpReason } from './reasons.js';

export interface BgpPlanInput {
  readonly config: Config;
  /** The services, their addresses in `ingressIPs`; services this agent does not serve are skipped. */
  readonly services: readonly ServiceModel[];
  /** By `namespace/name`; undefined = unknown, every node hosts a usable endpoint of every service. */
  readonly endpoints: ReadonlyMap<string, ServiceEndpoints> | undefined;
}

/** One load-balancer address and one advertisement that may announce it. */
export interface Candidate {
  readonly ip: Ip;
  readonly ad: BgpAdvertisement;
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

export function prepareServices(input: BgpPlanInput): PreparedService[] {
  const { config } = input;
  const ranges: PoolRange[] = [...config.pools.values()].flatMap((pool) =>
    pool.addresses.map((e) => ({ pool: pool.name, family: e.family, first: e.first, last: e.last })),
  );
  const adsByPool = new Map<string, BgpAdvertisement[]>();
  for (const ad of config.bgpAdvertisements) {
    for (const pool of ad.pools) {
      const ads = adsByPool.get(pool);
      if (ads) ads.push(ad);
      else adsByPool.set(pool, [ad]);
    }
  }

  return input.services
    .filter((s) => servesService(config, s))
    .map((service) => {
      const key = serviceKey(service);
      const endpoints = input.endpoints ? (input.endpoints.get(key) ?? NO_ENDPOINTS) : undefined;
      const outcome = candidatesOf(service, endpoints, ranges, adsByPool);
      if (typeof outcome === 'string') return { key, service, idle: outcome };
      const localNodes =
        service.externalTrafficPolicy === 'Local' && endpoints ? endpoints.nodesWithUsable : undefined;
      return { key, service, idle: undefined, candidates: outcome, localNodes };
    });
}

function candidatesOf(
  service: ServiceModel,
  endpoints: ServiceEndpoints | undefined,
  ranges: readonly PoolRange[],
  adsByPool: ReadonlyMap<string, readonly BgpAdvertisement[]>,
): Candidate[] | ServiceBgpReason {
  if (service.ingressIPs.length === 0) return 'noAddress';
  if (endpoints && !endpoints.anyUsable) return 'noUsableEndpoint';
  const pooled = service.ingressIPs.flatMap((text) => {
    const ip = parseIp(text);
    const range =
      ip && ranges.find((r) => r.family === ip.family && r.first <= ip.value && ip.value <= r.last);
    return ip && range ? [{ ip, pool: range.pool }] : [];
  });
  if (pooled.length === 0) return 'addressNotInAnyPool';
  const covered = pooled.flatMap(({ ip, pool }) => (adsByPool.get(pool) ?? []).map((ad) => ({ ip, ad })));
  if (covered.length === 0) return 'noBgpAdvertisement';
  const selected = covered.filter(({ ad }) => anySelectorMatches(ad.serviceSelectors, service.labels));
  if (selected.length === 0) return 'serviceNotSelected';
  return selected;
}
