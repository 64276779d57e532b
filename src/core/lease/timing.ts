// The three durations of a lease election, and the rules between them.
//
// Defaults: lease 4 s, renew deadline 3 s, retry 1 s (client-go's are 15 / 10 / 2).
// - A killed leader is replaced within about lease + retry (4–5 s): the standby sees the record
//   stop changing, waits one lease duration on its own clock, and takes the lease at its next try.
//   A leader that stops with release is replaced within about one retry period.
// - Safety: a leader that cannot renew steps down after the renew deadline, counted from when
//   its last successful renewal was *sent*; a standby takes over no sooner than a lease duration
//   after it *saw* that renewal. The 1 s between the two covers request latency and the drift
//   between the hosts' clock rates, so the old leader has stopped before the new one starts.
// - The retry period gives a leader three tries per deadline, so one slow or failed request
//   does not cost leadership; each elector makes about two requests a second, nothing for an
//   apiserver.
// - Shorter than client-go because the controller's writes are idempotent (each one states the
//   whole desired status or annotation of one object, computed from the same allocator rules the
//   next leader runs): a leader paused past its deadline (GC, SIGSTOP) that writes once more
//   writes what it decided before it paused, and the new leader's restart pass reads what is in
//   the API and keeps it. Fast failover is worth more than wide margins.

export interface LeaseTiming {
  /** How long a standby waits, after it last saw the record change, before taking the lease. */
  readonly leaseDurationMs: number;
  /** How long a leader keeps leading without a successful renewal. */
  readonly renewDeadlineMs: number;
  /** Time between tries: a standby's acquisitions, a leader's renewals. */
  readonly retryPeriodMs: number;
}

export const DEFAULT_LEASE_TIMING: LeaseTiming = {
  leaseDurationMs: 4000,
  renewDeadlineMs: 3000,
  retryPeriodMs: 1000,
};

/** Every rule the timing breaks, in words; empty when it is sound. */
export function timingProblems(timing: LeaseTiming): string[] {
  const problems: string[] = [];
  const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = timing;
  if (!(retryPeriodMs > 0)) problems.push(`retry period must be positive (got ${retryPeriodMs} ms)`);
  if (!(leaseDurationMs >= 1000)) {
    problems.push(`lease duration must be at least 1 s, the Lease's unit (got ${leaseDurationMs} ms)`);
  }
  if (!(renewDeadlineMs < leaseDurationMs)) {
    problems.push(
      `renew deadline (${renewDeadlineMs} ms) must be shorter than the lease duration (${leaseDurationMs} ms): ` +
        'the leader must step down before a standby may take over',
    );
  }
  if (!(retryPeriodMs < renewDeadlineMs)) {
    problems.push(
      `retry period (${retryPeriodMs} ms) must be shorter than the renew deadline (${renewDeadlineMs} ms): ` +
        'a leader needs more than one try per deadline',
    );
  }
  return problems;
}

/** The Lease's own field is whole seconds: round up, so others never wait less than we mean. */
export const leaseDurationSeconds = (leaseDurationMs: number): number => Math.ceil(leaseDurationMs / 1000);
