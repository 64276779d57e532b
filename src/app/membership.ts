// Composition of the membership actor with its real adapters: libp2p, the system clock and the
// member machine.
import type { InspectionEvent } from 'xstate';
import { MembershipActor, type ProbeOutcome } from '../actors/membership.actor.js';
import { createMemberTracker } from '../actors/member-tracker.js';
import type { MembershipTiming } from '../core/membership/timing.js';
import { Libp2pTransport } from '../gossip/libp2p-transport.js';
import { DEFAULT_PSK_SECRET, pskFromSecret, readPskFile } from '../gossip/psk.js';
import { systemClock } from './system-clock.js';

export interface MembershipOptions {
  readonly node: string;
  readonly listen: string;
  readonly seeds: readonly string[];
  readonly keyFile: string | undefined;
  readonly timing: MembershipTiming;
  /** The state board's inspector: every member machine shows up in /debug/state. */
  readonly inspect?: (event: InspectionEvent) => void;
  readonly onProbe?: (node: string, outcome: ProbeOutcome, rttMs: number) => void;
}

/** Builds the actor with its real adapters; the caller subscribes, then calls start(). */
export async function createMembership(options: MembershipOptions): Promise<MembershipActor> {
  const psk = options.keyFile ? await readPskFile(options.keyFile) : pskFromSecret(DEFAULT_PSK_SECRET);
  const transport = new Libp2pTransport({ node: options.node, listen: options.listen, psk });
  const actor = new MembershipActor({
    self: options.node,
    transport,
    clock: systemClock,
    timing: options.timing,
    seeds: options.seeds,
    createTracker: (init) => createMemberTracker(init, options.timing, systemClock, options.inspect),
    initialIncarnation: Date.now(),
    ...(options.onProbe ? { onProbe: options.onProbe } : {}),
  });
  return actor;
}
