// Path attributes of an UPDATE as data: the ones Herald sends or may meet from FRR, BIRD and
// route reflectors are decoded; any other is kept raw with its flags so it can be passed on or
// re-encoded unchanged.
import type { Ip, IpFamily, Prefix } from '../../net/ip.js';

export type Origin = 'igp' | 'egp' | 'incomplete';

export type AsPathSegmentType = 'set' | 'sequence' | 'confed-sequence' | 'confed-set';

export interface AsPathSegment {
  readonly type: AsPathSegmentType;
  readonly asns: readonly number[];
}

export interface Aggregator {
  readonly asn: number;
  readonly address: Ip;
}

/** RFC 1997: two 16-bit halves, conventionally the AS and a value (`AA:NN`). */
export interface StandardCommunity {
  readonly asn: number;
  readonly value: number;
}

/** RFC 8092: three 32-bit numbers (`large:X:Y:Z`). */
export interface LargeCommunity {
  readonly global: number;
  readonly local1: number;
  readonly local2: number;
}

/** MP_REACH_NLRI (RFC 4760) for unicast IPv4 or IPv6. */
export interface MpReach {
  readonly family: IpFamily;
  /**
   * IPv4 or IPv6. For IPv6 NLRI an IPv4 next hop is sent as ::ffff:a.b.c.d (RFC 4798) and decodes
   * as that IPv6 address; IPv4 NLRI may have an IPv6 next hop (RFC 8950).
   */
  readonly nextHop: Ip;
  /** The second, link-local address of a 32-byte IPv6 next hop (RFC 2545). */
  readonly linkLocalNextHop?: Ip;
  readonly nlri: readonly Prefix[];
}

export interface MpUnreach {
  readonly family: IpFamily;
  readonly withdrawn: readonly Prefix[];
}

export interface UnknownAttribute {
  /** As received, Partial bit included (it must be set when passing the attribute on). */
  readonly flags: number;
  readonly type: number;
  readonly value: Uint8Array;
}

export interface PathAttributes {
  readonly origin?: Origin;
  readonly asPath?: readonly AsPathSegment[];
  readonly nextHop?: Ip;
  readonly med?: number;
  readonly localPref?: number;
  readonly atomicAggregate?: boolean;
  readonly aggregator?: Aggregator;
  readonly communities?: readonly StandardCommunity[];
  /** ORIGINATOR_ID (RFC 4456), a BGP identifier. */
  readonly originatorId?: number;
  readonly clusterList?: readonly number[];
  readonly mpReach?: MpReach;
  readonly mpUnreach?: MpUnreach;
  /** RFC 4360, each 8 bytes, kept as a 64-bit number. */
  readonly extendedCommunities?: readonly bigint[];
  readonly as4Path?: readonly AsPathSegment[];
  readonly as4Aggregator?: Aggregator;
  readonly largeCommunities?: readonly LargeCommunity[];
  readonly unknown?: readonly UnknownAttribute[];
}

/** Where each attribute sat on the wire and with which flags, so a decoded UPDATE re-encodes unchanged. */
export interface AttributeSlot {
  readonly type: number;
  readonly flags: number;
}
