// One BFD session (RFC 5880 single hop, Asynchronous mode): the state diagram of §6.2, AdminDown
// → Down → Init → Up, driven by received control packets, administrative commands and the
// detection timer. Pure definition: the packet rules live in core/bfd/session.ts; effects are
// named here (start/update/stopTransmitting, sendControlPacket, sessionUp, sessionDown, ...) and
// supplied by the actor with machine.provide(). The detection timer is an XState delayed
// transition, re-armed by every accepted packet; the periodic transmit timer, with its 75–100 %
// jitter, is the actor's: it sends `bfd.transmit.due` and the machine answers with the packet.
// See docs/design/0004-bfd.md.
import { assign, enqueueActions, setup } from 'xstate';
import { BfdDiagnostic, diagnosticName } from '../core/bfd/diagnostic.js';
import type { BfdControlPacket, BfdState } from '../core/bfd/packet.js';
import {
  type BfdDropReason,
  type BfdSessionSettings,
  type BfdSessionVariables,
  type BfdSilenceReason,
  controlPacketFor,
  dropReason,
  initialVariables,
  periodicTransmission,
  sessionDetectionTimeUs,
  settledPoll,
  withRemote,
  withoutRemote,
} from '../core/bfd/session.js';

export type BfdSessionStateValue = BfdState;

export type BfdTransitionReason =
  | 'created'
  | 'receivedAdminDown'
  | 'receivedDown'
  | 'receivedInit'
  | 'receivedUp'
  | 'detectionTimeExpired'
  | 'adminDown'
  | 'adminUp';

export interface BfdTransition {
  readonly from: BfdSessionStateValue | 'none';
  readonly to: BfdSessionStateValue;
  readonly reason: BfdTransitionReason;
}

/** What the actor's periodic timer runs: the interval before jitter, and Detect Mult (which
 * narrows the jitter to 75–90 % when it is 1). `undefined`: no periodic packets. */
export interface BfdTransmission {
  readonly intervalUs: number;
  readonly detectMultiplier: number;
}

export interface BfdSessionContext extends BfdSessionVariables {
  readonly transmission: BfdTransmission | undefined;
  /** Armed on every accepted packet; 0 until something was received. */
  readonly detectionTimeUs: number;
  readonly lastTransition: BfdTransition;
  readonly lastDrop: BfdDropReason | undefined;
}

/** Intervals in microseconds, as on the wire (a MetalLB BFDProfile's milliseconds × 1000). */
export type BfdSessionInput = BfdSessionSettings;

export type BfdSessionEvent =
  /** A packet the codec accepted for this session, with the TTL / hop limit it arrived with. */
  | { type: 'bfd.packet.received'; packet: BfdControlPacket; ttl: number }
  /** The actor's (jittered) periodic timer fired. */
  | { type: 'bfd.transmit.due' }
  | { type: 'bfd.admin.down' }
  | { type: 'bfd.admin.up' }
  | {
      type: 'bfd.parameters.change';
      desiredMinTxUs?: number;
      requiredMinRxUs?: number;
      detectMultiplier?: number;
    };

export interface BfdSessionDownParams {
  readonly reason: BfdTransitionReason;
  readonly diagnostic: number;
  readonly diagnosticName: string;
}

type Ctx = { context: BfdSessionContext; event: BfdSessionEvent };
type Move = { to: BfdSessionStateValue; reason: BfdTransitionReason };
type InState = { state: BfdSessionStateValue };

/** The named effects the conditional actions enqueue. */
type Effect =
  | { type: 'startTransmitting'; params: BfdTransmission }
  | { type: 'updateTransmitInterval'; params: BfdTransmission }
  | { type: 'stopTransmitting'; params: { reason: BfdSilenceReason } }
  | { type: 'sendControlPacket'; params: { packet: BfdControlPacket } }
  | { type: 'packetDropped'; params: { reason: BfdDropReason } };

/** enqueueActions typed with the effects it may enqueue: inside setup() XState cannot infer them
 * (the action map would refer to itself). */
type Conditional<P extends object | undefined> = typeof enqueueActions<
  BfdSessionContext,
  BfdSessionEvent,
  P,
  BfdSessionEvent,
  never,
  Effect,
  never,
  never,
  never
>;
const conditional = <P extends object | undefined>(collect: Parameters<Conditional<P>>[0]) =>
  (enqueueActions as Conditional<P>)(collect);

const received = (event: BfdSessionEvent) => (event.type === 'bfd.packet.received' ? event : undefined);
const RECEIVED_REASON = {
  adminDown: 'receivedAdminDown',
  down: 'receivedDown',
  init: 'receivedInit',
  up: 'receivedUp',
} as const satisfies Record<BfdState, BfdTransitionReason>;

export const bfdSessionMachine = setup({
  types: {
    context: {} as BfdSessionContext,
    events: {} as BfdSessionEvent,
    input: {} as BfdSessionInput,
  },
  actions: {
    /** Begin the periodic timer (jittered by the actor); the first packet is sent with it. */
    startTransmitting: (_, _params: BfdTransmission) => undefined,
    updateTransmitInterval: (_, _params: BfdTransmission) => undefined,
    stopTransmitting: (_, _params: { reason: BfdSilenceReason }) => undefined,
    /** Encode and send now (TTL 255, RFC 5881). */
    sendControlPacket: (_, _params: { packet: BfdControlPacket }) => undefined,
    sessionUp: (_, _params: { localDiscriminator: number; remoteDiscriminator: number }) => undefined,
    /** Leaving Up, for whatever reason: what BGP listens to. */
    sessionDown: (_, _params: BfdSessionDownParams) => undefined,
    /** Every state change, for logs and metrics. */
    notifyTransition: (_, _params: BfdTransition & { diagnostic: number }) => undefined,
    /** A packet the codec accepted but the session did not (counted, never answered). */
    packetDropped: (_, _params: { reason: BfdDropReason }) => undefined,

    record: assign(({ context }, params: Move) => ({
      lastTransition: { from: context.lastTransition.to, to: params.to, reason: params.reason },
    })),
    setDiagnostic: assign((_, params: { diagnostic: number }) => ({ localDiagnostic: params.diagnostic })),
    takePacket: assign(({ context, event }) => {
      const e = received(event);
      return e ? withRemote(context, e.packet) : {};
    }),
    forgetRemote: assign(({ context }) => withoutRemote(context)),
    takeParameters: assign(({ context, event }) =>
      event.type === 'bfd.parameters.change'
        ? {
            desiredMinTxUs: event.desiredMinTxUs ?? context.desiredMinTxUs,
            requiredMinRxUs: event.requiredMinRxUs ?? context.requiredMinRxUs,
            detectMultiplier: event.detectMultiplier ?? context.detectMultiplier,
          }
        : {},
    ),
    /** Drops what the session refuses (§6.8.6: TTL, discriminator), counted by the actor. */
    drop: conditional<undefined>(({ context, event, enqueue }) => {
      const e = received(event);
      const reason = e && dropReason(context, e.packet, e.ttl);
      if (!reason) return;
      enqueue.assign({ lastDrop: reason });
      enqueue({ type: 'packetDropped', params: { reason } });
    }),
    /** After any change in `state`: the poll sequence, the detection time, and the periodic
     * timer the actor runs (started, changed or stopped only when it differs from what it runs). */
    settle: conditional<InState>(({ context, enqueue }, { state }) => {
      const vars = { ...context, poll: settledPoll(context, state === 'up') };
      const periodic = periodicTransmission(vars, state);
      const next =
        'intervalUs' in periodic
          ? { intervalUs: periodic.intervalUs, detectMultiplier: vars.detectMultiplier }
          : undefined;
      enqueue.assign({
        poll: vars.poll,
        detectionTimeUs: sessionDetectionTimeUs(vars, state),
        transmission: next,
      });
      const before = context.transmission;
      if (next && !before) enqueue({ type: 'startTransmitting', params: next });
      else if (next && before && !sameTransmission(next, before))
        enqueue({ type: 'updateTransmitInterval', params: next });
      else if (!next && before && 'silent' in periodic)
        enqueue({ type: 'stopTransmitting', params: { reason: periodic.silent } });
    }),
    /** §6.8.6/§6.8.7: a Poll is answered at once with a Final; otherwise a changed state is sent
     * at once (a SHOULD), when we may transmit at all. */
    answer: conditional<InState & { changed: boolean }>(({ context, event, enqueue }, { state, changed }) => {
      const polled = received(event)?.packet.poll ?? false;
      if (polled || (changed && context.transmission))
        enqueue({ type: 'sendControlPacket', params: { packet: controlPacketFor(context, state, polled) } });
    }),
    /** The actor's periodic timer fired: the packet of the moment, with P during a poll. */
    transmit: conditional<InState>(({ context, enqueue }, { state }) => {
      if (context.transmission)
        enqueue({ type: 'sendControlPacket', params: { packet: controlPacketFor(context, state, false) } });
    }),
  },
  guards: {
    dropped: ({ context, event }) => {
      const e = received(event);
      return e !== undefined && dropReason(context, e.packet, e.ttl) !== undefined;
    },
    remoteSays: ({ event }, params: { states: readonly BfdState[] }) => {
      const e = received(event);
      return e !== undefined && params.states.includes(e.packet.state);
    },
    knowsRemote: ({ context }) => context.remoteDiscriminator !== 0,
  },
  delays: {
    detectionTime: ({ context }) => context.detectionTimeUs / 1000,
  },
}).createMachine({
  id: 'bfdSession',
  context: ({ input }) => ({
    ...initialVariables(input),
    transmission: undefined,
    detectionTimeUs: 0,
    lastTransition: { from: 'none', to: 'down', reason: 'created' },
    lastDrop: undefined,
  }),
  initial: 'down',
  // A session starts Down (§6.8.1); an active one starts sending at the slow rate at once.
  entry: [settle('down'), answer('down', true)],
  states: {
    adminDown: {
      on: {
        // §6.8.6: the remote's variables are still taken, then the packet is discarded.
        'bfd.packet.received': [
          { guard: 'dropped', actions: 'drop' },
          { actions: ['takePacket', settle('adminDown')] },
        ],
        'bfd.admin.up': { target: 'down', actions: move('down', 'adminUp') },
        ...common('adminDown'),
      },
    },
    down: {
      // §6.8.1: without packets for a detection time, the remote's discriminator is forgotten
      // (a passive session falls silent again).
      after: {
        detectionTime: {
          guard: 'knowsRemote',
          actions: ['forgetRemote', settle('down')],
        },
      },
      on: {
        'bfd.packet.received': [
          { guard: 'dropped', actions: 'drop' },
          { guard: remoteSays('down'), target: 'init', actions: receive('init') },
          {
            guard: remoteSays('init'),
            target: 'up',
            actions: receive('up', [
              { type: 'setDiagnostic', params: { diagnostic: BfdDiagnostic.noDiagnostic } },
            ]),
          },
          { target: 'down', reenter: true, actions: stay('down') },
        ],
        ...common('down'),
        ...adminDown(),
      },
    },
    init: {
      after: { detectionTime: { target: 'down', actions: expire() } },
      on: {
        'bfd.packet.received': [
          { guard: 'dropped', actions: 'drop' },
          { guard: remoteSays('adminDown'), target: 'down', actions: receive('down', signaledDown()) },
          {
            guard: remoteSays('init', 'up'),
            target: 'up',
            actions: receive('up', [
              { type: 'setDiagnostic', params: { diagnostic: BfdDiagnostic.noDiagnostic } },
            ]),
          },
          { target: 'init', reenter: true, actions: stay('init') },
        ],
        ...common('init'),
        ...adminDown(),
      },
    },
    up: {
      after: { detectionTime: { target: 'down', actions: [...expire(), sessionDown()] } },
      on: {
        'bfd.packet.received': [
          { guard: 'dropped', actions: 'drop' },
          {
            guard: remoteSays('adminDown', 'down'),
            target: 'down',
            actions: [...receive('down', signaledDown()), sessionDown()],
          },
          { target: 'up', reenter: true, actions: stay('up') },
        ],
        ...common('up'),
        'bfd.admin.down': { target: 'adminDown', actions: [...adminDownActions(), sessionDown()] },
      },
    },
  },
});

function settle(state: BfdSessionStateValue) {
  return { type: 'settle', params: { state } } as const;
}

function answer(state: BfdSessionStateValue, changed: boolean) {
  return { type: 'answer', params: { state, changed } } as const;
}

function sameTransmission(a: BfdTransmission, b: BfdTransmission): boolean {
  return a.intervalUs === b.intervalUs && a.detectMultiplier === b.detectMultiplier;
}

function remoteSays(...states: BfdState[]) {
  return { type: 'remoteSays', params: { states } } as const;
}

/** A state change: recorded, settled, announced at once, published. */
function move(to: BfdSessionStateValue, reason: BfdTransitionReason | ((a: Ctx) => BfdTransitionReason)) {
  return [
    {
      type: 'record',
      params: (a: Ctx) => ({ to, reason: typeof reason === 'function' ? reason(a) : reason }),
    },
    settle(to),
    answer(to, true),
    {
      type: 'notifyTransition',
      params: ({ context }: Ctx) => ({ ...context.lastTransition, diagnostic: context.localDiagnostic }),
    },
    ...(to === 'up'
      ? [
          {
            type: 'sessionUp',
            params: ({ context }: Ctx) => ({
              localDiscriminator: context.localDiscriminator,
              remoteDiscriminator: context.remoteDiscriminator,
            }),
          } as const,
        ]
      : []),
  ] as const;
}

/** A received packet that moves the session (the reason names the state the remote sent). */
function receive(
  to: BfdSessionStateValue,
  before: readonly {
    readonly type: 'setDiagnostic';
    readonly params: { readonly diagnostic: number };
  }[] = [],
) {
  const reason = ({ event }: Ctx) => RECEIVED_REASON[received(event)?.packet.state ?? 'down'];
  return ['takePacket', ...before, ...move(to, reason)] as const;
}

/** A received packet that keeps the state: re-entering re-arms the detection timer. */
function stay(state: BfdSessionStateValue) {
  return ['takePacket', settle(state), answer(state, false)] as const;
}

/** §6.8.6: the remote went Down or AdminDown under us. */
function signaledDown() {
  return [
    { type: 'setDiagnostic', params: { diagnostic: BfdDiagnostic.neighborSignaledSessionDown } },
  ] as const;
}

/** §6.8.4: no packet for a detection time in Init or Up. */
function expire() {
  return [
    'forgetRemote',
    { type: 'setDiagnostic', params: { diagnostic: BfdDiagnostic.controlDetectionTimeExpired } },
    ...move('down', 'detectionTimeExpired'),
  ] as const;
}

function adminDownActions() {
  return [
    { type: 'setDiagnostic', params: { diagnostic: BfdDiagnostic.administrativelyDown } },
    ...move('adminDown', 'adminDown'),
  ] as const;
}

function adminDown() {
  return { 'bfd.admin.down': { target: 'adminDown', actions: adminDownActions() } } as const;
}

function sessionDown() {
  return {
    type: 'sessionDown',
    params: ({ context }: Ctx): BfdSessionDownParams => ({
      reason: context.lastTransition.reason,
      diagnostic: context.localDiagnostic,
      diagnosticName: diagnosticName(context.localDiagnostic),
    }),
  } as const;
}

/** In every state: the actor's transmit tick, and new parameters (a poll when Up, §6.8.3). */
function common(state: BfdSessionStateValue) {
  return {
    'bfd.transmit.due': { actions: { type: 'transmit', params: { state } } },
    'bfd.parameters.change': { actions: ['takeParameters', settle(state)] },
  } as const;
}
