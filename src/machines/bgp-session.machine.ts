// One BGP session with one peer: the RFC 4271 §8 finite state machine (Idle, Connect, Active,
// OpenSent, OpenConfirm, Established). Pure definition: the TCP connection, the messages and the
// routes are named effects the actor supplies with machine.provide(); the timers are XState
// delays on the actor's clock; events carry plain decoded summaries, so the machine does not
// depend on the wire codec. Decisions and numbers: docs/design/0005-bgp-session.md.
import { assign, setup } from 'xstate';
import { parseIp, sameIp } from '../core/net/ip.js';

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

/** Why an OPEN is refused; each one is sent back as an OPEN Message Error subcode. */
export type OpenRejection = 'badPeerAs' | 'unacceptableHoldTime' | 'badBgpIdentifier' | 'noCommonFamily';

export interface BgpSessionTransition {
  readonly from: BgpSessionStateValue | 'none';
  readonly to: BgpSessionStateValue;
  readonly reason: BgpSessionReason;
}

export type BgpFamily = 'ipv4Unicast' | 'ipv6Unicast';

/** Capabilities of an OPEN, as booleans (the codec maps "no multiprotocol capability" to IPv4). */
export interface BgpCapabilities {
  readonly fourOctetAs: boolean;
  readonly ipv4Unicast: boolean;
  readonly ipv6Unicast: boolean;
  readonly routeRefresh: boolean;
  readonly gracefulRestart: boolean;
}

/** An OPEN, decoded. `asn` is the effective ASN (the four-octet capability's when present). */
export interface BgpOpenSummary {
  readonly asn: number;
  /** Seconds, as on the wire. */
  readonly holdTime: number;
  readonly routerId: string;
  readonly capabilities: BgpCapabilities;
}

export interface BgpNotificationSummary {
  readonly code: number;
  readonly subcode: number;
  readonly data?: Uint8Array | undefined;
}

/** NOTIFICATION codes and subcodes the machine sends (RFC 4271 §4.5, RFC 6608, RFC 9384). */
export const NOTIFICATION = {
  holdTimerExpired: { code: 4, subcode: 0 },
  open: { badPeerAs: 2, badBgpIdentifier: 3, unacceptableHoldTime: 6, noCommonFamily: 7 },
  fsmError: { openSent: 1, openConfirm: 2, established: 3 },
  administrativeShutdown: { code: 6, subcode: 2 },
  bfdDown: { code: 6, subcode: 10 },
} as const;
const OPEN_MESSAGE_ERROR = 2;
const FSM_ERROR = 5;

/** The hold time while waiting for the peer's OPEN (RFC 4271 §8.2.2 suggests 4 minutes). */
export const OPEN_HOLD_TIME_MS = 240_000;

/** Idle hold (restart delay after a drop): doubles per drop up to the cap, reset once stable. */
export interface IdleHoldSettings {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Established this long without a drop: the next drop waits `initialMs` again. */
  readonly stableMs: number;
}
export const DEFAULT_IDLE_HOLD: IdleHoldSettings = { initialMs: 1_000, maxMs: 60_000, stableMs: 60_000 };
/** GoBGP's default; FRR and BIRD wait 120 s, too long for a load balancer's routes. */
export const DEFAULT_CONNECT_RETRY_MS = 5_000;

export interface BgpSessionInput {
  readonly localAsn: number;
  /** The peer's ASN, or any internal (= local) / external (≠ local) one: BGPPeer dynamicASN. */
  readonly peerAsn: number | 'internal' | 'external';
  readonly routerId: string;
  /** 0, or at least 3 s (validated by the config); 0 disables hold timer and keepalives. */
  readonly holdTimeMs: number;
  readonly keepaliveTimeMs: number;
  /** BGPPeer connectTime. */
  readonly connectRetryMs?: number;
  /** Wait for the peer to connect instead of dialing it (default false: Herald dials, like MetalLB). */
  readonly passive?: boolean;
  readonly families?: readonly BgpFamily[];
  readonly gracefulRestart?: boolean;
  readonly idleHold?: IdleHoldSettings;
  /**
   * RFC 4271 §10 jitter in [0.75, 1], applied to the connect-retry, keepalive and idle-hold
   * delays. The actor draws one per session so that speakers restarted together spread out.
   */
  readonly jitter?: number;
}

export interface BgpSessionSettings {
  readonly localAsn: number;
  readonly peerAsn: number | 'internal' | 'external';
  readonly routerId: string;
  readonly holdTimeMs: number;
  readonly keepaliveTimeMs: number;
  readonly connectRetryMs: number;
  readonly passive: boolean;
  readonly families: readonly BgpFamily[];
  readonly gracefulRestart: boolean;
  readonly idleHold: IdleHoldSettings;
  readonly jitter: number;
}

/** What both sides agreed on, from our settings and the peer's OPEN. */
export interface BgpNegotiated {
  readonly peerAsn: number;
  readonly peerRouterId: string;
  /** min(local, remote); 0 = no hold timer and no keepalives. */
  readonly holdTimeMs: number;
  readonly keepaliveTimeMs: number;
  readonly fourOctetAs: boolean;
  readonly families: readonly BgpFamily[];
  readonly routeRefresh: boolean;
  readonly gracefulRestart: boolean;
}

export type OpenVerdict =
  | { readonly ok: true; readonly negotiated: BgpNegotiated }
  | { readonly ok: false; readonly reason: OpenRejection; readonly subcode: number };

const reject = (reason: OpenRejection): OpenVerdict => ({
  ok: false,
  reason,
  subcode: NOTIFICATION.open[reason],
});

/** Checks the peer's OPEN against our settings (RFC 4271 §6.2, RFC 6286) and negotiates. */
export function negotiate(settings: BgpSessionSettings, open: BgpOpenSummary): OpenVerdict {
  const { peerAsn, localAsn } = settings;
  const asnMatches =
    peerAsn === 'internal'
      ? open.asn === localAsn
      : peerAsn === 'external'
        ? open.asn !== localAsn
        : open.asn === peerAsn;
  if (!asnMatches) return reject('badPeerAs');
  if (open.holdTime === 1 || open.holdTime === 2) return reject('unacceptableHoldTime');
  const remoteId = parseIp(open.routerId);
  const localId = parseIp(settings.routerId);
  // Zero is never valid; the same ID as ours only across an AS boundary (RFC 6286; FRR agrees).
  if (remoteId?.family !== 4 || remoteId.value === 0n) return reject('badBgpIdentifier');
  if (open.asn === localAsn && localId !== undefined && sameIp(remoteId, localId))
    return reject('badBgpIdentifier');
  const families = settings.families.filter((family) => open.capabilities[family]);
  if (families.length === 0) return reject('noCommonFamily');
  const holdTimeMs = Math.min(settings.holdTimeMs, open.holdTime * 1000);
  // FRR's rule: the configured keepalive unless it exceeds a third of the negotiated hold time.
  const keepaliveTimeMs =
    holdTimeMs === 0
      ? 0
      : settings.keepaliveTimeMs > 0
        ? Math.min(settings.keepaliveTimeMs, Math.floor(holdTimeMs / 3))
        : Math.floor(holdTimeMs / 3);
  return {
    ok: true,
    negotiated: {
      peerAsn: open.asn,
      peerRouterId: open.routerId,
      holdTimeMs,
      keepaliveTimeMs,
      fourOctetAs: open.capabilities.fourOctetAs,
      families,
      routeRefresh: open.capabilities.routeRefresh,
      gracefulRestart: settings.gracefulRestart && open.capabilities.gracefulRestart,
    },
  };
}

/** The delay before restarting after `drops` drops in a row (jitter applied by the machine). */
export function idleHoldMs(idleHold: IdleHoldSettings, drops: number): number {
  if (drops <= 0) return 0;
  return Math.min(idleHold.maxMs, idleHold.initialMs * 2 ** (drops - 1));
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

/** The OPEN we send. */
export type LocalOpen = BgpOpenSummary;

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
    sendOpen: (_, _params: LocalOpen) => undefined,
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
        'bgp.stop': stopWithoutNotification(),
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
        'bgp.stop': stopWithoutNotification(),
      },
    },
    openSent: {
      entry: [
        {
          type: 'sendOpen',
          params: ({ context }: { context: BgpSessionContext }) => localOpen(context.settings),
        },
        { type: 'count', params: { counter: 'opensSent' } },
      ],
      after: { openHold: drop('holdTimerExpired', NOTIFICATION.holdTimerExpired) },
      on: {
        'bgp.open': [
          {
            guard: 'openRejected',
            target: '#bgpSession.idle.holding',
            actions: [{ type: 'count', params: { counter: 'opensReceived' } }, ...rejectOpen()],
          },
          {
            target: 'openConfirm',
            actions: [
              { type: 'count', params: { counter: 'opensReceived' } },
              'takeNegotiated',
              'sendKeepalive',
              { type: 'count', params: { counter: 'keepalivesSent' } },
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
          actions: [
            { type: 'count', params: { counter: 'keepalivesReceived' } },
            ...go('established', 'keepaliveReceived'),
          ],
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
        { type: 'count', params: { counter: 'established' } },
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
        'bgp.stop': down(stopWithNotification()),
      },
    },
  },
});

function settingsOf(input: BgpSessionInput): BgpSessionSettings {
  return {
    localAsn: input.localAsn,
    peerAsn: input.peerAsn,
    routerId: input.routerId,
    holdTimeMs: input.holdTimeMs,
    keepaliveTimeMs: input.keepaliveTimeMs,
    connectRetryMs: input.connectRetryMs ?? DEFAULT_CONNECT_RETRY_MS,
    passive: input.passive ?? false,
    families: input.families ?? ['ipv4Unicast', 'ipv6Unicast'],
    gracefulRestart: input.gracefulRestart ?? false,
    idleHold: input.idleHold ?? DEFAULT_IDLE_HOLD,
    jitter: Math.min(1, Math.max(0.75, input.jitter ?? 1)),
  };
}

/** The OPEN we send: we always offer four-octet ASNs and route refresh. */
export function localOpen(settings: BgpSessionSettings): LocalOpen {
  return {
    asn: settings.localAsn,
    holdTime: Math.floor(settings.holdTimeMs / 1000),
    routerId: settings.routerId,
    capabilities: {
      fourOctetAs: true,
      ipv4Unicast: settings.families.includes('ipv4Unicast'),
      ipv6Unicast: settings.families.includes('ipv6Unicast'),
      routeRefresh: true,
      gracefulRestart: settings.gracefulRestart,
    },
  };
}

function negotiatedOf(context: BgpSessionContext): BgpNegotiated {
  if (context.negotiated === undefined) throw new Error('Established without a negotiated OPEN');
  return context.negotiated;
}

/** Records the transition and publishes it: the last actions of every transition. */
function go(to: BgpSessionStateValue, reason: BgpSessionReason) {
  return [
    { type: 'record', params: { to, reason } },
    { type: 'notifyTransition', params: ({ context }: Args) => context.lastTransition },
  ] as const;
}

/** Notify (optionally), close, count the drop and wait in Idle before restarting. */
function drop(reason: BgpSessionReason, notification?: BgpNotificationSummary) {
  return {
    target: '#bgpSession.idle.holding',
    actions: [...(notification ? send(notification) : []), 'closeTcp', 'addDrop', ...go('idle', reason)],
  } as const;
}

function send(notification: BgpNotificationSummary) {
  return [
    { type: 'sendNotification', params: notification },
    { type: 'recordSent', params: notification },
    { type: 'count', params: { counter: 'notificationsSent' } },
  ] as const;
}

/** Leaving Established: the same transition, plus sessionDown with its reason. */
function down<T extends { target: string; actions: readonly unknown[] }>(transition: T) {
  return {
    ...transition,
    actions: [
      ...transition.actions,
      { type: 'sessionDown', params: ({ context }: Args) => ({ reason: context.lastTransition.reason }) },
      { type: 'count', params: { counter: 'dropped' } },
    ],
  } as const;
}

function rejectOpen() {
  return [
    {
      type: 'sendNotification',
      params: (args: Args) => openErrorOf(verdictOf(args)),
    },
    { type: 'recordSent', params: (args: Args) => openErrorOf(verdictOf(args)) },
    { type: 'count', params: { counter: 'notificationsSent' } },
    'closeTcp',
    'addDrop',
    {
      type: 'record',
      params: (args: Args) => {
        const verdict = verdictOf(args);
        const reason: BgpSessionReason = verdict?.ok === false ? verdict.reason : 'badPeerAs';
        return { to: 'idle' as const, reason };
      },
    },
    { type: 'notifyTransition', params: ({ context }: Args) => context.lastTransition },
  ] as const;
}

function openErrorOf(verdict: OpenVerdict | undefined): BgpNotificationSummary {
  return { code: OPEN_MESSAGE_ERROR, subcode: verdict?.ok === false ? verdict.subcode : 0 };
}

/** A message the state does not expect: FSM Error with the state's subcode (RFC 6608). */
function unexpected(subcode: number) {
  return drop('unexpectedMessage', { code: FSM_ERROR, subcode });
}

/** The peer sent a NOTIFICATION: it closes the connection; nothing is sent back. */
function notificationReceived() {
  return {
    target: '#bgpSession.idle.holding',
    actions: [
      { type: 'count', params: { counter: 'notificationsReceived' } },
      'recordReceived',
      'closeTcp',
      'addDrop',
      ...go('idle', 'notificationReceived'),
    ],
  } as const;
}

/** A message failed to decode: answer with the NOTIFICATION the codec chose. */
function decodeError() {
  const params = ({ event }: Args): BgpNotificationSummary =>
    event.type === 'bgp.decodeError'
      ? { code: event.code, subcode: event.subcode, data: event.data }
      : { code: 0, subcode: 0 };
  return {
    target: '#bgpSession.idle.holding',
    actions: [
      { type: 'sendNotification', params },
      { type: 'recordSent', params },
      { type: 'count', params: { counter: 'notificationsSent' } },
      'closeTcp',
      'addDrop',
      ...go('idle', 'decodeError'),
    ],
  } as const;
}

function stopWithoutNotification() {
  return {
    target: '#bgpSession.idle.stopped',
    actions: ['closeTcp', 'forgetDrops', ...go('idle', 'stopped')],
  } as const;
}

function stopWithNotification() {
  return {
    target: '#bgpSession.idle.stopped',
    actions: [
      ...send(NOTIFICATION.administrativeShutdown),
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
    'bgp.stop': stopWithNotification(),
  } as const;
}

/**
 * The receive-side hold timer (negotiated; off when 0). In Established every KEEPALIVE or UPDATE
 * restarts it; in OpenConfirm the first KEEPALIVE leaves the state instead.
 */
function holdTimerRegion(established: boolean) {
  const count = (counter: CounterName) => ({ type: 'count', params: { counter } }) as const;
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
            actions: ['sendKeepalive', { type: 'count', params: { counter: 'keepalivesSent' } }],
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
