// The membership actor's vocabulary, shared by its parts (probing, dissemination, anti-entropy)
// and by the member tracker that runs one member machine per remote speaker.
import type { MembershipTiming } from '../core/membership/timing.js';
import type { Clock } from '../ports/clock.js';
import type { MemberLiveness } from '../ports/member-liveness.js';
import type { MembershipTransport } from '../ports/membership-transport.js';

export type MemberState = 'alive' | 'suspect' | 'dead' | 'left';

/** A member machine as the actor sees it (see actors/member-tracker.ts). */
export interface MemberTracker {
  readonly state: MemberState;
  readonly incarnation: number;
  send(event: MemberEvent): void;
  stop(): void;
}

export type MemberEvent =
  | { type: 'member.alive'; incarnation: number; from: string }
  | { type: 'member.suspect'; incarnation: number; from: string }
  | { type: 'member.dead'; incarnation: number; from: string }
  | { type: 'member.left'; incarnation: number }
  | { type: 'member.probe.failed' }
  | { type: 'member.probe.ok' }
  | { type: 'member.liveness.lost' };

export interface MemberChange {
  readonly node: string;
  readonly from: MemberState | 'unknown';
  readonly to: MemberState;
  readonly reason: string;
  readonly incarnation: number;
}

export interface MemberTrackerInit {
  readonly node: string;
  readonly self: string;
  readonly incarnation: number;
  readonly expectedConfirmations: () => number;
  readonly onChange: (to: MemberState, reason: string, incarnation: number) => void;
}

/** How a probe ended: acked directly, acked through a helper (ping-req), or not at all. */
export type ProbeOutcome = 'direct' | 'indirect' | 'failed';

export interface MembershipDeps {
  readonly self: string;
  readonly transport: MembershipTransport;
  readonly clock: Clock;
  readonly timing: MembershipTiming;
  /** `host:port` addresses to join through (and to retry, so partitions heal). */
  readonly seeds: readonly string[];
  readonly createTracker: (init: MemberTrackerInit) => MemberTracker;
  /**
   * This process's first incarnation. A restarted speaker must outbid what the cluster
   * remembers of its previous life (left or dead at some incarnation), so the composition root
   * passes the wall-clock time in milliseconds; tests start at 0.
   */
  readonly initialIncarnation?: number;
  readonly random?: () => number;
  /**
   * Fixed-rate liveness datagrams (app/liveness.ts): a member they stop hearing is suspected at
   * once, one refused is dead, and a failed probe of a member they still hear is no suspicion
   * (its main thread is busy, its process runs). Absent: SWIM alone.
   */
  readonly liveness?: MemberLiveness;
  /** Every probe's outcome and round trip (for the probe histogram). */
  readonly onProbe?: (node: string, outcome: ProbeOutcome, rttMs: number) => void;
}

/** This speaker as its own protocol parts see it: running or not, its incarnation, its sequence. */
export class LocalMember {
  running = false;
  private seq = 0;

  constructor(public incarnation: number) {}

  /** A method, not the field: a check after an await must not be narrowed by one before it. */
  isRunning(): boolean {
    return this.running;
  }

  /** The next request sequence number. */
  nextSeq(): number {
    return this.seq++;
  }
}
