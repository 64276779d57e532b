// SWIM's view of ONE remote member, as this speaker sees it: alive → suspect → dead, or left.
// Pure definition: time enters only as XState delays and as the `at` stamps events carry (the
// actor's clock), so tests drive it with transition() or a SimulatedClock. See
// docs/design/0002-machines.md and 0003-membership.md.
import { and, assign, not, setup } from 'xstate';

export type MemberStateValue = 'alive' | 'suspect' | 'dead' | 'left';

/** Why the member is in its state; `<code>:<node>` names the member that told us. */
export type MemberReason =
  | 'discovered'
  | 'probeFailed'
  /** Our liveness worker stopped hearing it (docs/design/0008-liveness.md). */
  | 'livenessLost'
  /** Suspected by another member or by our probe, and our liveness worker stopped hearing it. */
  | 'livenessConfirmed'
  | 'suspicionTimeout'
  | 'leaveAnnounced'
  | 'rejoined'
  | `incarnationAdvancedBy:${string}`
  | `suspectedBy:${string}`
  | `confirmedBy:${string}`
  | `refutedVia:${string}`
  | `deadReportedBy:${string}`;

export interface MemberContext {
  readonly node: string;
  readonly incarnation: number;
  /** Who started the current suspicion, and the distinct members who confirmed it since. */
  readonly suspectedBy: string | undefined;
  readonly confirmations: readonly string[];
  /** Confirmations that bring the suspicion to its minimum (0 = none expected: minimum at once). */
  readonly expectedConfirmations: number;
  /** When the current suspicion started, and the time of the last event, on the actor's clock. */
  readonly suspectedAt: number;
  readonly lastEventAt: number;
  readonly suspicionMinMs: number;
  readonly suspicionMaxMs: number;
  /** Our own liveness worker lost the member during the current suspicion. */
  readonly livenessLost: boolean;
  /** How long a suspicion we started on liveness loss lasts unconfirmed (undefined: as any). */
  readonly livenessSuspicionMs: number | undefined;
  readonly reason: MemberReason;
}

export interface MemberInput {
  readonly node: string;
  readonly incarnation: number;
  readonly suspicionMinMs: number;
  readonly suspicionMaxMs: number;
  readonly livenessSuspicionMs?: number;
  /** K; events may bring a fresher value (it follows the number of live members). Default 0. */
  readonly expectedConfirmations?: number;
}

/** `at` is the actor's clock when the event arrived; `expectedConfirmations` refreshes K. */
export type MemberMachineEvent =
  | { type: 'member.alive'; incarnation: number; from: string; at: number }
  | {
      type: 'member.suspect';
      incarnation: number;
      from: string;
      at: number;
      expectedConfirmations?: number;
    }
  /** Another member declared it dead. Taken as a suspicion (memberlist does the same with dead
   * states from push-pull): a stale or mistaken report then costs a refutation, not a failover. */
  | { type: 'member.dead'; incarnation: number; from: string; at: number; expectedConfirmations?: number }
  | { type: 'member.left'; incarnation: number; at: number }
  | { type: 'member.probe.failed'; self: string; at: number; expectedConfirmations?: number }
  | { type: 'member.probe.ok'; at: number }
  /** Our liveness worker stopped hearing the member (silent for its detection time). */
  | { type: 'member.liveness.lost'; self: string; at: number; expectedConfirmations?: number };

type TimeoutInputs = Pick<
  MemberContext,
  'suspicionMinMs' | 'suspicionMaxMs' | 'expectedConfirmations' | 'confirmations'
> &
  Partial<Pick<MemberContext, 'livenessLost' | 'livenessSuspicionMs'>>;

/**
 * Lifeguard: max(min, max − (max − min)·log(C+1)/log(K+1)); no expected confirmations → min.
 * A suspicion on our own liveness loss lasts at most livenessSuspicionMs.
 */
export function suspicionTimeoutMs(ctx: TimeoutInputs): number {
  const lifeguard = lifeguardTimeoutMs(ctx);
  return ctx.livenessLost && ctx.livenessSuspicionMs !== undefined
    ? Math.min(lifeguard, ctx.livenessSuspicionMs)
    : lifeguard;
}

function lifeguardTimeoutMs(ctx: TimeoutInputs): number {
  const k = ctx.expectedConfirmations;
  if (k < 1) return ctx.suspicionMinMs;
  const c = Math.min(ctx.confirmations.length, k);
  const span = ctx.suspicionMaxMs - ctx.suspicionMinMs;
  const shrunk = ctx.suspicionMaxMs - (span * Math.log(c + 1)) / Math.log(k + 1);
  return Math.max(ctx.suspicionMinMs, Math.floor(shrunk));
}

/** What is left of the suspicion at `now`: the timeout counts from when the suspicion started. */
export function suspicionRemainingMs(
  ctx: TimeoutInputs & Pick<MemberContext, 'suspectedAt'>,
  now: number,
): number {
  return Math.max(0, suspicionTimeoutMs(ctx) - Math.max(0, now - ctx.suspectedAt));
}

type Ev = MemberMachineEvent;
const incarnationOf = (event: Ev): number | undefined =>
  'incarnation' in event ? event.incarnation : undefined;
/** Who suspects the member: another member, or ourselves when our probes failed. */
const suspecterOf = (event: Ev): string | undefined =>
  event.type === 'member.suspect' || event.type === 'member.dead'
    ? event.from
    : event.type === 'member.probe.failed' || event.type === 'member.liveness.lost'
      ? event.self
      : undefined;
const freshK = (context: MemberContext, event: Ev): number =>
  'expectedConfirmations' in event && event.expectedConfirmations !== undefined
    ? event.expectedConfirmations
    : context.expectedConfirmations;

const cleared = { suspectedBy: undefined, confirmations: [] as readonly string[], livenessLost: false };

export const memberMachine = setup({
  types: {
    context: {} as MemberContext,
    events: {} as MemberMachineEvent,
    input: {} as MemberInput,
  },
  actions: {
    /** Supplied by the actor (machine.provide) to publish the change; a no-op here. Runs again
     * on every counted confirmation (the suspect state is re-entered), with confirmations > 0. */
    notifyStateChange: (
      _,
      _params: { node: string; state: MemberStateValue; reason: MemberReason; confirmations: number },
    ) => undefined,
    startSuspicion: assign(({ context, event }) => {
      const from = suspecterOf(event) ?? '';
      return {
        ...cleared,
        suspectedBy: from,
        incarnation: Math.max(context.incarnation, incarnationOf(event) ?? 0),
        expectedConfirmations: freshK(context, event),
        suspectedAt: event.at,
        lastEventAt: event.at,
        livenessLost: event.type === 'member.liveness.lost',
        reason:
          event.type === 'member.probe.failed'
            ? 'probeFailed'
            : event.type === 'member.liveness.lost'
              ? 'livenessLost'
              : event.type === 'member.dead'
                ? (`deadReportedBy:${from}` as const)
                : (`suspectedBy:${from}` as const),
      };
    }),
    recordDeathReport: assign(({ context, event }) =>
      event.type === 'member.dead'
        ? {
            incarnation: Math.max(context.incarnation, event.incarnation),
            lastEventAt: event.at,
            reason: `deadReportedBy:${event.from}` as const,
          }
        : {},
    ),
    recordConfirmation: assign(({ context, event }) => {
      const from = suspecterOf(event) ?? '';
      return {
        confirmations: [...context.confirmations, from],
        incarnation: Math.max(context.incarnation, incarnationOf(event) ?? 0),
        lastEventAt: event.at,
        reason: `confirmedBy:${from}` as const,
      };
    }),
    recordIncarnation: assign(({ event }) =>
      event.type === 'member.alive'
        ? {
            incarnation: event.incarnation,
            lastEventAt: event.at,
            reason: `incarnationAdvancedBy:${event.from}` as const,
          }
        : {},
    ),
    recordRefutation: assign(({ event }) =>
      event.type === 'member.alive'
        ? {
            ...cleared,
            incarnation: event.incarnation,
            lastEventAt: event.at,
            reason: `refutedVia:${event.from}` as const,
          }
        : {},
    ),
    recordTimeout: assign({ reason: 'suspicionTimeout' as const }),
    recordLivenessConfirmation: assign(({ event }) => ({
      livenessLost: true,
      lastEventAt: event.at,
      reason: 'livenessConfirmed' as const,
    })),
    recordLeave: assign(({ event }) =>
      event.type === 'member.left'
        ? {
            ...cleared,
            incarnation: event.incarnation,
            lastEventAt: event.at,
            reason: 'leaveAnnounced' as const,
          }
        : {},
    ),
    recordRejoin: assign(({ event }) =>
      event.type === 'member.alive'
        ? { ...cleared, incarnation: event.incarnation, lastEventAt: event.at, reason: 'rejoined' as const }
        : {},
    ),
  },
  guards: {
    /** Only a higher incarnation refutes, revives or rejoins. */
    isNewer: ({ context, event }) => (incarnationOf(event) ?? -Infinity) > context.incarnation,
    /** Suspicion, death and leave count for the current incarnation or a later one. */
    isNotOlder: ({ context, event }) => (incarnationOf(event) ?? -Infinity) >= context.incarnation,
    /** A member (or we) not yet counted in this suspicion: Lifeguard counts distinct members. */
    isNewConfirmation: ({ context, event }) => {
      const from = suspecterOf(event);
      if (from === undefined || from === context.suspectedBy || context.confirmations.includes(from))
        return false;
      return (
        event.type === 'member.probe.failed' || (incarnationOf(event) ?? -Infinity) >= context.incarnation
      );
    },
    /** Our liveness worker already lost the member in this suspicion: one more voice ends it. */
    livenessLost: ({ context }) => context.livenessLost,
    /** With this confirmation counted, the (shorter) suspicion is already over. */
    endsSuspicion: ({ context, event }) =>
      suspicionRemainingMs({ ...context, confirmations: [...context.confirmations, '+1'] }, event.at) === 0,
  },
  delays: {
    /** What is left of the suspicion, measured from when it started, not from the last event. */
    suspicionRemaining: ({ context }) => suspicionRemainingMs(context, context.lastEventAt),
  },
}).createMachine({
  id: 'member',
  context: ({ input }) => ({
    node: input.node,
    incarnation: input.incarnation,
    ...cleared,
    expectedConfirmations: input.expectedConfirmations ?? 0,
    suspectedAt: 0,
    lastEventAt: 0,
    suspicionMinMs: input.suspicionMinMs,
    suspicionMaxMs: input.suspicionMaxMs,
    livenessSuspicionMs: input.livenessSuspicionMs,
    reason: 'discovered',
  }),
  initial: 'alive',
  states: {
    alive: {
      entry: { type: 'notifyStateChange', params: ({ context }) => notice(context, 'alive') },
      on: {
        'member.alive': { guard: 'isNewer', actions: 'recordIncarnation' },
        'member.probe.failed': { target: 'suspect', actions: 'startSuspicion' },
        'member.liveness.lost': { target: 'suspect', actions: 'startSuspicion' },
        'member.suspect': { guard: 'isNotOlder', target: 'suspect', actions: 'startSuspicion' },
        'member.dead': { guard: 'isNotOlder', target: 'suspect', actions: 'startSuspicion' },
        'member.left': { guard: 'isNotOlder', target: 'left', actions: 'recordLeave' },
      },
    },
    suspect: {
      entry: { type: 'notifyStateChange', params: ({ context }) => notice(context, 'suspect') },
      after: { suspicionRemaining: { target: 'dead', actions: 'recordTimeout' } },
      on: {
        // Only the member itself can refute, with a higher incarnation; an ack to our probe
        // (member.probe.ok) says the path works, not that the member heard the suspicion.
        'member.alive': { guard: 'isNewer', target: 'alive', actions: 'recordRefutation' },
        // Two independent observers lost it: our liveness worker, and another member or our
        // probe (direct and through helpers). Dead now, not after the suspicion's minimum.
        'member.liveness.lost': {
          guard: not('livenessLost'),
          target: 'dead',
          actions: 'recordLivenessConfirmation',
        },
        // A new, independent confirmation: re-enter to reschedule the (shorter) timeout.
        'member.suspect': [
          {
            guard: and(['isNewConfirmation', 'livenessLost']),
            target: 'dead',
            actions: 'recordConfirmation',
          },
          {
            guard: and(['isNewConfirmation', 'endsSuspicion']),
            target: 'dead',
            actions: ['recordConfirmation', 'recordTimeout'],
          },
          { guard: 'isNewConfirmation', target: 'suspect', reenter: true, actions: 'recordConfirmation' },
        ],
        // Our own probes failed too: we count as one more confirmation.
        'member.probe.failed': [
          {
            guard: and(['isNewConfirmation', 'livenessLost']),
            target: 'dead',
            actions: 'recordConfirmation',
          },
          {
            guard: and(['isNewConfirmation', 'endsSuspicion']),
            target: 'dead',
            actions: ['recordConfirmation', 'recordTimeout'],
          },
          { guard: 'isNewConfirmation', target: 'suspect', reenter: true, actions: 'recordConfirmation' },
        ],
        // Someone else's verdict on a member we already suspect: it is dead. (From alive, a death
        // report only starts a suspicion: a stale report replayed after a partition must stay
        // refutable.)
        'member.dead': { guard: 'isNotOlder', target: 'dead', actions: 'recordDeathReport' },
        'member.left': { guard: 'isNotOlder', target: 'left', actions: 'recordLeave' },
      },
    },
    dead: {
      entry: { type: 'notifyStateChange', params: ({ context }) => notice(context, 'dead') },
      on: {
        'member.alive': { guard: 'isNewer', target: 'alive', actions: 'recordRejoin' },
        'member.left': { guard: 'isNotOlder', target: 'left', actions: 'recordLeave' },
      },
    },
    left: {
      entry: { type: 'notifyStateChange', params: ({ context }) => notice(context, 'left') },
      on: {
        'member.alive': { guard: 'isNewer', target: 'alive', actions: 'recordRejoin' },
      },
    },
  },
});

function notice(context: MemberContext, state: MemberStateValue) {
  return { node: context.node, state, reason: context.reason, confirmations: context.confirmations.length };
}
