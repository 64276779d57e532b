// When did we last see the lease record change? That moment, on OUR clock, is what expiry is
// measured from — as client-go does — and not the renewTime the holder wrote: that is another
// host's wall clock, and comparing it to ours would let clock skew decide leadership (a standby
// whose clock runs 5 s ahead would take a live leader's lease). Measuring "no change seen for a
// lease duration" on our own monotonic clock needs no clock agreement at all, only that both
// clocks tick at about the same rate. The price: a standby that starts late (or has just seen
// the record change) waits a full lease duration from then, even if the holder died earlier.

import type { LeaseSpec, StoredLease } from './types.js';

/** The lease as last read, and when (our clock, ms) its record last changed. */
export interface LeaseObservation extends StoredLease {
  readonly observedAt: number;
}

/** Same holder, duration, times and transitions (resourceVersion alone may change with metadata). */
export function sameRecord(a: LeaseSpec, b: LeaseSpec): boolean {
  return (
    (a.holderIdentity ?? '') === (b.holderIdentity ?? '') &&
    a.leaseDurationSeconds === b.leaseDurationSeconds &&
    a.acquireTime === b.acquireTime &&
    a.renewTime === b.renewTime &&
    (a.leaseTransitions ?? 0) === (b.leaseTransitions ?? 0)
  );
}

/**
 * Folds a fresh read into the previous observation: the observation time moves to `now` only when
 * the record changed (a renewal changes renewTime, so a live holder keeps moving it).
 * `undefined` lease = it does not exist.
 */
export function observe(
  previous: LeaseObservation | undefined,
  lease: StoredLease | undefined,
  now: number,
): LeaseObservation | undefined {
  if (!lease) return undefined;
  const unchanged = previous !== undefined && sameRecord(previous.spec, lease.spec);
  return { ...lease, observedAt: unchanged ? previous.observedAt : now };
}

/** The record as we just wrote it: observed now. */
export function observeWritten(lease: StoredLease, now: number): LeaseObservation {
  return { ...lease, observedAt: now };
}
