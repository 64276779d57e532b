// Leader election on a coordination.k8s.io/v1 Lease (`herald controller --leader-elect`): only the
// leader allocates and writes. Pure definition: reading and writing the Lease are the invoked
// actors `acquireOrRenew` and `release`, supplied by the actor (actors/leader-election.actor.ts);
// what to write is core/lease; the timers are XState delays on the actor's clock.
//
//   standby ──acquired──▶ leading ──renew deadline exceeded / lease taken──▶ standby
//      │                    │
//      └──stop──▶ stopped ◀─┴─stop (release) ─▶ releasing (empty holder written) ─▶ stopped
//
// `standby` tries at once, then again a retry period after each try ends (sooner when the
// holder's lease runs out before that). `leading` has two regions: `renewal` renews every retry
// period, and `deadline` steps down when no renewal has succeeded for the renew deadline, counted
// from when the last successful renewal was sent. A try repeats by re-entering `standby`, and the
// regions are parallel, so the state board records only real changes of leadership.
import { assign, cancel, fromPromise, raise, setup } from 'xstate';
import type {
  LeaseAttemptInput,
  LeaseAttemptResult,
  LeaseReleaseInput,
  LeaseReleaseResult,
} from '../core/lease/attempt.js';
import type { LeaseObservation } from '../core/lease/observe.js';
import type { LeaseTiming } from '../core/lease/timing.js';

export type LeaderElectionStateValue = 'standby' | 'leading' | 'releasing' | 'stopped';

export type LeaderElectionReason =
  | 'started'
  // Acquired: there was no Lease, it named nobody, its holder's lease ran out, or it named us.
  | 'leaseAbsent'
  | 'holderEmpty'
  | 'leaseExpired'
  | 'ownLease'
  | 'renewDeadlineExceeded'
  | `leaseTakenBy:${string}`
  | 'stopRequested'
  | 'releaseRequested'
  | 'released'
  | 'notHolder'
  | 'releaseConflict'
  | 'releaseFailed';

export interface LeaderElectionTransition {
  readonly from: LeaderElectionStateValue | 'none';
  readonly to: LeaderElectionStateValue;
  readonly reason: LeaderElectionReason;
}

export interface LeaderElectionInput extends LeaseTiming {
  readonly identity: string;
  /** `namespace/name` of the Lease, for status pages. */
  readonly lease: string;
}

export interface LeaderElectionContext extends LeaderElectionInput {
  /** The Lease as last read or written, with when (our clock) its record last changed. */
  readonly observation: LeaseObservation | undefined;
  /** The holder as last seen. */
  readonly holder: string | undefined;
  /** Left of another holder's lease when last seen: a standby tries again no later than that. */
  readonly expiresInMs: number | undefined;
  /** Duration of the last successful write's try: the renew deadline counts from its start. */
  readonly renewalLatencyMs: number;
  /** Tries that failed in a row (apiserver unreachable, timeout, error status). */
  readonly failures: number;
  readonly lastError: string | undefined;
  readonly lastTransition: LeaderElectionTransition;
}

export type LeaderElectionEvent =
  | { type: 'leaderElection.stop'; release: boolean }
  /** Raised by the machine itself: a standby's next try is due. */
  | { type: 'leaderElection.retry' }
  /** Raised by the machine itself: a renewal succeeded, the renew deadline starts over. */
  | { type: 'leaderElection.renewed' };

const STANDBY = '#leaderElection.standby';

/** Guards and actions declared in setup() see a done event as an untyped event; this reads it. */
function attemptOutput(event: { type: string }): LeaseAttemptResult | undefined {
  return event.type.startsWith('xstate.done.actor.')
    ? (event as unknown as { output: LeaseAttemptResult }).output
    : undefined;
}

function errorText(event: { type: string }): string {
  const error = (event as { error?: unknown }).error;
  return error instanceof Error ? error.message : String(error);
}

function afterAttempt(context: LeaderElectionContext, result: LeaseAttemptResult | undefined) {
  if (!result) return {};
  const fresh = { failures: 0, lastError: undefined, expiresInMs: undefined };
  switch (result.outcome) {
    case 'holding':
      return {
        ...fresh,
        observation: result.observation,
        holder: context.identity,
        renewalLatencyMs: result.finishedAt - result.startedAt,
      };
    case 'heldByOther':
      return {
        ...fresh,
        observation: result.observation,
        holder: result.holder,
        expiresInMs: result.expiresInMs,
      };
    case 'conflict':
      return { ...fresh, observation: result.observation ?? context.observation };
  }
}

const notSupplied = (name: string) => () => Promise.reject(new Error(`${name} is supplied by the actor`));

const releaseReasons: Record<LeaseReleaseResult, LeaderElectionReason> = {
  released: 'released',
  notHolder: 'notHolder',
  conflict: 'releaseConflict',
};

const leadingReason = ({ context }: { context: LeaderElectionContext }) => ({
  reason: context.lastTransition.reason,
});
const attemptInput = ({ context }: { context: LeaderElectionContext }): LeaseAttemptInput => ({
  identity: context.identity,
  leaseDurationMs: context.leaseDurationMs,
  observation: context.observation,
});

export const leaderElectionMachine = setup({
  types: {
    context: {} as LeaderElectionContext,
    events: {} as LeaderElectionEvent,
    input: {} as LeaderElectionInput,
  },
  actors: {
    /** Read the Lease, decide (core/lease/decide.ts), write it if we may. */
    acquireOrRenew: fromPromise<LeaseAttemptResult, LeaseAttemptInput>(notSupplied('acquireOrRenew')),
    /** Write an empty holder if the Lease still names us. */
    release: fromPromise<LeaseReleaseResult, LeaseReleaseInput>(notSupplied('release')),
  },
  actions: {
    /** Leadership begins: the controller may allocate and write. No-op here. */
    startedLeading: (_, _params: { reason: LeaderElectionReason }) => undefined,
    /** Leadership ends, before anything else happens (even before a release is written). No-op here. */
    stoppedLeading: (_, _params: { reason: LeaderElectionReason }) => undefined,
    /** A try failed (not a lost race: an error). For logs. No-op here. */
    attemptFailed: (_, _params: { error: string; failures: number; leading: boolean }) => undefined,
    /** Records {from, to, reason}; `from` is the previous transition's `to`. */
    record: assign(({ context }, params: { to: LeaderElectionStateValue; reason: LeaderElectionReason }) => ({
      lastTransition: { from: context.lastTransition.to, to: params.to, reason: params.reason },
    })),
    takeAttempt: assign(({ context, event }) => afterAttempt(context, attemptOutput(event))),
    takeFailure: assign(({ context, event }) => ({
      failures: context.failures + 1,
      lastError: errorText(event),
      expiresInMs: undefined,
    })),
    scheduleRetry: raise({ type: 'leaderElection.retry' }, { id: 'retry', delay: 'nextAttempt' }),
    restartDeadline: raise({ type: 'leaderElection.renewed' }),
  },
  guards: {
    holding: ({ event }) => attemptOutput(event)?.outcome === 'holding',
    heldByOther: ({ event }) => attemptOutput(event)?.outcome === 'heldByOther',
    releaseWanted: ({ event }) => event.type === 'leaderElection.stop' && event.release,
  },
  delays: {
    retryPeriod: ({ context }) => context.retryPeriodMs,
    /** A retry period, or less when the holder's lease runs out sooner. */
    nextAttempt: ({ context }) =>
      Math.min(context.retryPeriodMs, Math.max(0, context.expiresInMs ?? context.retryPeriodMs)),
    /** From when the last successful try began, not from when its answer came. */
    renewDeadline: ({ context }) => Math.max(0, context.renewDeadlineMs - context.renewalLatencyMs),
  },
}).createMachine({
  id: 'leaderElection',
  context: ({ input }) => ({
    ...input,
    observation: undefined,
    holder: undefined,
    expiresInMs: undefined,
    renewalLatencyMs: 0,
    failures: 0,
    lastError: undefined,
    lastTransition: { from: 'none', to: 'standby', reason: 'started' },
  }),
  initial: 'standby',
  states: {
    standby: {
      invoke: {
        src: 'acquireOrRenew',
        input: attemptInput,
        onDone: [
          {
            guard: 'holding',
            target: 'leading',
            actions: [
              'takeAttempt',
              {
                type: 'record',
                params: ({ event }) => ({
                  to: 'leading',
                  reason: event.output.outcome === 'holding' ? event.output.reason : 'ownLease',
                }),
              },
            ],
          },
          { actions: ['takeAttempt', 'scheduleRetry'] },
        ],
        onError: {
          actions: [
            'takeFailure',
            {
              type: 'attemptFailed',
              params: ({ context }) => ({
                error: context.lastError ?? '',
                failures: context.failures,
                leading: false,
              }),
            },
            'scheduleRetry',
          ],
        },
      },
      // A retry still pending would cut the next standby's first try short.
      exit: cancel('retry'),
      on: {
        'leaderElection.retry': { target: 'standby', reenter: true },
        'leaderElection.stop': {
          target: 'stopped',
          actions: { type: 'record', params: { to: 'stopped', reason: 'stopRequested' } },
        },
      },
    },
    leading: {
      type: 'parallel',
      entry: { type: 'startedLeading', params: leadingReason },
      on: {
        'leaderElection.stop': [
          {
            // Stop leading first, then clear the holder: the standby may start as soon as it sees that.
            guard: 'releaseWanted',
            target: 'releasing',
            actions: [
              { type: 'record', params: { to: 'releasing', reason: 'releaseRequested' } },
              { type: 'stoppedLeading', params: leadingReason },
            ],
          },
          {
            target: 'stopped',
            actions: [
              { type: 'record', params: { to: 'stopped', reason: 'stopRequested' } },
              { type: 'stoppedLeading', params: leadingReason },
            ],
          },
        ],
      },
      states: {
        renewal: {
          initial: 'waiting',
          states: {
            waiting: { after: { retryPeriod: 'renewing' } },
            renewing: {
              invoke: {
                src: 'acquireOrRenew',
                input: attemptInput,
                onDone: [
                  { guard: 'holding', target: 'waiting', actions: ['takeAttempt', 'restartDeadline'] },
                  {
                    // Someone else holds it (an expiry misjudged elsewhere, a manual edit): yield at once.
                    guard: 'heldByOther',
                    target: STANDBY,
                    actions: [
                      'takeAttempt',
                      {
                        type: 'record',
                        params: ({ context }) => ({
                          to: 'standby',
                          reason: `leaseTakenBy:${context.holder ?? ''}` as const,
                        }),
                      },
                      { type: 'stoppedLeading', params: leadingReason },
                    ],
                  },
                  // A lost race: the next try reads the Lease again; the deadline keeps running.
                  { target: 'waiting', actions: 'takeAttempt' },
                ],
                onError: {
                  target: 'waiting',
                  actions: [
                    'takeFailure',
                    {
                      type: 'attemptFailed',
                      params: ({ context }) => ({
                        error: context.lastError ?? '',
                        failures: context.failures,
                        leading: true,
                      }),
                    },
                  ],
                },
              },
            },
          },
        },
        deadline: {
          initial: 'running',
          states: {
            running: {
              after: {
                renewDeadline: {
                  target: STANDBY,
                  actions: [
                    { type: 'record', params: { to: 'standby', reason: 'renewDeadlineExceeded' } },
                    { type: 'stoppedLeading', params: leadingReason },
                  ],
                },
              },
              on: { 'leaderElection.renewed': { target: 'running', reenter: true } },
            },
          },
        },
      },
    },
    releasing: {
      invoke: {
        src: 'release',
        input: ({ context }) => ({ identity: context.identity, observation: context.observation }),
        onDone: {
          target: 'stopped',
          actions: {
            type: 'record',
            params: ({ event }) => ({ to: 'stopped', reason: releaseReasons[event.output] }),
          },
        },
        onError: {
          target: 'stopped',
          actions: ['takeFailure', { type: 'record', params: { to: 'stopped', reason: 'releaseFailed' } }],
        },
      },
    },
    stopped: { type: 'final' },
  },
});
