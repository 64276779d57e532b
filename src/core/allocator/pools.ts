// The configured pools, indexed for the allocator: each pool's entries in `addresses` order,
// every entry findable by address, and the order in which pools serve automatic allocation.
import type { Labels } from '../labels.js';
import { anySelectorMatches } from '../labels.js';
import type { Ip } from '../net/ip.js';
import type { Pool } from '../config/types.js';
import { EntryIndex } from './entry.js';

export interface IndexedPool {
  readonly pool: Pool;
  readonly entries: readonly EntryIndex[];
}

/** Who asks, for serviceAllocation: the Service's namespace and labels, the namespace's labels. */
export interface Requester {
  readonly namespace: string;
  readonly labels: Labels;
  readonly namespaceLabels: Labels | undefined;
}

export class PoolIndex {
  readonly byName = new Map<string, IndexedPool>();
  /** Every entry of every pool, by family then first address (pools never overlap). */
  private readonly sorted: EntryIndex[] = [];
  private readonly pinnable: IndexedPool[] = [];
  private readonly plain: IndexedPool[] = [];

  constructor(pools: ReadonlyMap<string, Pool>) {
    const byName = [...pools.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const pool of byName) {
      const indexed = {
        pool,
        entries: pool.addresses.map((e) => new EntryIndex(pool.name, e, pool.avoidBuggyIPs)),
      };
      this.byName.set(pool.name, indexed);
      this.sorted.push(...indexed.entries);
      if (!pool.autoAssign) continue;
      (pool.serviceAllocation ? this.pinnable : this.plain).push(indexed);
    }
    this.sorted.sort((a, b) => a.family - b.family || (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  }

  /** The entry holding `ip` (allocatable there), or undefined. */
  entryFor(ip: Ip): EntryIndex | undefined {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = this.sorted[mid];
      if (e && (e.family < ip.family || (e.family === ip.family && e.last < ip.value))) lo = mid + 1;
      else hi = mid;
    }
    const entry = this.sorted[lo];
    return entry?.family === ip.family && entry.allocatable(ip.value) ? entry : undefined;
  }

  /** The one pool holding all of `ips`, or undefined. */
  poolFor(ips: readonly Ip[]): IndexedPool | undefined {
    const names = new Set(ips.map((ip) => this.entryFor(ip)?.pool));
    const [name] = names;
    return names.size === 1 && name !== undefined ? this.byName.get(name) : undefined;
  }

  /**
   * Automatic allocation tries these lists in turn: auto-assign pools whose serviceAllocation
   * selects the service (priority ascending, 0 last, then by name), then auto-assign pools
   * without serviceAllocation (by name).
   */
  automaticOrder(who: Requester): [IndexedPool[], IndexedPool[]] {
    const pinned = this.pinnable.filter((p) => compatible(p.pool, who));
    const rank = (p: IndexedPool): number => p.pool.serviceAllocation?.priority || Number.MAX_SAFE_INTEGER;
    pinned.sort((a, b) => rank(a) - rank(b)); // stable: ties stay in name order
    return [pinned, this.plain];
  }
}

/** serviceAllocation: (namespaces or namespaceSelectors) AND serviceSelectors; none = everyone. */
export function compatible(pool: Pool, who: Requester): boolean {
  const sa = pool.serviceAllocation;
  if (!sa) return true;
  if (sa.namespaces.length > 0 || sa.namespaceSelectors.length > 0) {
    const byName = sa.namespaces.includes(who.namespace);
    const byLabels =
      sa.namespaceSelectors.length > 0 &&
      who.namespaceLabels !== undefined &&
      anySelectorMatches(sa.namespaceSelectors, who.namespaceLabels);
    if (!byName && !byLabels) return false;
  }
  return anySelectorMatches(sa.serviceSelectors, who.labels);
}
