// One BGP session with one peer: the RFC 4271 §8 finite state machine (Idle, Connect, Active,
// OpenSent, OpenConfirm, Established). Pure definition: the TCP connection, the messages and the
// routes are named effects the actor supplies with machine.provide(); the timers are XState
// delays on the actor's clock; events carry plain decoded summaries, so the machine does not
// depend on the wire codec. Decisions and numbers: docs/design/0005-bgp-session.md.
import { assign, setup } from 'xstate';
import {
  FSM_ERROR,
  negotiate,
  NOTIFICATION,
  OPEN_HOLD_TIME_MS,
  OPEN_MESSAGE_ERROR,
  idleHoldMs,
  localOpen,
  settingsOf,
  type BgpNegotiated,
  type BgpNotificationSummary,
  type BgpOpenSummary,
  type BgpSessionInput,
  type BgpSessionSettings,
  type OpenRejection,
  type OpenVerdict,
} from './bgp-session.params.js';

/** The RFC's six states (the timers inside some of them are nested states). */
export type BgpSessionStateValue = 'idle' | 'connect' | 'active' | 'openSent' | 'openConfirm' | 'established';

export type BgpSessionReason =
  | 'created'
  | 'started'
  | 'stopped'
  | 'idleHoldExpired'
  | 'connectRetryExpired'
  | 'tcpConnected'
  | 'tcpFailed'
  | 'tcpClosed'
  | 'openAccepted'
  | 'keepaliveReceived'
  | 'holdTimerExpired'
  | 'notificationReceived'
  | 'decodeError'
  | 'unexpectedMessage'
  | 'bfdDown'
  | OpenRejection;

export interface BgpSessionTransition {
  readonly from: BgpSessionStateValue | 'none';
  readonly to: BgpSessionStateValue;
  readonly reason: BgpSessionReason;
}

export interface BgpSessionCounters {
  readonly opensSent: number;
  readonly opensReceived: number;
  readonly keepalivesSent: number;
  readonly keepalivesReceived: number;
  readonly updatesSent: number;
  readonly updatesReceived: number;
  readonly notificationsSent: number;
  readonly notificationsReceived: number;
  /** Times the session reached Established, and times it left it. */
  readonly established: number;
  readonly dropped: number;
}
const ZERO_COUNTERS: BgpSessionCounters = {
  opensSent: 0,
  opensReceived: 0,
  keepalivesSent: 0,
  keepalivesReceived: 0,
  updatesSent: 0,
  updatesReceived: 0,
  notificationsSent: 0,
  notificationsReceived: 0,
  established: 0,
  dropped: 0,
};

export interface BgpSessionContext {
  readonly settings: BgpSessionSettings;
  /** Set when the peer's OPEN is accepted; kept after a drop for status pages. */
  readonly negotiated: BgpNegotiated | undefined;
  /** Drops since the session was last stable (Established for `idleHold.stableMs`). */
  readonly drops: number;
  readonly lastTransition: BgpSessionTransition;
  /** The last NOTIFICATION either side sent, for logs and status. */
  readonly lastNotification: (BgpNotificationSummary & { readonly sent: boolean }) | undefined;
  readonly counters: BgpSessionCounters;
}

export type BgpSessionEvent =
  | { type: 'bgp.start' }
  | { type: 'bgp.stop' }
  | { type: 'tcp.connected' }
  /** The connection attempt failed (refused, unreachable, ...). */
  | { type: 'tcp.failed'; error?: string }
  /** The established TCP connection closed or broke. */
  | { type: 'tcp.closed'; error?: string }
  | ({ type: 'bgp.open' } & BgpOpenSummary)
  | { type: 'bgp.keepalive' }
  | { type: 'bgp.update' }
  | { type: 'bgp.routeRefresh' }
  | ({ type: 'bgp.notification' } & BgpNotificationSummary)
  /** A message that failed to decode: the codec names the NOTIFICATION to answer with. */
  | ({ type: 'bgp.decodeError' } & BgpNotificationSummary)
  /** The actor sent `count` UPDATEs: restarts the keepalive timer (RFC 4271 §4.4). */
  | { type: 'bgp.updateSent'; count: number }
  | { type: 'bfd.down' };

type Args = { context: BgpSessionContext; event: BgpSessionEvent };
type CounterName = keyof BgpSessionCounters;
const bump = (counters: BgpSessionCounters, name: CounterName, by = 1) => ({
  ...counters,
  [name]: counters[name] + by,
});
const jittered = (context: BgpSessionContext, ms: number) => Math.floor(ms * context.settings.jitter);
const verdictOf = ({ context, event }: Args): OpenVerdict | undefined =>
  event.type === 'bgp.open' ? negotiate(context.settings, event) : undefined;

export const bgpSessionMachine = setup({
  types: {
    context: {} as BgpSessionContext,
    events: {} as BgpSessionEvent,
    input: {} as BgpSessionInput,
  },
  actions: {
    /** Dial the peer (or, passive, take its next connection); the actor answers with tcp.*. */
    openTcp: () => undefined,
    /** Close the connection after what was sent is written; later events from it are dropped. */
    closeTcp: () => undefined,
    sendOpen: (_, _params: BgpOpenSummary) => undefined,
    sendKeepalive: () => undefined,
    sendNotification: (_, _params: BgpNotificationSummary) => undefined,
    /** Entering Established, before sendRoutes. */
    sessionEstablished: (_, _params: BgpNegotiated) => undefined,
    /** Leaving Established (only then: it pairs with sessionEstablished). */
    sessionDown: (_, _params: { reason: BgpSessionReason }) => undefined,
    /** Send the full table (the actor reports what it sent with bgp.updateSent). */
    sendRoutes: () => undefined,
    /** Publish the transition (log, metric, event). No-op here. */
    notifyTransition: (_, _params: BgpSessionTransition) => undefined,
    record: assign(({ context }, params: { to: BgpSessionStateValue; reason: BgpSessionReason }) => ({
      lastTransition: { from: context.lastTransition.to, to: params.to, reason: params.reason },
    })),
    count: assign(({ context }, params: { counter: CounterName }) => ({
      counters: bump(context.counters, params.counter),
    })),
    countUpdatesSent: assign(({ context, event }) => ({
      counters: bump(context.counters, 'updatesSent', event.type === 'bgp.updateSent' ? event.count : 0),
    })),
    recordSent: assign((_, params: BgpNotificationSummary) => ({
      lastNotification: { ...params, sent: true },
    })),
    recordReceived: assign(({ event }) =>
      event.type === 'bgp.notification'
        ? {
            lastNotification: { code: event.code, subcode: event.subcode, data: event.data, sent: false },
          }
        : {},
    ),
    takeNegotiated: assign((args: Args) => {
      const verdict = verdictOf(args);
      return verdict?.ok === true ? { negotiated: verdict.negotiated } : {};
    }),
    addDrop: assign(({ context }) => ({ drops: context.drops + 1 })),
    forgetDrops: assign({ drops: 0 }),
  },
  guards: {
    passive: ({ context }) => context.settings.passive,
    openRejected: (args: Args) => verdictOf(args)?.ok === false,
    holdTimerOff: ({ context }) => (context.negotiated?.holdTimeMs ?? 0) === 0,
  },
  delays: {
    connectRetry: ({ context }) => jittered(context, context.settings.connectRetryMs),
    openHold: OPEN_HOLD_TIME_MS,
    holdTime: ({ context }) => context.negotiated?.holdTimeMs ?? 0,
    keepaliveTime: ({ context }) => jittered(context, context.negotiated?.keepaliveTimeMs ?? 0),
    idleHold: ({ context }) => jittered(context, idleHoldMs(context.settings.idleHold, context.drops)),
    stable: ({ context }) => context.settings.idleHold.stableMs,
  },
}).createMachine({
  id: 'bgpSession',
  context: ({ input }) => ({
    settings: settingsOf(input),
    negotiated: undefined,
    drops: 0,
    lastTransition: { from: 'none', to: 'idle', reason: 'created' },
    lastNotification: undefined,
    counters: ZERO_COUNTERS,
  }),
  initial: 'idle',
  states: {
    idle: {
      initial: 'stopped',
      states: {
        // Waits for bgp.start (RFC ManualStart).
        stopped: {
          on: {
            'bgp.start': [
              { guard: 'passive', target: '#bgpSession.active', actions: go('active', 'started') },
              { target: '#bgpSession.connect', actions: go('connect', 'started') },
            ],
          },
        },
        // After a drop: restarts by itself once the idle hold time is over (AutomaticStart with
        // DampPeerOscillations, RFC 4271 §8.1.1).
        holding: {
          after: {
            idleHold: [
              { guard: 'passive', target: '#bgpSession.active', actions: go('active', 'idleHoldExpired') },
              { target: '#bgpSession.connect', actions: go('connect', 'idleHoldExpired') },
            ],
          },
          on: {
            'bgp.stop': { target: 'stopped', actions: ['forgetDrops', ...go('idle', 'stopped')] },
          },
        },
      },
    },
    connect: {
      entry: 'openTcp',
      after: {
        // Connect → Connect: drop the attempt and dial again (re-entering runs openTcp).
        connectRetry: {
          target: 'connect',
          reenter: true,
          actions: ['closeTcp', ...go('connect', 'connectRetryExpired')],
        },
      },
      on: {
        'tcp.connected': { target: 'openSent', actions: go('openSent', 'tcpConnected') },
        // Deviation from RFC 4271 (which goes to Idle when DelayOpen is off): wait in Active for
        // the connect-retry timer, as RFC 1771 and most implementations do.
        'tcp.failed': { target: 'active', actions: ['closeTcp', ...go('active', 'tcpFailed')] },
        'tcp.closed': { target: 'active', actions: ['closeTcp', ...go('active', 'tcpClosed')] },
        'bgp.stop': stop(),
      },
    },
    active: {
      initial: 'choosing',
      states: {
        choosing: { always: [{ guard: 'passive', target: 'listening' }, { target: 'waiting' }] },
        // Passive peer: the connection comes from the peer; no connect-retry timer.
        listening: { entry: 'openTcp' },
        waiting: {
          after: {
            connectRetry: { target: '#bgpSession.connect', actions: go('connect', 'connectRetryExpired') },
          },
        },
      },
      on: {
        'tcp.connected': { target: 'openSent', actions: go('openSent', 'tcpConnected') },
        'tcp.failed': drop('tcpFailed'),
        'tcp.closed': drop('tcpClosed'),
        'bgp.stop': stop(),
      },
    },
    openSent: {
      entry: [
        {
          type: 'sendOpen',
          params: ({ context }: { context: BgpSessionContext }) => localOpen(context.settings),
        },
        count('opensSent'),
      ],
      after: { openHold: drop('holdTimerExpired', NOTIFICATION.holdTimerExpired) },
      on: {
        'bgp.open': [
          {
            guard: 'openRejected',
            target: '#bgpSession.idle.holding',
            actions: [count('opensReceived'), ...rejectOpen().actions],
          },
          {
            target: 'openConfirm',
            actions: [
              count('opensReceived'),
              'takeNegotiated',
              'sendKeepalive',
              count('keepalivesSent'),
              ...go('openConfirm', 'openAccepted'),
            ],
          },
        ],
        'bgp.keepalive': unexpected(NOTIFICATION.fsmError.openSent),
        // RFC 4271: back to Active, where a new connection is made after the connect-retry time.
        'tcp.closed': { target: 'active', actions: ['closeTcp', ...go('active', 'tcpClosed')] },
        'tcp.failed': { target: 'active', actions: ['closeTcp', ...go('active', 'tcpFailed')] },
        ...commonWhileConnected(NOTIFICATION.fsmError.openSent),
      },
    },
    openConfirm: {
      type: 'parallel',
      states: { hold: holdTimerRegion(false), keepalive: keepaliveTimerRegion(false) },
      on: {
        'bgp.keepalive': {
          target: 'established',
          actions: [count('keepalivesReceived'), ...go('established', 'keepaliveReceived')],
        },
        'bgp.open': unexpected(NOTIFICATION.fsmError.openConfirm),
        'tcp.closed': drop('tcpClosed'),
        'tcp.failed': drop('tcpFailed'),
        ...commonWhileConnected(NOTIFICATION.fsmError.openConfirm),
      },
    },
    established: {
      type: 'parallel',
      entry: [
        {
          type: 'sessionEstablished',
          params: ({ context }: { context: BgpSessionContext }) => negotiatedOf(context),
        },
        'sendRoutes',
        count('established'),
      ],
      states: {
        hold: holdTimerRegion(true),
        keepalive: keepaliveTimerRegion(true),
        stability: {
          initial: 'settling',
          states: {
            settling: { after: { stable: { target: 'stable', actions: 'forgetDrops' } } },
            stable: {},
          },
        },
      },
      on: {
        'bgp.routeRefresh': { actions: 'sendRoutes' },
        'bgp.open': down(unexpected(NOTIFICATION.fsmError.established)),
        'tcp.closed': down(drop('tcpClosed')),
        'tcp.failed': down(drop('tcpFailed')),
        'bfd.down': down(drop('bfdDown', NOTIFICATION.bfdDown)),
        'bgp.notification': down(notificationReceived()),
        'bgp.decodeError': down(decodeError()),
        'bgp.stop': down(stop(NOTIFICATION.administrativeShutdown)),
      },
    },
  },
});

function negotiatedOf(context: BgpSessionContext): BgpNegotiated {
  if (context.negotiated === undefined) throw new Error('Established without a negotiated OPEN');
  return context.negotiated;
}

type Reason = BgpSessionReason | ((args: Args) => BgpSessionReason);
type Notification = BgpNotificationSummary | ((args: Args) => BgpNotificationSummary);

function count(counter: CounterName) {
  return { type: 'count', params: { counter } } as const;
}

/** Records the transition and publishes it: the last actions of every transition. */
function go(to: BgpSessionStateValue, reason: Reason) {
  return [
    {
      type: 'record',
      params: (args: Args) => ({ to, reason: typeof reason === 'function' ? reason(args) : reason }),
    },
    { type: 'notifyTransition', params: ({ context }: Args) => context.lastTransition },
  ] as const;
}

function send(notification: Notification) {
  return [
    { type: 'sendNotification', params: notification },
    { type: 'recordSent', params: notification },
    count('notificationsSent'),
  ] as const;
}

/** Notify (optionally), close, count the drop and wait in Idle before restarting. */
function drop(reason: Reason, notification?: Notification) {
  return {
    target: '#bgpSession.idle.holding',
    actions: [...(notification ? send(notification) : []), 'closeTcp', 'addDrop', ...go('idle', reason)],
  } as const;
}

/** Leaving Established: the same transition, plus sessionDown with its reason. */
function down<T extends { target: string; actions: readonly unknown[] }>(transition: T) {
  return {
    ...transition,
    actions: [
      ...transition.actions,
      { type: 'sessionDown', params: ({ context }: Args) => ({ reason: context.lastTransition.reason }) },
      count('dropped'),
    ],
  } as const;
}

/** The peer's OPEN failed a check: OPEN Message Error with the check's subcode. */
function rejectOpen() {
  const rejection = (args: Args) => {
    const verdict = verdictOf(args);
    return verdict?.ok === false ? verdict : { reason: 'badPeerAs' as const, subcode: 0 };
  };
  return drop(
    (args) => rejection(args).reason,
    (args) => ({ code: OPEN_MESSAGE_ERROR, subcode: rejection(args).subcode }),
  );
}

/** A message the state does not expect: FSM Error with the state's subcode (RFC 6608). */
function unexpected(subcode: number) {
  return drop('unexpectedMessage', { code: FSM_ERROR, subcode });
}

/** The peer sent a NOTIFICATION: it closes the connection; nothing is sent back. */
function notificationReceived() {
  const { target, actions } = drop('notificationReceived');
  return { target, actions: [count('notificationsReceived'), 'recordReceived', ...actions] } as const;
}

/** A message failed to decode: answer with the NOTIFICATION the codec chose. */
function decodeError() {
  return drop('decodeError', ({ event }) =>
    event.type === 'bgp.decodeError'
      ? { code: event.code, subcode: event.subcode, data: event.data }
      : { code: 0, subcode: 0 },
  );
}

function stop(notification?: BgpNotificationSummary) {
  return {
    target: '#bgpSession.idle.stopped',
    actions: [
      ...(notification ? send(notification) : []),
      'closeTcp',
      'forgetDrops',
      ...go('idle', 'stopped'),
    ],
  } as const;
}

/** Handlers shared by OpenSent and OpenConfirm once a connection exists. */
function commonWhileConnected(fsmSubcode: number) {
  return {
    'bgp.update': unexpected(fsmSubcode),
    'bgp.routeRefresh': unexpected(fsmSubcode),
    'bgp.notification': notificationReceived(),
    'bgp.decodeError': decodeError(),
    'bgp.stop': stop(NOTIFICATION.administrativeShutdown),
  } as const;
}

/**
 * The receive-side hold timer (negotiated; off when 0). In Established every KEEPALIVE or UPDATE
 * restarts it; in OpenConfirm the first KEEPALIVE leaves the state instead.
 */
function holdTimerRegion(established: boolean) {
  const restart = (counter: CounterName) =>
    ({ target: 'running', reenter: true, actions: [count(counter)] }) as const;
  const expired = drop('holdTimerExpired', NOTIFICATION.holdTimerExpired);
  return {
    initial: 'choosing',
    states: {
      choosing: { always: [{ guard: 'holdTimerOff', target: 'off' }, { target: 'running' }] },
      running: {
        after: { holdTime: established ? down(expired) : expired },
        on: established
          ? { 'bgp.keepalive': restart('keepalivesReceived'), 'bgp.update': restart('updatesReceived') }
          : {},
      },
      off: {
        on: established
          ? {
              'bgp.keepalive': { actions: [count('keepalivesReceived')] },
              'bgp.update': { actions: [count('updatesReceived')] },
            }
          : {},
      },
    },
  } as const;
}

/** Sends a KEEPALIVE every keepalive time (off when the hold time is 0); in Established, sending
 * UPDATEs restarts it, since any message proves we are alive. */
function keepaliveTimerRegion(established: boolean) {
  const countSent = { 'bgp.updateSent': { actions: 'countUpdatesSent' } } as const;
  return {
    initial: 'choosing',
    states: {
      choosing: { always: [{ guard: 'holdTimerOff', target: 'off' }, { target: 'running' }] },
      running: {
        after: {
          keepaliveTime: {
            target: 'running',
            reenter: true,
            actions: ['sendKeepalive', count('keepalivesSent')],
          },
        },
        on: established
          ? ({ 'bgp.updateSent': { target: 'running', reenter: true, actions: 'countUpdatesSent' } } as const)
          : {},
      },
      off: { on: established ? countSent : {} },
    },
  } as const;
}
