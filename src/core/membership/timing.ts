// Failure-detection timings. The arithmetic behind the defaults is in
// docs/design/0003-membership.md; every value can be overridden from configuration.

export interface MembershipTiming {
  /** How often each speaker probes (scaled by local health, see health.ts). */
  readonly probeIntervalMs: number;
  /** How many members one probe round covers (all of them in clusters this small or smaller). */
  readonly probeFanout: number;
  /** How long to wait for a direct ack, and again for the indirect ones. */
  readonly probeTimeoutMs: number;
  /** Members asked to probe a target that did not answer us directly. */
  readonly indirectChecks: number;
  /** Suspicion lasts between min and max; independent confirmations shorten it (Lifeguard). */
  readonly suspicionMinMs: number;
  readonly suspicionMaxMs: number;
  /** Confirmations that bring suspicion down to its minimum. */
  readonly suspicionConfirmations: number;
  /** Full state exchange with a random member and a seed: heals partitions, repairs lost updates. */
  readonly pushPullIntervalMs: number;
  /**
   * How long the first push-pull with each seed may take at start-up. Not failure detection:
   * a fresh process's first connection (TCP, handshakes, cold JIT) on a busy machine can take
   * several probe timeouts, and a join that gives up too early leaves the speaker alone.
   */
  readonly joinTimeoutMs: number;
  /**
   * A member discovered (or rejoined as a new process) less than this long ago is not suspected
   * when a probe fails: first contact may need a connection, and a starting process answers late
   * (core/membership/first-contact.ts). Also bounds how late a member that dies while joining is
   * found.
   */
  readonly firstContactGraceMs: number;
  /** Ceiling of the local health multiplier (Lifeguard "LHM"). */
  readonly maxLocalHealth: number;
  /** Time given to the leave broadcast before the transport closes. */
  readonly leaveFlushMs: number;
  /** Fixed-rate UDP liveness between members (docs/design/0008-liveness.md); absent: off. */
  readonly liveness?: LivenessTiming;
}

export interface LivenessTiming {
  /** One datagram to each liveness peer this often. */
  readonly intervalMs: number;
  /** Silent for intervalMs × multiplier → suspected (at 5 % loss: 0.05^multiplier per datagram). */
  readonly multiplier: number;
  /** A suspicion on our liveness loss that no other member confirms lasts this long. */
  readonly suspicionMs: number;
  /** Members each one exchanges liveness with (all of them in clusters up to this size + 1). */
  readonly maxPeers: number;
  /** A member whose main thread has not run for this long is not vouched for by its worker. */
  readonly mainStallMs: number;
}

/** Herald's default: sub-second detection in small clusters on a LAN. */
export const FAST_TIMING: MembershipTiming = {
  probeIntervalMs: 150,
  probeFanout: 4,
  probeTimeoutMs: 100,
  indirectChecks: 2,
  suspicionMinMs: 200,
  suspicionMaxMs: 1200,
  suspicionConfirmations: 2,
  pushPullIntervalMs: 1000,
  joinTimeoutMs: 2000,
  firstContactGraceMs: 1500,
  maxLocalHealth: 8,
  leaveFlushMs: 100,
  liveness: { intervalMs: 20, multiplier: 6, suspicionMs: 150, maxPeers: 8, mainStallMs: 2000 },
};

/** memberlist's LAN defaults, for comparison and for clusters on slow networks. */
export const MEMBERLIST_LAN_TIMING: MembershipTiming = {
  probeIntervalMs: 1000,
  probeFanout: 1,
  probeTimeoutMs: 500,
  indirectChecks: 3,
  suspicionMinMs: 4000,
  suspicionMaxMs: 24_000,
  suspicionConfirmations: 2,
  pushPullIntervalMs: 30_000,
  joinTimeoutMs: 10_000,
  firstContactGraceMs: 5000,
  maxLocalHealth: 8,
  leaveFlushMs: 200,
  liveness: { intervalMs: 200, multiplier: 6, suspicionMs: 1000, maxPeers: 4, mainStallMs: 5000 },
};

export const TIMING_PROFILES = { fast: FAST_TIMING, lan: MEMBERLIST_LAN_TIMING } as const;

/** Cluster size up to which the push-pull interval is not stretched (memberlist's threshold). */
export const PUSH_PULL_SCALE_THRESHOLD = 32;

/**
 * The push-pull interval for a cluster of `members`: memberlist's rule, one more interval per
 * doubling beyond 32 members (33 → ×2, 65 → ×3, 1,000 → ×6). A full state exchange costs
 * O(members) bytes on both ends, so a fixed interval makes each member's traffic grow with N;
 * stretched, it grows as N / log N, and lost updates are still repaired within seconds.
 */
export function pushPullIntervalMs(timing: MembershipTiming, members: number): number {
  if (members <= PUSH_PULL_SCALE_THRESHOLD) return timing.pushPullIntervalMs;
  const mult = Math.ceil(Math.log2(members) - Math.log2(PUSH_PULL_SCALE_THRESHOLD)) + 1;
  return timing.pushPullIntervalMs * mult;
}

/**
 * Expected independent confirmations for a new suspicion: memberlist's rule, none in a cluster
 * too small to have them (the suspicion then lasts its minimum).
 */
export function expectedConfirmations(timing: MembershipTiming, liveMembers: number): number {
  const others = liveMembers - 2;
  return others < timing.suspicionConfirmations ? 0 : timing.suspicionConfirmations;
}
