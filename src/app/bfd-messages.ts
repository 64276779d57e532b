// What the main thread and the BFD worker say to each other (structured-clone messages).
import type { BfdSessionInput } from '../machines/bfd-session.machine.js';

export type BfdCommand =
  | {
      readonly type: 'start';
      /** The BGPPeer's name: one BFD session per peer. */
      readonly name: string;
      readonly local: string;
      readonly peer: string;
      readonly settings: BfdSessionInput;
    }
  | { readonly type: 'stop'; readonly name: string }
  /** Every session stopped and every socket closed; the worker then exits by itself. */
  | { readonly type: 'shutdown' };

export type BfdReport =
  | { readonly type: 'up'; readonly name: string }
  | { readonly type: 'down'; readonly name: string; readonly reason: string }
  | {
      readonly type: 'transition';
      readonly name: string;
      readonly from: string;
      readonly to: string;
      readonly reason: string;
      readonly diagnostic: number;
    }
  | { readonly type: 'counters'; readonly name: string; readonly input: number; readonly output: number }
  | { readonly type: 'error'; readonly name: string; readonly err: string };
