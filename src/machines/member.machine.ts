// SWIM's view of ONE remote member, as this speaker sees it: alive → suspect → dead, or left.
// Pure definition: time enters only as XState delays and as the `at` stamps events carry, so
// tests drive it with transition() or a SimulatedClock.
import { assign, setup } from 'xstate';

export type MemberStateValue = 'alive' | 'suspect' | 'dead' | 'left';

export interface MemberContext {
  readonly node: string;
  readonly incarnation: number;
  /** Who started the current suspicion, and the distinct members who confirmed it since. */
  readonly suspectedBy: string | undefined;
  readonly confirmations: readonly string[];
  /** Confirmations that bring the suspicion to its minimum (0 = none expected: minimum at once). */
  readonly expectedConfirmations: number;
  readonly suspectedAt: number;
  /** Time of the last event, on the actor's clock. */
  readonly lastEventAt: number;
  readonly suspicionMinMs: number;
  readonly suspicionMaxMs: number;
  readonly reason: string;
}

export interface MemberInput {
  readonly node: string;
  readonly incarnation: number;
  readonly suspicionMinMs: number;
  readonly suspicionMaxMs: number;
}

export type MemberMachineEvent =
  | { type: 'member.alive'; incarnation: number; from: string; at: number }
  | { type: 'member.suspect'; incarnation: number; from: string; at: number; expectedConfirmations: number }
  | { type: 'member.dead'; incarnation: number; from: string; at: number }
  | { type: 'member.left'; incarnation: number; at: number }
  | { type: 'member.probe.failed'; self: string; at: number; expectedConfirmations: number }
  | { type: 'member.probe.ok'; at: number };

/** Lifeguard: max(min, max − (max − min)·log(C+1)/log(K+1)); no expected confirmations → min. */
export function suspicionTimeoutMs(
  ctx: Pick<MemberContext, 'suspicionMinMs' | 'suspicionMaxMs' | 'expectedConfirmations' | 'confirmations'>,
): number {
  const k = ctx.expectedConfirmations;
  if (k < 1) return ctx.suspicionMinMs;
  const c = Math.min(ctx.confirmations.length, k);
  const shrunk =
    ctx.suspicionMaxMs - ((ctx.suspicionMaxMs - ctx.suspicionMinMs) * Math.log(c + 1)) / Math.log(k + 1);
  return Math.max(ctx.suspicionMinMs, Math.floor(shrunk));
}

const newer = (ctx: MemberContext, incarnation: number): boolean => incarnation > ctx.incarnation;
const notOlder = (ctx: MemberContext, incarnation: number): boolean => incarnation >= ctx.incarnation;

export const memberMachine = setup({
  types: {
    context: {} as MemberContext,
    events: {} as MemberMachineEvent,
    input: {} as MemberInput,
  },
  actions: {
    /** Supplied by the actor (machine.provide) to publish the change; a no-op here. */
    notifyStateChange: (_, _params: { state: MemberStateValue; reason: string }) => undefined,
    recordDeath: assign(({ event }) =>
      event.type === 'member.dead'
        ? { incarnation: event.incarnation, reason: `deadAnnouncedBy:${event.from}` }
        : {},
    ),
    recordLeave: assign(({ event }) =>
      event.type === 'member.left' ? { incarnation: event.incarnation, reason: 'leaveAnnounced' } : {},
    ),
    recordRejoin: assign(({ event }) =>
      event.type === 'member.alive'
        ? { incarnation: event.incarnation, reason: 'rejoined', suspectedBy: undefined, confirmations: [] }
        : {},
    ),
  },
  guards: {
    isNewer: ({ context, event }) => 'incarnation' in event && newer(context, event.incarnation),
    isNotOlder: ({ context, event }) => 'incarnation' in event && notOlder(context, event.incarnation),
    isNewConfirmation: ({ context, event }) =>
      event.type === 'member.suspect' &&
      notOlder(context, event.incarnation) &&
      event.from !== context.suspectedBy &&
      !context.confirmations.includes(event.from),
  },
  delays: {
    /** What is left of the suspicion, measured from when it started. */
    suspicionRemaining: ({ context }) =>
      Math.max(0, suspicionTimeoutMs(context) - (context.lastEventAt - context.suspectedAt)),
  },
}).createMachine({
  id: 'member',
  context: ({ input }) => ({
    node: input.node,
    incarnation: input.incarnation,
    suspectedBy: undefined,
    confirmations: [],
    expectedConfirmations: 0,
    suspectedAt: 0,
    lastEventAt: 0,
    suspicionMinMs: input.suspicionMinMs,
    suspicionMaxMs: input.suspicionMaxMs,
    reason: 'discovered',
  }),
  initial: 'alive',
  states: {
    alive: {
      entry: {
        type: 'notifyStateChange',
        params: ({ context }) => ({ state: 'alive' as const, reason: context.reason }),
      },
      on: {
        'member.alive': {
          guard: 'isNewer',
          actions: assign({ incarnation: ({ event }) => event.incarnation }),
        },
        'member.probe.failed': {
          target: 'suspect',
          actions: assign({
            suspectedBy: ({ event }) => event.self,
            confirmations: [],
            expectedConfirmations: ({ event }) => event.expectedConfirmations,
            suspectedAt: ({ event }) => event.at,
            lastEventAt: ({ event }) => event.at,
            reason: 'probeFailed',
          }),
        },
        'member.suspect': {
          guard: 'isNotOlder',
          target: 'suspect',
          actions: assign({
            incarnation: ({ event }) => event.incarnation,
            suspectedBy: ({ event }) => event.from,
            confirmations: [],
            expectedConfirmations: ({ event }) => event.expectedConfirmations,
            suspectedAt: ({ event }) => event.at,
            lastEventAt: ({ event }) => event.at,
            reason: ({ event }) => `suspectedBy:${event.from}`,
          }),
        },
        'member.dead': { guard: 'isNotOlder', target: 'dead', actions: 'recordDeath' },
        'member.left': { guard: 'isNotOlder', target: 'left', actions: 'recordLeave' },
      },
    },
    suspect: {
      entry: {
        type: 'notifyStateChange',
        params: ({ context }) => ({ state: 'suspect' as const, reason: context.reason }),
      },
      after: {
        suspicionRemaining: {
          target: 'dead',
          actions: assign({ reason: 'suspicionTimeout' }),
        },
      },
      on: {
        'member.alive': {
          guard: 'isNewer',
          target: 'alive',
          actions: assign({
            incarnation: ({ event }) => event.incarnation,
            reason: ({ event }) => `refuted:${event.from}`,
            suspectedBy: undefined,
            confirmations: [],
          }),
        },
        'member.suspect': {
          // A new, independent confirmation: re-enter to shorten the remaining suspicion.
          guard: 'isNewConfirmation',
          target: 'suspect',
          reenter: true,
          actions: assign({
            confirmations: ({ context, event }) => [...context.confirmations, event.from],
            lastEventAt: ({ event }) => event.at,
            reason: ({ event }) => `confirmedBy:${event.from}`,
          }),
        },
        'member.dead': { guard: 'isNotOlder', target: 'dead', actions: 'recordDeath' },
        'member.left': { guard: 'isNotOlder', target: 'left', actions: 'recordLeave' },
      },
    },
    dead: {
      entry: {
        type: 'notifyStateChange',
        params: ({ context }) => ({ state: 'dead' as const, reason: context.reason }),
      },
      on: {
        'member.alive': { guard: 'isNewer', target: 'alive', actions: 'recordRejoin' },
        'member.left': { guard: 'isNotOlder', target: 'left', actions: 'recordLeave' },
      },
    },
    left: {
      entry: {
        type: 'notifyStateChange',
        params: ({ context }) => ({ state: 'left' as const, reason: context.reason }),
      },
      on: {
        'member.alive': { guard: 'isNewer', target: 'alive', actions: 'recordRejoin' },
      },
    },
  },
});
