// One `addresses` entry of a pool as the allocator sees it: the allocatable addresses of
// [first, last] (IPv4 .0 and .255 removed when the pool has avoidBuggyIPs), the ones in use,
// and the ones in use under each sharing key. Counting and "lowest unused" are arithmetic on
// ranks, never a walk over the range.
import type { IpFamily } from '../net/ip.js';
import type { PoolAddressEntry } from '../config/types.js';
import { SortedBigints } from './sorted.js';

/** IPv4 addresses below `x` that end in .0 or .255. */
const buggyBelow = (x: bigint): bigint => (x + 255n) / 256n + x / 256n;

export const isBuggy = (family: IpFamily, value: bigint): boolean =>
  family === 4 && (value % 256n === 0n || value % 256n === 255n);

export class EntryIndex {
  readonly family: IpFamily;
  readonly first: bigint;
  readonly last: bigint;
  /** Addresses in use (by at least one service), all allocatable. */
  readonly used = new SortedBigints();
  /** Addresses in use per non-empty sharing key. */
  readonly shared = new Map<string, SortedBigints>();
  private readonly skipBuggy: boolean;

  constructor(
    readonly pool: string,
    entry: PoolAddressEntry,
    avoidBuggyIPs: boolean,
  ) {
    this.family = entry.family;
    this.first = entry.first;
    this.last = entry.last;
    this.skipBuggy = avoidBuggyIPs && entry.family === 4;
  }

  contains(value: bigint): boolean {
    return value >= this.first && value <= this.last;
  }

  allocatable(value: bigint): boolean {
    return this.contains(value) && !(this.skipBuggy && isBuggy(4, value));
  }

  /** How many allocatable addresses lie in [first, value). */
  rank(value: bigint): bigint {
    const span = value - this.first;
    return this.skipBuggy ? span - (buggyBelow(value) - buggyBelow(this.first)) : span;
  }

  get capacity(): bigint {
    return this.rank(this.last + 1n);
  }

  /** The allocatable address of rank `n` (n < capacity). */
  nth(n: bigint): bigint {
    if (!this.skipBuggy) return this.first + n;
    let lo = this.first;
    let hi = this.last;
    while (lo < hi) {
      const mid = (lo + hi) / 2n;
      if (this.rank(mid + 1n) > n) hi = mid;
      else lo = mid + 1n;
    }
    return lo;
  }

  /**
   * The lowest allocatable address nobody uses. The used addresses u[0] < u[1] < … fill the
   * start of the range densely exactly while rank(u[k]) === k, so the first gap is found by
   * binary search.
   */
  lowestUnused(): bigint | undefined {
    const k = this.used.firstIndex((value, index) => this.rank(value) > BigInt(index));
    const n = BigInt(k);
    return n < this.capacity ? this.nth(n) : undefined;
  }

  markUsed(value: bigint, sharing: string): void {
    this.used.add(value);
    if (sharing === '') return;
    let set = this.shared.get(sharing);
    if (!set) this.shared.set(sharing, (set = new SortedBigints()));
    set.add(value);
  }

  markFree(value: bigint, sharing: string): void {
    this.used.delete(value);
    const set = this.shared.get(sharing);
    set?.delete(value);
    if (set?.size === 0) this.shared.delete(sharing);
  }
}
