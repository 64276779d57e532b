// One session's RFC 5880 §6.8.1 state variables and the pure rules over them: what a received
// packet changes, when a Poll Sequence starts and ends, which intervals are in effect, what we
// send. The session machine (src/machines/bfd-session.machine.ts) decides when each rule runs.
import type { BfdControlPacket, BfdState } from './packet.js';
import { advertisedDesiredMinTxUs, detectionTimeUs, transmitIntervalUs } from './timers.js';

/** The two values a Poll Sequence announces (§6.8.3). */
export interface BfdTiming {
  readonly desiredMinTxUs: number;
  readonly requiredMinRxUs: number;
}

export interface BfdPollSequence {
  /** Our periodic packets carry P until the remote answers with F. */
  readonly active: boolean;
  /** The values the poll in progress announced. */
  readonly carries: BfdTiming | undefined;
  /** A Final ended the last poll; a packet without F must follow before the next (§6.8.3 (3)). */
  readonly settling: boolean;
  /** What the remote last acknowledged with a Final; while not Up, what we advertise. */
  readonly confirmed: BfdTiming;
}

export interface BfdSessionVariables {
  readonly localDiscriminator: number;
  /** Configured Desired Min TX (what we advertise once Up) and Required Min RX. */
  readonly desiredMinTxUs: number;
  readonly requiredMinRxUs: number;
  readonly detectMultiplier: number;
  /** §6.1 Passive role: silent until the remote's discriminator is known. */
  readonly passive: boolean;
  /** RFC 5881 §5 / GTSM: packets arriving with a lower TTL (hop limit) are dropped. */
  readonly minimumTtl: number;
  readonly localDiagnostic: number;
  readonly remoteDiscriminator: number;
  readonly remoteState: BfdState;
  readonly remoteDemand: boolean;
  /** bfd.RemoteMinRxInterval: 1 µs until the remote says otherwise (§6.8.1). */
  readonly remoteMinRxUs: number;
  readonly remoteDesiredMinTxUs: number;
  readonly remoteDetectMultiplier: number;
  readonly poll: BfdPollSequence;
}

export type BfdDropReason = 'ttlBelowMinimum' | 'yourDiscriminatorMismatch';

export interface BfdSessionSettings {
  readonly localDiscriminator: number;
  readonly desiredMinTxUs: number;
  readonly requiredMinRxUs: number;
  readonly detectMultiplier: number;
  readonly passive?: boolean;
  readonly minimumTtl?: number;
}

export function initialVariables(settings: BfdSessionSettings): BfdSessionVariables {
  const base = {
    localDiscriminator: settings.localDiscriminator,
    desiredMinTxUs: settings.desiredMinTxUs,
    requiredMinRxUs: settings.requiredMinRxUs,
    detectMultiplier: settings.detectMultiplier,
    passive: settings.passive ?? false,
    minimumTtl: settings.minimumTtl ?? 255,
    localDiagnostic: 0,
    remoteDiscriminator: 0,
    remoteState: 'down' as const,
    remoteDemand: false,
    remoteMinRxUs: 1,
    remoteDesiredMinTxUs: 0,
    remoteDetectMultiplier: 0,
  };
  return { ...base, poll: idlePoll(advertised(base, false)) };
}

/** The checks of §6.8.6 that need the session (the codec did the rest). */
export function dropReason(
  vars: BfdSessionVariables,
  packet: BfdControlPacket,
  ttl: number,
): BfdDropReason | undefined {
  if (ttl < vars.minimumTtl) return 'ttlBelowMinimum';
  if (packet.yourDiscriminator !== 0 && packet.yourDiscriminator !== vars.localDiscriminator)
    return 'yourDiscriminatorMismatch';
  return undefined;
}

/** §6.8.6: the remote's variables from an accepted packet; a Final ends our poll. */
export function withRemote(vars: BfdSessionVariables, packet: BfdControlPacket): BfdSessionVariables {
  const { poll } = vars;
  const finished = packet.final && poll.active;
  return {
    ...vars,
    remoteDiscriminator: packet.myDiscriminator,
    remoteState: packet.state,
    remoteDemand: packet.demand,
    remoteMinRxUs: packet.requiredMinRxUs,
    remoteDesiredMinTxUs: packet.desiredMinTxUs,
    remoteDetectMultiplier: packet.detectMultiplier,
    poll: finished
      ? { active: false, carries: undefined, settling: true, confirmed: poll.carries ?? poll.confirmed }
      : { ...poll, settling: poll.settling && packet.final },
  };
}

/** A detection time without packets: the remote is forgotten (§6.8.1 bfd.RemoteDiscr). */
export function withoutRemote(vars: BfdSessionVariables): BfdSessionVariables {
  return { ...vars, remoteDiscriminator: 0, remoteState: 'down', remoteDemand: false };
}

/** What we advertise in the given state. */
export function advertised(
  vars: Pick<BfdSessionVariables, 'desiredMinTxUs' | 'requiredMinRxUs'>,
  up: boolean,
): BfdTiming {
  return {
    desiredMinTxUs: advertisedDesiredMinTxUs(vars.desiredMinTxUs, up),
    requiredMinRxUs: vars.requiredMinRxUs,
  };
}

/**
 * §6.8.3: a change of what we advertise while Up starts a Poll Sequence (unless one is in
 * progress or settling: it follows later, with the latest values). Outside Up nothing is polled
 * and everything applies at once.
 */
export function settledPoll(vars: BfdSessionVariables, up: boolean): BfdPollSequence {
  const now = advertised(vars, up);
  if (!up) return idlePoll(now);
  const { poll } = vars;
  if (poll.active || poll.settling || sameTiming(now, poll.confirmed)) return poll;
  return { ...poll, active: true, carries: now };
}

/** §6.8.3: a raised Desired Min TX waits for the Final; a lowered one applies at once. */
export function desiredMinTxInEffectUs(vars: BfdSessionVariables, up: boolean): number {
  const now = advertised(vars, up).desiredMinTxUs;
  return up ? Math.min(now, vars.poll.confirmed.desiredMinTxUs) : now;
}

/** §6.8.3: a lowered Required Min RX counts for detection only once the remote acknowledged it. */
export function requiredMinRxInEffectUs(vars: BfdSessionVariables, up: boolean): number {
  return up ? Math.max(vars.requiredMinRxUs, vars.poll.confirmed.requiredMinRxUs) : vars.requiredMinRxUs;
}

export type BfdSilenceReason = 'passiveAwaitingRemote' | 'remoteRequestedNoPackets' | 'remoteDemandMode';

/** §6.8.7: the periodic interval, or why we must not send periodic packets at all. */
export function periodicTransmission(
  vars: BfdSessionVariables,
  state: BfdState,
): { readonly intervalUs: number } | { readonly silent: BfdSilenceReason } {
  if (vars.passive && vars.remoteDiscriminator === 0) return { silent: 'passiveAwaitingRemote' };
  const up = state === 'up';
  if (vars.remoteDemand && up && vars.remoteState === 'up' && !vars.poll.active)
    return { silent: 'remoteDemandMode' };
  const interval = transmitIntervalUs(desiredMinTxInEffectUs(vars, up), vars.remoteMinRxUs);
  return interval === undefined ? { silent: 'remoteRequestedNoPackets' } : { intervalUs: interval };
}

/** §6.8.4, Asynchronous mode; 0 while nothing was received. */
export function sessionDetectionTimeUs(vars: BfdSessionVariables, state: BfdState): number {
  return detectionTimeUs(
    vars.remoteDetectMultiplier,
    requiredMinRxInEffectUs(vars, state === 'up'),
    vars.remoteDesiredMinTxUs,
  );
}

/** §6.8.7: the packet we send in `state`; a Final never carries P (§6.5). */
export function controlPacketFor(
  vars: BfdSessionVariables,
  state: BfdState,
  final: boolean,
): BfdControlPacket {
  const now = advertised(vars, state === 'up');
  return {
    diagnostic: vars.localDiagnostic,
    state,
    poll: vars.poll.active && !final,
    final,
    controlPlaneIndependent: false,
    demand: false,
    multipoint: false,
    detectMultiplier: vars.detectMultiplier,
    myDiscriminator: vars.localDiscriminator,
    yourDiscriminator: vars.remoteDiscriminator,
    desiredMinTxUs: now.desiredMinTxUs,
    requiredMinRxUs: now.requiredMinRxUs,
    requiredMinEchoRxUs: 0,
    authentication: undefined,
  };
}

const idlePoll = (confirmed: BfdTiming): BfdPollSequence => ({
  active: false,
  carries: undefined,
  settling: false,
  confirmed,
});

const sameTiming = (a: BfdTiming, b: BfdTiming): boolean =>
  a.desiredMinTxUs === b.desiredMinTxUs && a.requiredMinRxUs === b.requiredMinRxUs;
