// What the membership actor needs from the liveness layer (app/liveness.ts runs it in a worker
// thread): the members to watch, word when one falls silent or is refused, and whether one is
// currently heard. Liveness only hurries suspicion; SWIM stays the truth (docs/design/0008).
import type { LivenessPeerAddress } from './liveness-socket.js';

export interface MemberLivenessHandlers {
  /** Silent for the detection time: the member's process is frozen, gone or cut off. */
  lost(node: string, silentMs: number): void;
  /** Its host refused our datagram: nothing listens, the process is gone. */
  refused(node: string): void;
}

export interface MemberLiveness {
  start(handlers: MemberLivenessHandlers): Promise<void>;
  watch(peers: readonly LivenessPeerAddress[]): void;
  /** Heard within the detection time, its main thread responsive. */
  vouchesFor(node: string): boolean;
  stop(): Promise<void>;
}
