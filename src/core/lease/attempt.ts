// What one try at the lease (read, decide, write) reports to the election machine. Plain data:
// the machine branches on `outcome`, the actor produces it (actors/lease-attempt.ts).

import type { AcquireReason } from './decide.js';
import type { LeaseObservation } from './observe.js';

export type LeaseAttemptResult =
  | {
      /** We hold the lease: just acquired it, or renewed it. */
      readonly outcome: 'holding';
      readonly reason: AcquireReason | 'ownLease';
      readonly observation: LeaseObservation;
      /** Our clock when the try began and when the write was confirmed. */
      readonly startedAt: number;
      readonly finishedAt: number;
    }
  | {
      readonly outcome: 'heldByOther';
      readonly holder: string;
      readonly expiresInMs: number;
      readonly observation: LeaseObservation | undefined;
    }
  /** Someone wrote the lease between our read and our write (HTTP 409): a lost race, try again. */
  | { readonly outcome: 'conflict'; readonly observation: LeaseObservation | undefined };

export interface LeaseAttemptInput {
  readonly identity: string;
  readonly leaseDurationMs: number;
  /** The lease as last observed, so a record that has not changed keeps its observation time. */
  readonly observation: LeaseObservation | undefined;
}

export type LeaseReleaseResult = 'released' | 'notHolder' | 'conflict';

export interface LeaseReleaseInput {
  readonly identity: string;
  readonly observation: LeaseObservation | undefined;
}
