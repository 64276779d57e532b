// The legacy AddressPool kind (MetalLB ≤ 0.13, seed 003) becomes an IPAddressPool plus the
// advertisement its `protocol` implied. parse() adds the deprecation warning.
import type { Resource } from '../resource.js';
import type {
  BGPAdvertisementSpec,
  IPAddressPoolSpec,
  L2AdvertisementSpec,
  LegacyAddressPoolSpec,
} from '../schema/metallb.js';

export interface ConvertedLegacyPool {
  readonly pool: IPAddressPoolSpec;
  readonly l2: L2AdvertisementSpec[];
  readonly bgp: BGPAdvertisementSpec[];
}

export function convertLegacyAddressPool(
  resource: Resource,
  spec: LegacyAddressPoolSpec,
): ConvertedLegacyPool {
  const pool: IPAddressPoolSpec = {
    addresses: spec.addresses,
    ...(spec.autoAssign !== undefined ? { autoAssign: spec.autoAssign } : {}),
    ...(spec.avoidBuggyIPs !== undefined ? { avoidBuggyIPs: spec.avoidBuggyIPs } : {}),
  };
  const pools = [resource.name];
  if (spec.protocol === 'layer2') return { pool, l2: [{ ipAddressPools: pools }], bgp: [] };
  const ads = spec.bgpAdvertisements && spec.bgpAdvertisements.length > 0 ? spec.bgpAdvertisements : [{}];
  return { pool, l2: [], bgp: ads.map((ad) => ({ ...ad, ipAddressPools: pools })) };
}
