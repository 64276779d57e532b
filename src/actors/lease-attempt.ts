// One try at the lease and one release, over the LeaseStore port: read, fold the read into what
// we saw before (core/lease/observe.ts), decide (core/lease/decide.ts), write conditionally.
// The election machine invokes these as its `acquireOrRenew` and `release` actors.
import type {
  LeaseAttemptInput,
  LeaseAttemptResult,
  LeaseReleaseInput,
  LeaseReleaseResult,
} from '../core/lease/attempt.js';
import { decide, decideRelease } from '../core/lease/decide.js';
import { observe, observeWritten } from '../core/lease/observe.js';
import type { Clock } from '../ports/clock.js';
import type { LeaseStore } from '../ports/lease-store.js';

export interface LeaseAttemptDeps {
  readonly store: LeaseStore;
  /** Monotonic: observation times and the renew deadline. */
  readonly clock: Pick<Clock, 'now'>;
  /** Wall clock (ms since the epoch): the times written into the Lease. */
  readonly wallClock: () => number;
}

export async function acquireOrRenew(
  deps: LeaseAttemptDeps,
  input: LeaseAttemptInput,
  signal: AbortSignal,
): Promise<LeaseAttemptResult> {
  const { store, clock } = deps;
  const startedAt = clock.now();
  const lease = await store.get(signal);
  const now = clock.now();
  const observation = observe(input.observation, lease, now);
  const decision = decide({
    observation,
    identity: input.identity,
    now,
    wallClockMs: deps.wallClock(),
    leaseDurationMs: input.leaseDurationMs,
  });
  if (decision.action === 'wait') {
    return {
      outcome: 'heldByOther',
      holder: decision.holder,
      expiresInMs: decision.expiresInMs,
      observation,
    };
  }
  const { spec, resourceVersion } = decision.write;
  const written =
    resourceVersion === undefined
      ? await store.create(spec, signal)
      : await store.replace(spec, resourceVersion, signal);
  if (!written.ok) return { outcome: 'conflict', observation };
  const finishedAt = clock.now();
  return {
    outcome: 'holding',
    reason: decision.reason,
    observation: observeWritten(written.lease, finishedAt),
    startedAt,
    finishedAt,
  };
}

/** Clears the holder, conditional on the Lease being as we last wrote it (no read first: stop fast). */
export async function releaseLease(
  deps: LeaseAttemptDeps,
  input: LeaseReleaseInput,
  signal: AbortSignal,
): Promise<LeaseReleaseResult> {
  const decision = decideRelease(input.observation, input.identity, deps.wallClock());
  if (decision.action === 'none') return 'notHolder';
  const { spec, resourceVersion } = decision.write;
  if (resourceVersion === undefined) return 'notHolder';
  const written = await deps.store.replace(spec, resourceVersion, signal);
  return written.ok ? 'released' : 'conflict';
}
