// Per-pool statistics for IPAddressPool status (assignedIPv4, availableIPv4, …) and the
// metrics metallb_allocator_addresses_total / metallb_allocator_addresses_in_use_total.
// Totals are bigints (an IPv6 /64 holds 2^64 addresses); `toMetricNumber` converts for gauges.
import type { IpFamily } from '../net/ip.js';
import type { PoolIndex } from './pools.js';

export interface FamilyStats {
  readonly total: bigint;
  readonly inUse: number;
  readonly available: bigint;
}

export interface PoolStats {
  readonly pool: string;
  readonly ipv4: FamilyStats;
  readonly ipv6: FamilyStats;
  readonly total: bigint;
  readonly inUse: number;
}

function familyStats(index: PoolIndex, name: string, family: IpFamily): FamilyStats {
  let total = 0n;
  let inUse = 0;
  for (const entry of index.byName.get(name)?.entries ?? []) {
    if (entry.family !== family) continue;
    total += entry.capacity;
    inUse += entry.used.size;
  }
  return { total, inUse, available: total - BigInt(inUse) };
}

export function poolStats(index: PoolIndex): PoolStats[] {
  return [...index.byName.keys()].map((pool) => {
    const ipv4 = familyStats(index, pool, 4);
    const ipv6 = familyStats(index, pool, 6);
    return { pool, ipv4, ipv6, total: ipv4.total + ipv6.total, inUse: ipv4.inUse + ipv6.inUse };
  });
}

/** A gauge value: exact up to 2^53, then the nearest double (Prometheus gauges are doubles). */
export const toMetricNumber = (value: bigint): number => Number(value);
