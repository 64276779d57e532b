// BFD control packets (RFC 5880 §4.1) as plain values: what the codec reads and writes and what
// the session machine consumes. Intervals stay in microseconds, the unit on the wire, so a
// decoded packet re-encodes to the same bytes.
import type { BfdAuthentication } from './authentication.js';

/** UDP destination port of single-hop BFD control packets (RFC 5881 §4). */
export const BFD_CONTROL_PORT = 3784;
/** RFC 5881 §5: single-hop packets are sent with TTL / hop limit 255, and checked on receipt. */
export const BFD_SINGLE_HOP_TTL = 255;
export const BFD_VERSION = 1;
/** Length of the mandatory section; with the A bit the authentication section follows it. */
export const BFD_HEADER_LENGTH = 24;

/** Session states in the order of their wire code (0..3). */
export const BFD_STATES = ['adminDown', 'down', 'init', 'up'] as const;
export type BfdState = (typeof BFD_STATES)[number];

export const stateCode = (state: BfdState): number => BFD_STATES.indexOf(state);

export interface BfdControlPacket {
  /** 5 bits; see diagnostic.ts for the names. */
  readonly diagnostic: number;
  readonly state: BfdState;
  readonly poll: boolean;
  readonly final: boolean;
  readonly controlPlaneIndependent: boolean;
  readonly demand: boolean;
  /** Reserved for point-to-multipoint: always rejected on receipt, kept for the fuzz/encode path. */
  readonly multipoint: boolean;
  readonly detectMultiplier: number;
  readonly myDiscriminator: number;
  readonly yourDiscriminator: number;
  readonly desiredMinTxUs: number;
  readonly requiredMinRxUs: number;
  readonly requiredMinEchoRxUs: number;
  /** Present exactly when the A bit is set. */
  readonly authentication: BfdAuthentication | undefined;
}
