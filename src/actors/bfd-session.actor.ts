// The BFD session actor: runs one bfd-session machine for one peer over a BfdTransport, on an
// injected clock. It decodes what arrives, encodes what the machine sends, and owns the periodic
// transmit timer with its jitter (RFC 5880 §6.8.7: 75–100 % of the interval, 75–90 % with Detect
// Mult 1) — the one piece of randomness, kept out of the machine. See docs/design/0004-bfd.md.
import { createActor, type Actor, type InspectionEvent } from 'xstate';
import { decodeControlPacket, encodeControlPacket } from '../core/bfd/codec.js';
import { BfdDecodeError, type BfdDecodeReason } from '../core/bfd/errors.js';
import type { BfdDropReason } from '../core/bfd/session.js';
import { jitteredIntervalUs } from '../core/bfd/timers.js';
import {
  bfdSessionMachine,
  type BfdSessionContext,
  type BfdSessionDownParams,
  type BfdSessionInput,
  type BfdSessionStateValue,
  type BfdTransition,
  type BfdTransmission,
} from '../machines/bfd-session.machine.js';
import type { BfdChannel, BfdTransport } from '../ports/bfd-transport.js';
import type { Clock } from '../ports/clock.js';

export interface BfdSessionDeps {
  readonly clock: Clock;
  readonly transport: BfdTransport;
  /** Uniform in [0, 1): draws the jitter of each periodic packet (default Math.random). */
  readonly random?: () => number;
  readonly onTransition?: (transition: BfdTransition & { diagnostic: number }) => void;
  readonly onUp?: () => void;
  /** The session left Up: what BGP tears its session down on. */
  readonly onDown?: (down: BfdSessionDownParams) => void;
  /** Every control packet received (before any check) and sent: the MetalLB packet counters. */
  readonly onPacket?: (direction: 'input' | 'output') => void;
  /** A datagram that did not decode, or that the session refused. */
  readonly onDropped?: (reason: BfdDecodeReason | BfdDropReason) => void;
  /** The machine failed (a bug): the session is dead until restarted. */
  readonly onError?: (error: unknown) => void;
  /** Names the actor for the state board (`bfd:<peer>`) and lets the board inspect it. */
  readonly id?: string;
  readonly inspect?: (event: InspectionEvent) => void;
}

type SessionActorRef = Actor<typeof bfdSessionMachine>;

export class BfdSessionActor {
  private actor: SessionActorRef | undefined;
  private channel: BfdChannel | undefined;
  private transmission: BfdTransmission | undefined;
  private timer: unknown;
  private lastPeriodicAt = 0;

  constructor(
    private readonly input: BfdSessionInput,
    private readonly deps: BfdSessionDeps,
  ) {}

  /** Opens the path to the peer and starts the session (Down; active sessions start sending). */
  start(): void {
    if (this.running()) return;
    const channel = this.deps.transport.open({
      received: (datagram) => {
        if (this.channel === channel) this.receive(datagram.payload, datagram.ttl);
      },
    });
    this.channel = channel;
    const actor = createActor(this.machine(), {
      clock: this.deps.clock,
      input: this.input,
      ...(this.deps.id ? { id: this.deps.id } : {}),
      ...(this.deps.inspect ? { inspect: this.deps.inspect } : {}),
    });
    actor.subscribe({ error: (error) => this.deps.onError?.(error) });
    this.actor = actor;
    actor.start();
  }

  /** Stops sending and the machine, closes the path; the last state stays readable. */
  stop(): void {
    const actor = this.running();
    if (!actor) return;
    actor.stop();
    this.stopTimer();
    this.transmission = undefined;
    const channel = this.channel;
    this.channel = undefined;
    channel?.close();
  }

  adminDown(): void {
    this.running()?.send({ type: 'bfd.admin.down' });
  }

  adminUp(): void {
    this.running()?.send({ type: 'bfd.admin.up' });
  }

  /** New timers from a changed BFDProfile (µs); a poll sequence when Up. */
  changeParameters(change: {
    desiredMinTxUs?: number;
    requiredMinRxUs?: number;
    detectMultiplier?: number;
  }): void {
    this.running()?.send({ type: 'bfd.parameters.change', ...change });
  }

  state(): BfdSessionStateValue | 'notStarted' {
    return this.actor?.getSnapshot().context.lastTransition.to ?? 'notStarted';
  }

  context(): BfdSessionContext | undefined {
    return this.actor?.getSnapshot().context;
  }

  private running(): SessionActorRef | undefined {
    return this.actor?.getSnapshot().status === 'active' ? this.actor : undefined;
  }

  private machine() {
    return bfdSessionMachine.provide({
      actions: {
        startTransmitting: (_, transmission) => this.transmit(transmission, true),
        updateTransmitInterval: (_, transmission) => this.transmit(transmission, false),
        stopTransmitting: () => {
          this.transmission = undefined;
          this.stopTimer();
        },
        sendControlPacket: (_, { packet }) => {
          this.channel?.send(encodeControlPacket(packet));
          this.deps.onPacket?.('output');
        },
        sessionUp: () => this.deps.onUp?.(),
        sessionDown: (_, down) => this.deps.onDown?.(down),
        notifyTransition: (_, transition) => this.deps.onTransition?.(transition),
        packetDropped: (_, { reason }) => this.deps.onDropped?.(reason),
      },
    });
  }

  private receive(payload: Uint8Array, ttl: number): void {
    this.deps.onPacket?.('input');
    const packet = decodeControlPacket(payload);
    if (packet instanceof BfdDecodeError) this.deps.onDropped?.(packet.reason);
    else this.running()?.send({ type: 'bfd.packet.received', packet, ttl });
  }

  /**
   * Runs the periodic timer at `transmission`. A new session starts a full (jittered) interval
   * from now; a changed interval counts from the last periodic packet, so a shorter one is
   * honoured at once (§6.8.3) and a longer one never leaves a gap beyond it.
   */
  private transmit(transmission: BfdTransmission, starting: boolean): void {
    this.transmission = transmission;
    if (starting) this.lastPeriodicAt = this.deps.clock.now();
    this.schedule();
  }

  private schedule(): void {
    this.stopTimer();
    const transmission = this.transmission;
    if (!transmission) return;
    const random = (this.deps.random ?? Math.random)();
    const delayMs = jitteredIntervalUs(transmission.intervalUs, transmission.detectMultiplier, random) / 1000;
    const wait = Math.max(0, this.lastPeriodicAt + delayMs - this.deps.clock.now());
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      this.lastPeriodicAt = this.deps.clock.now();
      this.running()?.send({ type: 'bfd.transmit.due' });
      this.schedule();
    }, wait);
  }

  private stopTimer(): void {
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
