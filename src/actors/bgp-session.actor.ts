// The BGP session actor: runs one bgp-session machine for one peer, supplying its effects from a
// BgpTransport (the TCP connection), a BgpMessageCodec (what messages mean) and the route table,
// on an injected clock. Generic in the message type M: plain decoded objects (`plainBgpCodec`)
// until the wire codec is plugged in through the same interface.
import { createActor, type Actor, type InspectionEvent } from 'xstate';
import {
  bgpSessionMachine,
  type BgpSessionContext,
  type BgpSessionEvent,
  type BgpSessionReason,
  type BgpSessionStateValue,
  type BgpSessionTransition,
} from '../machines/bgp-session.machine.js';
import type {
  BgpNegotiated,
  BgpNotificationSummary,
  BgpOpenSummary,
  BgpSessionInput,
} from '../machines/bgp-session.params.js';
import type { BgpConnection, BgpTransport } from '../ports/bgp-transport.js';
import type { Clock } from '../ports/clock.js';

/** What a received message can mean to the session. */
export type BgpInboundEvent = Extract<
  BgpSessionEvent,
  {
    type:
      | 'bgp.open'
      | 'bgp.keepalive'
      | 'bgp.update'
      | 'bgp.routeRefresh'
      | 'bgp.notification'
      | 'bgp.decodeError';
  }
>;

/** What decoding an UPDATE depends on, once the OPENs are exchanged. */
export interface BgpReadContext {
  /** Both sides sent the 4-octet AS capability: AS_PATH carries 4-byte ASNs. */
  readonly fourOctetAs: boolean;
  readonly peer: 'internal' | 'external';
}

/** Reads and writes messages of type M; a message that does not decode reads as bgp.decodeError. */
export interface BgpMessageCodec<M> {
  read(message: M, context?: BgpReadContext): BgpInboundEvent;
  open(open: BgpOpenSummary): M;
  keepalive(): M;
  notification(notification: BgpNotificationSummary): M;
}

/** Decoded messages as plain objects (an UPDATE may name its routes, for tests and logs). */
export type PlainBgpMessage =
  Exclude<BgpInboundEvent, { type: 'bgp.update' }> | { type: 'bgp.update'; routes?: readonly string[] };

export const plainBgpCodec: BgpMessageCodec<PlainBgpMessage> = {
  read: (message) => message,
  open: (open) => ({ type: 'bgp.open', ...open }),
  keepalive: () => ({ type: 'bgp.keepalive' }),
  notification: (notification) => ({ type: 'bgp.notification', ...notification }),
};

export interface BgpSessionDeps<M> {
  readonly clock: Clock;
  readonly transport: BgpTransport<M>;
  readonly codec: BgpMessageCodec<M>;
  /** The full table as UPDATE messages: sent when the session comes up and on ROUTE-REFRESH. */
  readonly table: () => readonly M[];
  /** Draws the RFC 4271 §10 jitter (default Math.random); ignored when the input sets one. */
  readonly random?: () => number;
  readonly onTransition?: (transition: BgpSessionTransition) => void;
  readonly onEstablished?: (negotiated: BgpNegotiated) => void;
  readonly onDown?: (reason: BgpSessionReason) => void;
  /** The machine failed (a bug): the session is dead until restarted. */
  readonly onError?: (error: unknown) => void;
  /** Names the actor for the state board (`bgp:<peer>`) and lets the board inspect it. */
  readonly id?: string;
  readonly inspect?: (event: InspectionEvent) => void;
}

type SessionActorRef = Actor<typeof bgpSessionMachine>;

export class BgpSessionActor<M> {
  private actor: SessionActorRef | undefined;
  private connection: BgpConnection<M> | undefined;
  /** Identifies the current connection attempt: events from an older one are dropped. */
  private attempt: object | undefined;

  constructor(
    private readonly input: BgpSessionInput,
    private readonly deps: BgpSessionDeps<M>,
  ) {}

  /** Starts the machine and the session (Idle → Connect, or Active when passive). */
  start(): void {
    if (this.running()) return;
    const jitter = this.input.jitter ?? 0.75 + 0.25 * (this.deps.random ?? Math.random)();
    const actor = createActor(this.machine(), {
      clock: this.deps.clock,
      input: { ...this.input, jitter },
      ...(this.deps.id ? { id: this.deps.id } : {}),
      ...(this.deps.inspect ? { inspect: this.deps.inspect } : {}),
    });
    actor.subscribe({
      // An errored machine ignores every later event: its connection would stay open unowned.
      error: (error) => {
        this.closeConnection();
        this.deps.onError?.(error);
      },
    });
    this.actor = actor;
    actor.start();
    actor.send({ type: 'bgp.start' });
  }

  /** Ends the session (a Cease NOTIFICATION when connected) and the machine; its last state,
   * counters and reasons stay readable. */
  stop(): void {
    const actor = this.running();
    if (!actor) return;
    actor.send({ type: 'bgp.stop' });
    actor.stop();
    this.closeConnection();
  }

  /** BFD declared the path to the peer down. */
  bfdDown(): void {
    this.running()?.send({ type: 'bfd.down' });
  }

  /**
   * Sends UPDATEs (route changes) if the session is Established; false otherwise — the whole
   * table goes out anyway when the session comes up.
   */
  advertise(messages: readonly M[]): boolean {
    if (this.state() !== 'established' || !this.connection) return false;
    this.sendAll(messages);
    return true;
  }

  state(): BgpSessionStateValue | 'notStarted' {
    return this.actor?.getSnapshot().context.lastTransition.to ?? 'notStarted';
  }

  /** Counters, negotiated parameters, last transition and NOTIFICATION, for metrics and status. */
  context(): BgpSessionContext | undefined {
    return this.actor?.getSnapshot().context;
  }

  private running(): SessionActorRef | undefined {
    return this.actor?.getSnapshot().status === 'active' ? this.actor : undefined;
  }

  private machine() {
    const send = (message: M) => this.connection?.send(message);
    return bgpSessionMachine.provide({
      actions: {
        openTcp: () => this.openConnection(),
        closeTcp: () => this.closeConnection(),
        sendOpen: (_, open) => send(this.deps.codec.open(open)),
        sendKeepalive: () => send(this.deps.codec.keepalive()),
        sendNotification: (_, notification) => send(this.deps.codec.notification(notification)),
        sessionEstablished: (_, negotiated) => this.deps.onEstablished?.(negotiated),
        sessionDown: (_, { reason }) => this.deps.onDown?.(reason),
        sendRoutes: () => this.sendAll(this.deps.table()),
        notifyTransition: (_, transition) => this.deps.onTransition?.(transition),
      },
    });
  }

  private sendAll(messages: readonly M[]): void {
    for (const message of messages) this.connection?.send(message);
    // Queued behind the current event when called from an action: the machine counts the
    // UPDATEs and restarts its keepalive timer.
    if (messages.length > 0) this.running()?.send({ type: 'bgp.updateSent', count: messages.length });
  }

  private openConnection(): void {
    this.closeConnection();
    const attempt = {};
    this.attempt = attempt;
    const deliver = (event: BgpSessionEvent) => {
      if (this.attempt === attempt) this.running()?.send(event);
    };
    let up = false;
    this.connection = this.deps.transport.connect({
      connected: () => {
        up = true;
        deliver({ type: 'tcp.connected' });
      },
      message: (message) => deliver(this.deps.codec.read(message, this.readContext())),
      closed: (end, error) =>
        deliver(end === 'failed' && !up ? { type: 'tcp.failed', error } : { type: 'tcp.closed', error }),
    });
  }

  private readContext(): BgpReadContext | undefined {
    const context = this.context();
    const negotiated = context?.negotiated;
    if (!context || !negotiated) return undefined;
    const internal = negotiated.peerAsn === context.settings.localAsn;
    return { fourOctetAs: negotiated.fourOctetAs, peer: internal ? 'internal' : 'external' };
  }

  private closeConnection(): void {
    this.attempt = undefined;
    const connection = this.connection;
    this.connection = undefined;
    connection?.close();
  }
}
