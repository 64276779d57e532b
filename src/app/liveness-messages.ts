// What the main thread and the liveness worker say to each other (structured-clone messages).
import type { LivenessSettings } from '../core/membership/liveness-detector.js';
import type { LivenessCounters } from '../actors/liveness.actor.js';
import type { LivenessPeerAddress } from '../ports/liveness-socket.js';

export type LivenessCommand =
  | {
      readonly type: 'start';
      readonly self: string;
      readonly address: string;
      readonly port: number;
      readonly settings: LivenessSettings;
    }
  | { readonly type: 'peers'; readonly peers: readonly LivenessPeerAddress[] }
  /** The main thread runs (sent every few tens of ms; its absence is a main-thread stall). */
  | { readonly type: 'beat' }
  | { readonly type: 'stop' };

export type LivenessReport =
  /** `scheduling`: what the thread's scheduling was raised to (undefined: it could not be). */
  | { readonly type: 'started'; readonly scheduling: string | undefined }
  | { readonly type: 'up'; readonly node: string }
  | { readonly type: 'lost'; readonly node: string; readonly silentMs: number }
  | { readonly type: 'stalled'; readonly node: string; readonly mainAgeMs: number }
  | { readonly type: 'refused'; readonly node: string }
  | { readonly type: 'counters'; readonly counters: LivenessCounters }
  | { readonly type: 'error'; readonly err: string };
