// One step of a lease election, as a function of what we observed: take the lease, renew it, or
// wait for another holder's lease to run out — and the exact spec to write. Expiry is judged on
// our own clock from when we last saw the record change (observe.ts), for the duration the
// HOLDER declared in the record: it promised to renew within that, whatever our own setting is.

import { toMicroTime } from './micro-time.js';
import type { LeaseObservation } from './observe.js';
import { leaseDurationSeconds } from './timing.js';
import type { LeaseSpec, LeaseWrite } from './types.js';

/** Why we may take the lease now. */
export type AcquireReason = 'leaseAbsent' | 'holderEmpty' | 'leaseExpired';

export type LeaseDecision =
  | {
      readonly action: 'acquire';
      readonly reason: AcquireReason;
      /** Who held it before (expired), if anyone. */
      readonly previousHolder: string | undefined;
      readonly write: LeaseWrite;
    }
  /** The record names us: keep it (a renewal, or our own lease found again after a lapse). */
  | { readonly action: 'renew'; readonly reason: 'ownLease'; readonly write: LeaseWrite }
  | {
      readonly action: 'wait';
      readonly reason: 'heldByOther';
      readonly holder: string;
      /** Time left, on our clock, before the holder's lease counts as expired. */
      readonly expiresInMs: number;
    };

export interface DecideInput {
  /** The lease after observe() folded in a fresh read; undefined = there is no Lease. */
  readonly observation: LeaseObservation | undefined;
  readonly identity: string;
  /** Our monotonic clock, the time line of `observation.observedAt`. */
  readonly now: number;
  /** Wall-clock time (ms since the epoch) for the acquire and renew times written. */
  readonly wallClockMs: number;
  /** Our lease duration: what we promise in the record, and the expiry of a record without one. */
  readonly leaseDurationMs: number;
}

/** How long the current record counts for: the holder's declared duration, else ours. */
export function recordDurationMs(spec: LeaseSpec, ourLeaseDurationMs: number): number {
  const declared = spec.leaseDurationSeconds;
  return declared !== undefined && declared > 0 ? declared * 1000 : ourLeaseDurationMs;
}

export function decide(input: DecideInput): LeaseDecision {
  const { observation, identity, now, wallClockMs, leaseDurationMs } = input;
  const time = toMicroTime(wallClockMs);
  const ours = (spec: Omit<LeaseSpec, 'holderIdentity' | 'leaseDurationSeconds' | 'renewTime'>) => ({
    holderIdentity: identity,
    leaseDurationSeconds: leaseDurationSeconds(leaseDurationMs),
    renewTime: time,
    ...spec,
  });

  if (!observation) {
    return {
      action: 'acquire',
      reason: 'leaseAbsent',
      previousHolder: undefined,
      write: { spec: ours({ acquireTime: time, leaseTransitions: 0 }), resourceVersion: undefined },
    };
  }
  const { spec, resourceVersion } = observation;
  const holder = spec.holderIdentity ?? '';
  if (holder === identity) {
    return {
      action: 'renew',
      reason: 'ownLease',
      write: {
        spec: ours({ acquireTime: spec.acquireTime ?? time, leaseTransitions: spec.leaseTransitions ?? 0 }),
        resourceVersion,
      },
    };
  }
  const expiresInMs = observation.observedAt + recordDurationMs(spec, leaseDurationMs) - now;
  if (holder !== '' && expiresInMs > 0) {
    return { action: 'wait', reason: 'heldByOther', holder, expiresInMs };
  }
  return {
    action: 'acquire',
    reason: holder === '' ? 'holderEmpty' : 'leaseExpired',
    previousHolder: holder === '' ? undefined : holder,
    // The holder changes (from another, or from nobody after a release): one more transition.
    write: {
      spec: ours({ acquireTime: time, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 }),
      resourceVersion,
    },
  };
}

export type ReleaseDecision =
  | { readonly action: 'release'; readonly write: LeaseWrite }
  | { readonly action: 'none'; readonly reason: 'leaseAbsent' | 'notHolder' };

/**
 * Giving the lease up on a clean stop: an empty holder, which a standby takes at its next try
 * without waiting for expiry. The duration drops to 1 s (as client-go writes it) for electors
 * that look only at times; the transition count stays — the next holder adds one.
 */
export function decideRelease(
  observation: LeaseObservation | undefined,
  identity: string,
  wallClockMs: number,
): ReleaseDecision {
  if (!observation) return { action: 'none', reason: 'leaseAbsent' };
  if (observation.spec.holderIdentity !== identity) return { action: 'none', reason: 'notHolder' };
  const time = toMicroTime(wallClockMs);
  return {
    action: 'release',
    write: {
      spec: {
        holderIdentity: '',
        leaseDurationSeconds: 1,
        acquireTime: time,
        renewTime: time,
        leaseTransitions: observation.spec.leaseTransitions ?? 0,
      },
      resourceVersion: observation.resourceVersion,
    },
  };
}
