// Supervision of one node's FRR (zebra, bgpd, bfdd, staticd) and of the configuration it runs.
// Two regions side by side while active:
//
//   daemons:  starting ──up──▶ running ──a daemon exited──▶ restarting ──backoff──▶ starting
//                 │                                            │ (too many attempts in a row)
//                 └──────────start failed─────────────────────▶└──────────▶ failed
//
//   config:   waiting ──set──▶ debouncing ──debounceMs, daemons running──▶ applying ──▶ applied
//                                   ▲                                         │
//                                   └──────── set (new text) ◀── rejected ◀───┘ FRR refused it
//
// Only the daemons that died are restarted (`down`), as watchfrr does: the others keep their
// sessions and routes, and the reload after the restart puts back only what the new daemon lacks
// (frr-reload.py diffs against what runs). zebra is the exception: the others hold state learned
// from it (interfaces, routes), so its exit restarts all four; so does a start that failed.
// A text equal to the one FRR runs is not applied again (`skipped` counts it); a text FRR refused
// is not retried until it changes. After a daemon restart the daemons run nothing, so the last
// good text is applied again. A refused text leaves the last good one running (the actor's apply
// restores it) and its error (FRR's own message) in `lastError`. The effects `startDaemons`,
// `applyConfig` (invoked) and `stopDaemons` are named here and supplied by the actor.
import { assign, fromPromise, raise, setup, stateIn } from 'xstate';

export interface FrrDaemonsInput {
  /** Daemons supervised, in start order (zebra first). */
  readonly daemons: readonly string[];
  /** Quiet time after the last change before a reload. */
  readonly debounceMs: number;
  /** First restart delay; doubles per failed attempt up to maxBackoffMs. */
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Restarts in a row (without `stableMs` of running between them) before giving up. */
  readonly maxAttempts: number;
  /** Running this long resets the attempt count. */
  readonly stableMs: number;
}

export interface FrrDaemonsContext extends FrrDaemonsInput {
  readonly attempt: number;
  readonly restarts: number;
  /** The daemons the next start starts: all at first, then the ones that exited since. */
  readonly down: readonly string[];
  /** Why the last transition happened. */
  readonly reason: string;
  /** The last daemon exit or start failure. */
  readonly lastExit: string | undefined;
  /** The text Herald wants FRR to run. */
  readonly desired: string | undefined;
  /** The text FRR runs now (undefined after a daemon restart until applied again). */
  readonly applied: string | undefined;
  /** The last text FRR accepted. */
  readonly lastGood: string | undefined;
  /** The text being applied. */
  readonly applying: string | undefined;
  /** The last text FRR refused, and FRR's message. */
  readonly rejected: string | undefined;
  readonly lastError: string | undefined;
  readonly applies: number;
  /** Changes not applied because FRR already runs that text. */
  readonly skipped: number;
}

export type FrrDaemonsEvent =
  | { type: 'frr.config.set'; text: string }
  | { type: 'frr.daemon.exited'; daemon: string; detail: string }
  | { type: 'frr.stop' }
  /** Raised by the daemons region for the config region. */
  | { type: 'frr.daemons.up' }
  | { type: 'frr.daemons.down' };

export type FrrDaemonsStateValue =
  'stopped' | { active: { daemons: 'starting' | 'running' | 'restarting' | 'failed'; config: string } };

/** The restart delay after `attempt` failures: initial × 2^(attempt-1), capped. */
export const frrRestartDelay = (
  c: Pick<FrrDaemonsContext, 'attempt' | 'initialBackoffMs' | 'maxBackoffMs'>,
): number => Math.min(c.maxBackoffMs, c.initialBackoffMs * 2 ** Math.max(0, c.attempt - 1));

/** What to apply once the daemons run: the desired text, unless FRR refused it (then the last good). */
const nextText = (c: FrrDaemonsContext): string | undefined =>
  c.desired !== undefined && c.desired !== c.rejected ? c.desired : c.lastGood;

/** The daemons to restart after `daemon` exited, in start order; zebra's exit restarts all. */
export function downAfterExit(
  c: Pick<FrrDaemonsContext, 'daemons' | 'down'>,
  daemon: string,
): readonly string[] {
  if (daemon === c.daemons[0] || !c.daemons.includes(daemon)) return c.daemons;
  const down = new Set([...c.down, daemon]);
  return c.daemons.filter((d) => down.has(d));
}

const stopDown = {
  type: 'stopDaemons',
  params: ({ context }: { context: FrrDaemonsContext }) => ({ daemons: context.down }),
} as const;
const stopAll = {
  type: 'stopDaemons',
  params: ({ context }: { context: FrrDaemonsContext }) => ({ daemons: context.daemons }),
} as const;

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const because = (reason: string) => ({ type: 'because', params: { reason } }) as const;

/** A new desired text: skipped when FRR runs it (or refused it), else debounced. */
const onSet = (reenter: boolean) =>
  [
    { guard: 'unchanged', actions: ['setDesired', 'skip'] },
    { target: 'debouncing', reenter, actions: 'setDesired' },
  ] as const;
const changed = onSet(false);
const changedAgain = onSet(true);
const RUNNING = stateIn({ active: { daemons: 'running' } });

export const frrDaemonsMachine = setup({
  types: {
    context: {} as FrrDaemonsContext,
    events: {} as FrrDaemonsEvent,
    input: {} as FrrDaemonsInput,
  },
  actors: {
    /** Starts `daemons` (the down ones, in start order); resolves once each answers on its vty. */
    startDaemons: fromPromise<undefined, { daemons: readonly string[] }>(() => Promise.resolve(undefined)),
    /** Applies `text` (FRR's reload); rejects with FRR's message, the last good text restored. */
    applyConfig: fromPromise<undefined, { text: string; lastGood: string | undefined }>(() =>
      Promise.resolve(undefined),
    ),
  },
  actions: {
    /** Stops `daemons` if they still run (the ones about to be restarted, or all). No-op here. */
    stopDaemons: (_, _params: { daemons: readonly string[] }) => undefined,
    because: assign((_, params: { reason: string }) => ({ reason: params.reason })),
    failedAttempt: assign(({ context }, params: { detail: string }) => ({
      attempt: context.attempt + 1,
      restarts: context.restarts + 1,
      lastExit: params.detail,
      applied: undefined,
    })),
    /** A daemon exited: it is restarted next (with every daemon when it is zebra, the first). */
    markDown: assign(({ context, event }) =>
      event.type === 'frr.daemon.exited' ? { down: downAfterExit(context, event.daemon) } : {},
    ),
    allDown: assign(({ context }) => ({ down: context.daemons })),
    allUp: assign({ down: [] as readonly string[] }),
    resetAttempts: assign({ attempt: 0 }),
    setDesired: assign(({ event }) => (event.type === 'frr.config.set' ? { desired: event.text } : {})),
    skip: assign(({ context }) => ({ skipped: context.skipped + 1 })),
    chooseText: assign(({ context }) => ({ applying: nextText(context) })),
    /** FRR runs `applying` now; a refusal of the still desired text stays on record. */
    accepted: assign(({ context }) => {
      const keep = context.rejected !== undefined && context.rejected === context.desired;
      return {
        applied: context.applying,
        lastGood: context.applying,
        rejected: keep ? context.rejected : undefined,
        lastError: keep ? context.lastError : undefined,
        applies: context.applies + 1,
      };
    }),
    refused: assign(({ context, event }) => ({
      rejected: context.applying,
      applied: context.lastGood,
      lastError: 'error' in event ? errorText(event.error) : 'refused',
    })),
    notApplied: assign({ applied: undefined }),
  },
  guards: {
    daemonsRunning: RUNNING,
    /** FRR already runs this text, or refused it and it did not change. */
    unchanged: ({ context, event }) =>
      event.type === 'frr.config.set' &&
      (event.text === context.rejected || (event.text === context.applied && context.rejected === undefined)),
    somethingToApply: ({ context }) => nextText(context) !== undefined,
    /** The desired text is neither running nor already refused. */
    pending: ({ context }) =>
      context.desired !== undefined &&
      context.desired !== context.applied &&
      context.desired !== context.rejected,
    /** The desired text is the one FRR refused (the last good one was applied instead). */
    stillRefused: ({ context }) => context.rejected !== undefined && context.desired === context.rejected,
    tooManyAttempts: ({ context }) => context.attempt > context.maxAttempts,
  },
  delays: {
    debounce: ({ context }) => context.debounceMs,
    restartBackoff: ({ context }) => frrRestartDelay(context),
    stable: ({ context }) => context.stableMs,
  },
}).createMachine({
  id: 'frrDaemons',
  context: ({ input }) => ({
    ...input,
    attempt: 0,
    restarts: 0,
    down: input.daemons,
    reason: 'created',
    lastExit: undefined,
    desired: undefined,
    applied: undefined,
    lastGood: undefined,
    applying: undefined,
    rejected: undefined,
    lastError: undefined,
    applies: 0,
    skipped: 0,
  }),
  initial: 'active',
  states: {
    active: {
      type: 'parallel',
      on: { 'frr.stop': { target: 'stopped', actions: because('stopping') } },
      states: {
        daemons: {
          initial: 'starting',
          states: {
            starting: {
              invoke: {
                src: 'startDaemons',
                input: ({ context }) => ({ daemons: context.down }),
                onDone: {
                  target: 'running',
                  actions: [because('daemonsUp'), 'allUp', raise({ type: 'frr.daemons.up' })],
                },
                onError: {
                  target: 'restarting',
                  actions: [
                    because('startFailed'),
                    'allDown',
                    { type: 'failedAttempt', params: ({ event }) => ({ detail: errorText(event.error) }) },
                  ],
                },
              },
              on: {
                'frr.daemon.exited': {
                  target: 'restarting',
                  actions: [
                    because('startFailed'),
                    'markDown',
                    {
                      type: 'failedAttempt',
                      params: ({ event }) => ({ detail: `${event.daemon}: ${event.detail}` }),
                    },
                  ],
                },
              },
            },
            running: {
              on: {
                'frr.daemon.exited': {
                  target: 'restarting',
                  actions: [
                    because('daemonExited'),
                    'markDown',
                    {
                      type: 'failedAttempt',
                      params: ({ event }) => ({ detail: `${event.daemon}: ${event.detail}` }),
                    },
                  ],
                },
              },
              after: { stable: { actions: 'resetAttempts' } },
            },
            restarting: {
              entry: [stopDown, raise({ type: 'frr.daemons.down' })],
              // Another one gone while waiting: restarted with the first.
              on: { 'frr.daemon.exited': { actions: 'markDown' } },
              always: { guard: 'tooManyAttempts', target: 'failed', actions: because('gaveUp') },
              after: { restartBackoff: { target: 'starting', actions: because('restarting') } },
            },
            failed: { entry: stopAll },
          },
        },
        config: {
          initial: 'waiting',
          on: {
            'frr.daemons.up': {
              guard: 'somethingToApply',
              target: '.applying',
              actions: because('daemonsUp'),
            },
            'frr.daemons.down': { target: '.waiting', actions: 'notApplied' },
          },
          states: {
            waiting: { on: { 'frr.config.set': changed } },
            debouncing: {
              // Re-entered on every change: the quiet time starts again.
              on: { 'frr.config.set': changedAgain },
              after: {
                debounce: [
                  { guard: 'daemonsRunning', target: 'applying', actions: because('configChanged') },
                  { target: 'waiting' },
                ],
              },
            },
            applying: {
              entry: 'chooseText',
              // A change while FRR reloads waits for the reload to finish (then `applied` sees it).
              on: { 'frr.config.set': { actions: 'setDesired' } },
              invoke: {
                src: 'applyConfig',
                input: ({ context }) => ({ text: context.applying ?? '', lastGood: context.lastGood }),
                onDone: { target: 'applied', actions: [because('configApplied'), 'accepted'] },
                onError: { target: 'rejected', actions: [because('configRejected'), 'refused'] },
              },
            },
            applied: {
              on: { 'frr.config.set': changed },
              always: [
                { guard: 'stillRefused', target: 'rejected' },
                { guard: 'pending', target: 'debouncing', actions: because('configChanged') },
              ],
            },
            rejected: { on: { 'frr.config.set': changed } },
          },
        },
      },
    },
    stopped: { entry: stopAll, type: 'final' },
  },
});
