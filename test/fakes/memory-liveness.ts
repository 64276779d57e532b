// Liveness for membership tests: the real LivenessActor per member, in-process (no worker
// thread), its datagrams carried over a MemoryNetwork's cables. A member's process can be frozen
// (its liveness falls silent too) or killed (its host refuses); MemoryNetwork.freeze alone is a
// busy main thread: SWIM goes unanswered while the liveness actor keeps speaking.
import { LivenessActor } from '../../src/actors/liveness.actor.js';
import type { LivenessSettings } from '../../src/core/membership/liveness-detector.js';
import type { Clock } from '../../src/ports/clock.js';
import type {
  LivenessPeerAddress,
  LivenessSocket,
  LivenessSocketHandlers,
} from '../../src/ports/liveness-socket.js';
import type { MemberLiveness, MemberLivenessHandlers } from '../../src/ports/member-liveness.js';
import type { MemoryNetwork } from './memory-network.js';

export class MemoryLivenessNet {
  readonly frozen = new Set<string>();
  readonly killed = new Set<string>();
  private readonly sockets = new Map<string, LivenessSocketHandlers>();

  constructor(
    private readonly network: MemoryNetwork,
    private readonly clock: Clock,
  ) {}

  member(node: string, settings: LivenessSettings): MemberLiveness {
    return new MemoryLiveness(node, settings, this.clock, this.socket(node));
  }

  private socket(node: string): LivenessSocket {
    let peers: string[] = [];
    return {
      start: (handlers) => {
        this.sockets.set(node, handlers);
        return Promise.resolve();
      },
      peers: (list: readonly LivenessPeerAddress[]) => {
        peers = list.map((p) => p.node);
      },
      send: (to, data) => {
        if (this.frozen.has(node) || this.killed.has(node) || !peers.includes(to)) return;
        if (!this.network.linked(node, to)) return;
        this.clock.setTimeout(() => {
          if (this.killed.has(node)) return;
          if (this.killed.has(to)) this.sockets.get(node)?.refused(to);
          else if (!this.frozen.has(to)) this.sockets.get(to)?.received(data);
        }, this.network.latencyMs);
      },
      stop: () => {
        this.sockets.delete(node);
      },
    };
  }
}

class MemoryLiveness implements MemberLiveness {
  private actor: LivenessActor | undefined;

  constructor(
    private readonly node: string,
    private readonly settings: LivenessSettings,
    private readonly clock: Clock,
    private readonly socket: LivenessSocket,
  ) {}

  async start(handlers: MemberLivenessHandlers): Promise<void> {
    this.actor = new LivenessActor({
      self: this.node,
      clock: this.clock,
      socket: this.socket,
      settings: this.settings,
      boot: 1,
      mainAgeMs: () => 0,
      afterInput: (fn) => fn(),
      onVerdict: (v) => {
        if (v.kind === 'lost') handlers.lost(v.node, v.silentMs);
        else if (v.kind === 'refused') handlers.refused(v.node);
      },
    });
    await this.actor.start();
  }

  watch(peers: readonly LivenessPeerAddress[]): void {
    this.actor?.peers(peers);
  }

  vouchesFor(node: string): boolean {
    return this.actor?.vouchesFor(node) ?? false;
  }

  stop(): Promise<void> {
    this.actor?.stop();
    return Promise.resolve();
  }
}
