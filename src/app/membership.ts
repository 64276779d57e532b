// Composition of the membership actor with its real adapters: libp2p, the system clock and the
// member machine.
import { MembershipActor, type ProbeOutcome } from '../actors/membership.actor.js';
import { createMemberTracker, type MemberBoard } from '../actors/member-tracker.js';
import type { MembershipTiming } from '../core/membership/timing.js';
import { Libp2pTransport } from '../gossip/libp2p-transport.js';
import { DEFAULT_PSK_SECRET, pskFromSecret, readPskFile } from '../gossip/psk.js';
import { LivenessHost } from './liveness.js';
import type { LivenessReport } from './liveness-messages.js';
import { systemClock } from './system-clock.js';

export interface MembershipOptions {
  readonly node: string;
  readonly listen: string;
  readonly seeds: readonly string[];
  readonly keyFile: string | undefined;
  readonly timing: MembershipTiming;
  /** The state board: every member machine shows up in /debug/state and the visualizer. */
  readonly board?: MemberBoard;
  readonly onProbe?: (node: string, outcome: ProbeOutcome, rttMs: number) => void;
  /** Reports of the liveness worker (counters once a second), for logs and metrics. */
  readonly onLiveness?: (report: LivenessReport) => void;
}

export interface Membership {
  readonly actor: MembershipActor;
  /** The liveness layer when the timing has one. */
  readonly liveness: LivenessHost | undefined;
}

/** Builds the actor with its real adapters; the caller subscribes, then calls start(). */
export async function createMembership(options: MembershipOptions): Promise<MembershipActor> {
  return (await createMembershipWithLiveness(options)).actor;
}

/** As createMembership, with the liveness layer exposed (the speaker's metrics read it). */
export async function createMembershipWithLiveness(options: MembershipOptions): Promise<Membership> {
  const psk = options.keyFile ? await readPskFile(options.keyFile) : pskFromSecret(DEFAULT_PSK_SECRET);
  const transport = new Libp2pTransport({ node: options.node, listen: options.listen, psk });
  const liveness = options.timing.liveness
    ? new LivenessHost({
        self: options.node,
        // The gossip address and port number, over UDP.
        ...listenAddress(options.listen),
        settings: options.timing.liveness,
        ...(options.onLiveness ? { onReport: options.onLiveness } : {}),
      })
    : undefined;
  const actor = new MembershipActor({
    self: options.node,
    transport,
    clock: systemClock,
    timing: options.timing,
    seeds: options.seeds,
    createTracker: (init) => createMemberTracker(init, options.timing, systemClock, options.board),
    initialIncarnation: Date.now(),
    ...(options.onProbe ? { onProbe: options.onProbe } : {}),
    ...(liveness ? { liveness } : {}),
  });
  return { actor, liveness };
}

/** `10.0.0.1:7946` or `[fd00::1]:7946` → address and port. */
function listenAddress(listen: string): { address: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(listen.trim());
  if (!match?.[1]) throw new Error(`invalid gossip address "${listen}": expected host:port`);
  return { address: match[1], port: Number(match[2]) };
}
