// Choosing addresses: the lowest free address of a family in a pool (an unused one, or a used
// one this service may share), and the best pool of a list for a request (MetalLB's
// findBestPoolForService: the first pool with every wanted family; with PreferDualStack, else
// the first pool with the primary family, else the first with the secondary).
import type { Ip, IpFamily } from '../net/ip.js';
import type { EntryIndex } from './entry.js';
import type { IndexedPool } from './pools.js';
import type { AllocationRequest } from './request.js';
import type { Usage } from './usage.js';

export interface Pick {
  readonly pool: IndexedPool;
  /** In the request's family order. */
  readonly ips: readonly Ip[];
}

function lowestFreeInEntry(entry: EntryIndex, usage: Usage, request: AllocationRequest): bigint | undefined {
  const unused = entry.lowestUnused();
  const shared = request.sharing === '' ? undefined : entry.shared.get(request.sharing);
  if (shared) {
    for (const value of shared.from(entry.first)) {
      if (unused !== undefined && value > unused) break;
      if (usage.conflict(request.key, { family: entry.family, value }, request) === undefined) return value;
    }
  }
  return unused;
}

/** The lowest free address of `family` in `pool`: entries in `addresses` order, ascending within. */
export function lowestFree(
  pool: IndexedPool,
  family: IpFamily,
  usage: Usage,
  request: AllocationRequest,
): Ip | undefined {
  for (const entry of pool.entries) {
    if (entry.family !== family) continue;
    const value = lowestFreeInEntry(entry, usage, request);
    if (value !== undefined) return { family, value };
  }
  return undefined;
}

/** Addresses from one pool for the request, or undefined when the pool cannot serve it. */
export function pickInPool(pool: IndexedPool, usage: Usage, request: AllocationRequest): Pick | undefined {
  const found = request.families.map((f) => lowestFree(pool, f, usage, request));
  if (found.every((ip) => ip !== undefined)) return { pool, ips: found };
  if (request.policy !== 'PreferDualStack' || found.length < 2) return undefined;
  const one = found.find((ip) => ip !== undefined);
  return one ? { pool, ips: [one] } : undefined;
}

export function pickFromPools(
  pools: readonly IndexedPool[],
  usage: Usage,
  request: AllocationRequest,
): Pick | undefined {
  const [primary, secondary] = request.families;
  if (primary === undefined) return undefined;
  if (secondary === undefined) {
    for (const pool of pools) {
      const ip = lowestFree(pool, primary, usage, request);
      if (ip) return { pool, ips: [ip] };
    }
    return undefined;
  }
  let primaryOnly: Pick | undefined;
  let secondaryOnly: Pick | undefined;
  for (const pool of pools) {
    const a = lowestFree(pool, primary, usage, request);
    const b = lowestFree(pool, secondary, usage, request);
    if (a && b) return { pool, ips: [a, b] };
    if (request.policy !== 'PreferDualStack') continue;
    if (a && !primaryOnly) primaryOnly = { pool, ips: [a] };
    if (b && !secondaryOnly) secondaryOnly = { pool, ips: [b] };
  }
  return primaryOnly ?? secondaryOnly;
}
