// The liveness actor: every intervalMs it sends one datagram to each liveness peer and judges who
// has been silent too long. Runs in the liveness worker thread (app/liveness-worker.ts), so a
// busy main thread neither delays its packets nor its verdicts; only a frozen or starved process
// does. Time comes from an injected Clock, so tests run it on a simulated one.
import { decodeLiveness, encodeLiveness } from '../core/membership/liveness-wire.js';
import {
  LivenessDetector,
  type LivenessSettings,
  type LivenessVerdict,
} from '../core/membership/liveness-detector.js';
import type { Clock } from '../ports/clock.js';
import type { LivenessPeerAddress, LivenessSocket } from '../ports/liveness-socket.js';

export interface LivenessCounters {
  sent: number;
  received: number;
  /** Undecodable datagrams or ones from a node that is not a peer. */
  ignored: number;
  refused: number;
  lost: number;
}

export interface LivenessActorDeps {
  readonly self: string;
  readonly clock: Clock;
  readonly socket: LivenessSocket;
  readonly settings: LivenessSettings;
  /** Random per process (restarts are told apart). */
  readonly boot: number;
  /** Milliseconds since the main thread last showed it runs (0 when this is the main thread). */
  readonly mainAgeMs: () => number;
  /**
   * Runs `fn` after pending input has been read (setImmediate: after libuv's poll phase). A late
   * timer after a stall of this thread must not judge peers before reading the packets that
   * queued up meanwhile.
   */
  readonly afterInput: (fn: () => void) => void;
  readonly onVerdict: (verdict: LivenessVerdict | { node: string; kind: 'refused' }) => void;
}

export class LivenessActor {
  readonly counters: LivenessCounters = { sent: 0, received: 0, ignored: 0, refused: 0, lost: 0 };
  private readonly detector: LivenessDetector;
  private peerNames: string[] = [];
  private timer: unknown;
  private seq = 0;
  private running = false;

  constructor(private readonly deps: LivenessActorDeps) {
    this.detector = new LivenessDetector(deps.settings);
  }

  async start(): Promise<void> {
    await this.deps.socket.start({
      received: (data) => this.received(data),
      refused: (node) => {
        if (!this.detector.refused(node)) return;
        this.counters.refused++;
        this.deps.onVerdict({ node, kind: 'refused' });
      },
    });
    this.running = true;
    this.tick();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.deps.socket.stop();
  }

  peers(list: readonly LivenessPeerAddress[]): void {
    this.peerNames = list.map((p) => p.node);
    this.detector.expect(this.peerNames);
    this.deps.socket.peers(list);
  }

  vouchesFor(node: string): boolean {
    return this.detector.vouchesFor(node, this.deps.clock.now());
  }

  private tick(): void {
    if (!this.running) return;
    this.timer = this.deps.clock.setTimeout(() => this.tick(), this.deps.settings.intervalMs);
    const packet = encodeLiveness({
      node: this.deps.self,
      boot: this.deps.boot,
      seq: this.seq++,
      mainAgeMs: this.deps.mainAgeMs(),
    });
    for (const node of this.peerNames) {
      this.deps.socket.send(node, packet);
      this.counters.sent++;
    }
    this.deps.afterInput(() => this.judge());
  }

  private judge(): void {
    if (!this.running) return;
    for (const verdict of this.detector.check(this.deps.clock.now())) {
      this.counters.lost++;
      this.deps.onVerdict(verdict);
    }
  }

  private received(data: Uint8Array): void {
    const packet = decodeLiveness(data);
    if (!packet || packet.node === this.deps.self) {
      this.counters.ignored++;
      return;
    }
    this.counters.received++;
    const verdict = this.detector.heard(packet.node, packet.boot, packet.mainAgeMs, this.deps.clock.now());
    if (verdict) this.deps.onVerdict(verdict);
  }
}
