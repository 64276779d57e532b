// A sorted set of bigints in a plain array: binary search for lookups, splice for updates.
// The allocator keeps one per pool entry, so finding the lowest free address costs
// O(log used) no matter how large the pool is.

export class SortedBigints {
  private readonly values: bigint[] = [];

  get size(): number {
    return this.values.length;
  }

  /** Index of the first value >= `value` (size when there is none). */
  lowerBound(value: bigint): number {
    let lo = 0;
    let hi = this.values.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.values[mid] ?? 0n) < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  has(value: bigint): boolean {
    return this.values[this.lowerBound(value)] === value;
  }

  add(value: bigint): void {
    const i = this.lowerBound(value);
    if (this.values[i] !== value) this.values.splice(i, 0, value);
  }

  delete(value: bigint): void {
    const i = this.lowerBound(value);
    if (this.values[i] === value) this.values.splice(i, 1);
  }

  /** Smallest i in [0, size] with pred(i) true, for a predicate false then true over the indices. */
  firstIndex(pred: (value: bigint, index: number) => boolean): number {
    let lo = 0;
    let hi = this.values.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pred(this.values[mid] ?? 0n, mid)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  *from(value: bigint): Generator<bigint> {
    for (let i = this.lowerBound(value); i < this.values.length; i++) yield this.values[i] ?? 0n;
  }
}
