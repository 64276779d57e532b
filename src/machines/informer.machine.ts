// Supervision of ONE Kubernetes informer (a list + watch of one resource). @kubernetes/client-node's
// informer stops for good on a connection error (an apiserver restart gives `Premature close`), a
// failed list, or a hung request; this machine restarts it with backoff and notices silent stalls.
//
//   syncing ──synced──▶ synced ──failed / no activity for watchdogMs──▶ degraded
//      ▲                                                                   │
//      └──────────────── after restartBackoff (doubling, capped) ─────────┘
//
// While degraded the owner keeps serving what it last saw (the informer's cache is kept, and a
// restart resumes from its last resourceVersion; the apiserver answers 410 Gone when that is too
// old and the informer lists again, telling deletions that happened meanwhile). The effects
// `startInformer` / `stopInformer` are named here and supplied by the actor.
import { assign, setup } from 'xstate';

export type InformerStateValue = 'syncing' | 'synced' | 'degraded' | 'stopped';

export interface InformerInput {
  /** The resource, e.g. `services` or `metallb.io/v1beta1/ipaddresspools`. */
  readonly resource: string;
  /** First restart delay; doubles per failed attempt up to maxBackoffMs. */
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /** A list that has not completed (and its watch opened) by then counts as failed. */
  readonly syncTimeoutMs: number;
  /**
   * Longest time a healthy watch stays silent. Watches are opened with a server-side timeout and
   * bookmarks, so even an idle resource shows activity (a bookmark, a re-watch) well within it.
   */
  readonly watchdogMs: number;
}

export interface InformerContext extends InformerInput {
  /** Failed attempts since the last sync; sets the next backoff. */
  readonly attempt: number;
  readonly restarts: number;
  readonly reason: string;
  readonly lastError: string | undefined;
}

export type InformerEvent =
  /** The list completed (or a resume from the last resourceVersion was accepted) and the watch is open. */
  | { type: 'informer.synced' }
  /** Something arrived on the watch (an object, a bookmark) or the watch was re-opened. */
  | { type: 'informer.activity' }
  | { type: 'informer.failed'; error: string }
  /** Another informer of the same apiserver just synced: the server is back, retry without waiting. */
  | { type: 'informer.retry' }
  | { type: 'informer.stop' };

/** The restart delay after `attempt` failures: initial × 2^(attempt-1), capped. */
export const restartDelay = (
  context: Pick<InformerContext, 'attempt' | 'initialBackoffMs' | 'maxBackoffMs'>,
): number => Math.min(context.maxBackoffMs, context.initialBackoffMs * 2 ** Math.max(0, context.attempt - 1));

const because = (reason: string) => ({ type: 'because', params: { reason } }) as const;

export const informerMachine = setup({
  types: {
    context: {} as InformerContext,
    events: {} as InformerEvent,
    input: {} as InformerInput,
  },
  actions: {
    /** Start (or resume) list + watch. No-op here. */
    startInformer: () => undefined,
    /** Abort the list/watch in flight; the cache is kept. No-op here. */
    stopInformer: () => undefined,
    because: assign((_, params: { reason: string }) => ({ reason: params.reason })),
    /** One more failed attempt; the error is the event's, or `params.error` for a timeout. */
    failedAttempt: assign(({ context, event }, params: { error?: string }) => ({
      attempt: context.attempt + 1,
      restarts: context.restarts + 1,
      lastError: event.type === 'informer.failed' ? event.error : (params.error ?? context.lastError),
    })),
    resetAttempts: assign({ attempt: 0 }),
  },
  delays: {
    restartBackoff: ({ context }) => restartDelay(context),
    syncTimeout: ({ context }) => context.syncTimeoutMs,
    watchdog: ({ context }) => context.watchdogMs,
  },
}).createMachine({
  id: 'informer',
  context: ({ input }) => ({ ...input, attempt: 0, restarts: 0, reason: 'created', lastError: undefined }),
  initial: 'syncing',
  on: {
    'informer.stop': { target: '.stopped', actions: because('stopping') },
  },
  states: {
    syncing: {
      entry: 'startInformer',
      on: {
        'informer.synced': { target: 'synced', actions: [because('listed'), 'resetAttempts'] },
        'informer.failed': {
          target: 'degraded',
          actions: [because('syncFailed'), { type: 'failedAttempt', params: {} }],
        },
      },
      after: {
        syncTimeout: {
          target: 'degraded',
          actions: [
            because('syncTimeout'),
            { type: 'failedAttempt', params: { error: 'list or watch did not complete in time' } },
          ],
        },
      },
    },
    synced: {
      on: {
        // Re-entering restarts the watchdog timer; the state board records no transition for it.
        'informer.activity': { target: 'synced', reenter: true },
        'informer.synced': { target: 'synced', reenter: true },
        'informer.failed': {
          target: 'degraded',
          actions: [because('watchFailed'), { type: 'failedAttempt', params: {} }],
        },
      },
      after: {
        watchdog: {
          target: 'degraded',
          actions: [
            because('watchdogStall'),
            { type: 'failedAttempt', params: { error: 'the watch was silent for too long' } },
          ],
        },
      },
    },
    degraded: {
      entry: 'stopInformer',
      on: { 'informer.retry': { target: 'syncing', actions: because('serverBack') } },
      after: { restartBackoff: { target: 'syncing', actions: because('restarting') } },
    },
    stopped: { entry: 'stopInformer', type: 'final' },
  },
});
